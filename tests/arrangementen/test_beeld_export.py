"""The aggregate table (/beeld/, issue 16) as a download: CSV and XLSX with exactly the page's rows, in the page's
order and on its peildatum, with Dutch headers; a refused peildatum gives the page with its message, not a file."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from arrangementen import beeldcache
from samenwerking.models import Overzichtsniveau, Rol

from ..factories import DriehoekFactory, EenheidFactory, GebruikerFactory, GemeenteFactory, VeiligheidsregioFactory, lid
from .helpers import html
from .test_beeld import _arrangement, _in_force, _rows, _user

DAY = datetime.timedelta(days=1)
URL = "/beeld/"
HEADERS = ["Gemeente", "CBS-code", "Politie-eenheid", "Veiligheidsregio", "Stand", "Arrangementen", "BOA's", "Fte",
           *[f"{soort} domein {d}" for d in ("I", "II", "III", "IV", "V", "VI") for soort in ("BOA's", "Fte")],
           "Geweldsmiddelen zonder arrangement in werking"]
# The fixture's BoaInzet: domein I as given, domein II one BOA and one fte, the other domeinen none.
ZEROS = ["0", "0"] * 4


@pytest.fixture
def land(db):
    noord, zuid = EenheidFactory(code="RE91", naam="Noord"), EenheidFactory(code="RE92", naam="Zuid")
    regio_n = VeiligheidsregioFactory(code="VR91", naam="Regio Noord", eenheid=noord)
    regio_z = VeiligheidsregioFactory(code="VR92", naam="Regio Zuid", eenheid=zuid)
    g = {naam: GemeenteFactory(officiele_naam=naam, cbs_code=code, veiligheidsregio=regio)
         for naam, code, regio in (("Aadorp", "GM9001", regio_n), ("Bedum", "GM9002", regio_n),
                                   ("Cadier", "GM9003", regio_n), ("Zelhem", "GM9004", regio_z))}
    _in_force([g["Aadorp"], g["Bedum"]], boas=4, fte=3)
    _arrangement([g["Cadier"]])
    _in_force([g["Zelhem"]], boas=9, fte=7)
    return {"noord": noord, "gemeenten": g}


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the BOM as UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_csv_has_dutch_headers_and_exactly_the_pages_rows_in_its_order(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    query = {"sorteer": "boas", "richting": "af"}
    page_rows = _rows(client.get(URL, query))
    response = client.get(URL, {**query, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="beeld-{timezone.localdate():%Y%m%d}.csv"'
    [headers, *rows] = _csv(response)
    assert headers == HEADERS
    assert [row[0] for row in rows] == [row[0] for row in page_rows] == ["Zelhem", "Aadorp", "Bedum", "Cadier"]
    assert rows == [
        ["Zelhem", "GM9004", "Zuid", "Regio Zuid", "Ondertekend en in werking", "1", "10", "8",
         "9", "7", "1", "1", *ZEROS, "nee"],
        ["Aadorp", "GM9001", "Noord", "Regio Noord", "Ondertekend en in werking", "1", "5", "4",
         "4", "3", "1", "1", *ZEROS, "nee"],
        ["Bedum", "GM9002", "Noord", "Regio Noord", "Ondertekend en in werking", "1", "5", "4",
         "4", "3", "1", "1", *ZEROS, "nee"],
        ["Cadier", "GM9003", "Noord", "Regio Noord", "In voorbereiding", "1", "", "", *[""] * 12, "nee"],
    ]


def test_the_csv_writes_numbers_as_dutch_excel_reads_them(land, client):
    """Whole numbers without ".0", fractions with a decimal comma (the cells are separated by semicolons)."""
    _in_force([GemeenteFactory(officiele_naam="Aalsum", cbs_code="GM9005",
                               veiligheidsregio=land["gemeenten"]["Aadorp"].veiligheidsregio)], boas=3, fte="2.5")
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    body = client.get(URL, {"export": "csv"}).content
    lines = body.decode("utf-8").removeprefix("\ufeff").splitlines()
    assert lines[2] == ("Aalsum;GM9005;Noord;Regio Noord;Ondertekend en in werking;1;4;3,5;3;2,5;1;1;"
                        + ";".join(["0"] * 8) + ";nee")
    assert lines[1].startswith("Aadorp;GM9001;Noord;Regio Noord;Ondertekend en in werking;1;5;4;4;3;1;1;0;0;")
    assert b".0;" not in body and not body.rstrip().endswith(b".0")


def test_the_xlsx_keeps_the_peildatum_and_numbers_stay_numbers(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    before = timezone.localdate() - 95 * DAY
    query = {"peildatum": before.strftime("%d-%m-%Y"), "sorteer": "gemeente", "richting": "af"}
    page_rows = _rows(client.get(URL, query))
    response = client.get(URL, {**query, "export": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="beeld-{before:%Y%m%d}.xlsx"'
    [headers, *rows] = _xlsx(response)
    assert list(headers) == HEADERS
    assert [row[0] for row in rows] == [row[0] for row in page_rows] == ["Cadier", "Bedum", "Aadorp"]
    assert [row[4] for row in rows] == ["In voorbereiding"] + ["Vastgesteld, nog niet in werking"] * 2
    assert [row[5:] for row in rows] == [(1,) + (None,) * 14 + ("nee",)] * 3  # not in force: no BOA-inzet counted
    today = _xlsx(client.get(URL, {"sorteer": "gemeente", "export": "xlsx"}))
    assert today[1][4:] == ("Ondertekend en in werking", 1, 5, 4, 4, 3, 1, 1) + (0,) * 8 + ("nee",)


def test_a_refused_peildatum_shows_the_page_with_its_message_instead_of_a_file(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    response = client.get(URL, {"peildatum": "31-02-2026", "export": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert "Vul een geldige peildatum in, bijvoorbeeld 1-1-2027." in html(response)


def test_the_page_links_to_both_downloads_with_its_peildatum_and_sort(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    page = html(client.get(URL, {"peildatum": "01-01-2026", "sorteer": "stand", "richting": "af"}))
    for formaat in ("csv", "xlsx"):
        assert f'href="?peildatum=01-01-2026&amp;sorteer=stand&amp;richting=af&amp;export={formaat}"' in page


def test_without_an_overview_role_there_is_no_export(land, client):
    member = GebruikerFactory()
    lid(member, DriehoekFactory(gemeenten=list(land["gemeenten"].values())), Rol.SECRETARIS)
    client.force_login(member)
    assert client.get(URL, {"export": "csv"}).status_code == 403
    client.logout()
    assert client.get(URL, {"export": "xlsx"}).status_code == 302


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_the_export_reads_in_a_constant_number_of_queries(land, client, formaat):
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    client.get(URL, {"export": formaat})  # warm-up: per-process caches do not count

    def count() -> int:
        beeldcache.bump()  # both counts compute the picture: the cached one reads fewer (test_beeldcache.py)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"export": formaat, "sorteer": "stand"}).status_code == 200
        return len(queries)

    small = count()
    for index in range(30):
        gemeente = GemeenteFactory(veiligheidsregio=land["gemeenten"]["Aadorp"].veiligheidsregio)
        (_in_force if index % 2 else _arrangement)([gemeente], boas=index % 5 + 1)
    assert count() == small <= 12
    assert len(_csv(client.get(URL, {"export": "csv"}))) == 1 + 3 + 30
