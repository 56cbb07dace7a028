"""The driehoeksecretaris keeps the actielijst, in a real browser: from the dashboard to the driehoek and its
history, the actielijst filtered and exported (CSV and Excel), the overleggen, an overleg edited, an existing
actielijst imported (a file with a problem first: nothing imported, every problem named; then the preview and
the import), an actiepunt edited and taken into progress, and the verslag downloaded as PDF.

Nu Html Checker and axe-core check every page served (conftest `page_checks`); the explicit axe calls below
are for page states that only exist after interaction.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actiepunten import services
from actiepunten.models import Actiepunt, Overleg
from samenwerking.models import Driehoek

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
OVERLEG = "Tactisch overleg voorjaar"
BESTAAND = "Handhavingsknelpunten Soest inventariseren"
IMPORT = [("Toezicht op de markt van Baarn evalueren", "Carla de Coördinator"),
          ("Gezamenlijke briefing zomerperiode plannen", "Tom Teamchef")]


def _datum(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _csv(rows: list[list[str]]) -> bytes:
    return ("\n".join(";".join(row) for row in [["Nr", "Onderwerp", "Wie", "Datum gereed"], *rows]) + "\n").encode()


@pytest.fixture
def overleg(demo_data) -> Overleg:
    bes = Driehoek.objects.get(naam=BES)
    secretaris = demo_data["secretaris"]
    overleg = services.create_overleg(driehoek=bes, user=secretaris, data={
        "soort": Overleg.Soort.TACTISCH, "titel": OVERLEG, "datum": timezone.localdate(), "secretaris": secretaris,
        "verslag": "<p>De driehoek bespreekt de inzet in het voorjaar.</p>",
    }, agenda=["Opening", "Inzet voorjaar"])
    services.create_actiepunt(driehoek=bes, user=secretaris, overleg=overleg, data={
        "onderwerp": BESTAAND, "eigenaar": demo_data["coordinator"], "datum_gereed": _datum(14)})
    return overleg


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name=name).click()


def test_secretaris_houdt_actielijst_bij_importeert_en_exporteert(page, live_server, overleg, page_checks,
                                                                   tmp_path):
    secretaris = page
    login_checked(secretaris, live_server, "secretaris")

    # The driehoek and its history ------------------------------------------------------------------------
    secretaris.get_by_role("list", name="Mijn driehoeken").get_by_role("link", name=BES).click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(BES)
    secretaris.get_by_role("link", name="Geschiedenis van deze driehoek").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Geschiedenis")

    # The actielijst, filtered, and exported with the filters ----------------------------------------------
    nav(secretaris, "Mijn actiepunten")
    secretaris.get_by_role("main").get_by_role("link", name=BES).click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(f"Actielijst {BES}")
    expect(secretaris.get_by_role("heading", name="1 actiepunt", exact=True)).to_be_visible()
    filters = secretaris.get_by_role("search", name="Actiepunten filteren")
    filters.get_by_label("Naam of organisatie eigenaar bevat").fill("Carla")
    filters.get_by_label("Gereed vanaf").fill(f"{_datum(30):%Y-%m-%d}")
    filters.get_by_label("Gereed tot en met").fill(f"{_datum(1):%Y-%m-%d}")
    filters.get_by_role("button", name="Toon resultaten").click()
    tot = secretaris.get_by_label("Gereed tot en met")
    expect(tot).to_have_accessible_description(re.compile("Deze datum ligt vóór 'gereed vanaf'."))
    assert_no_axe_violations(secretaris)  # the filter with an error
    secretaris.get_by_label("Gereed vanaf").fill(f"{_datum(1):%Y-%m-%d}")
    tot.fill(f"{_datum(30):%Y-%m-%d}")
    secretaris.get_by_role("search", name="Actiepunten filteren").get_by_role("button", name="Toon resultaten").click()
    expect(secretaris.get_by_role("heading", name="1 actiepunt", exact=True)).to_be_visible()
    for link, suffix in (("CSV", ".csv"), ("Excel (xlsx)", ".xlsx")):
        with secretaris.expect_download() as download_info:
            secretaris.get_by_role("link", name=link, exact=True).click()
        assert download_info.value.suggested_filename.endswith(suffix)
    with secretaris.expect_download() as download_info:
        secretaris.get_by_role("link", name="CSV", exact=True).click()
    tekst = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert BESTAAND in tekst

    # The overleggen, and one edited ---------------------------------------------------------------------
    secretaris.get_by_role("link", name="Overleggen en verslagen").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(f"Overleggen {BES}")
    secretaris.get_by_role("link", name=re.compile(OVERLEG)).first.click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(OVERLEG)
    overleg_url = secretaris.url
    secretaris.get_by_role("link", name="Overleg en verslag bewerken").click()
    expect(secretaris.get_by_role("heading", level=1)).to_contain_text("bewerken")
    secretaris.get_by_label(re.compile("^Locatie")).fill("Gemeentehuis Baarn")
    secretaris.get_by_role("button", name="Opslaan").click()
    expect(secretaris).to_have_url(overleg_url)
    expect(secretaris.get_by_role("main")).to_contain_text("Gemeentehuis Baarn")

    # Import: a file with a problem imports nothing and names the row --------------------------------------
    secretaris.get_by_role("link", name="Actielijst importeren").click()
    import_url = secretaris.url
    expect(secretaris.get_by_role("heading", level=1)).to_contain_text(f"Actielijst importeren in {OVERLEG}")
    fout = tmp_path / "actielijst-fout.csv"
    fout.write_bytes(_csv([["2", IMPORT[0][0], IMPORT[0][1], "geen datum"]]))
    page_checks.expect_status(import_url, 400)
    secretaris.get_by_label("Actielijst (CSV of Excel)").set_input_files(fout)
    secretaris.get_by_role("button", name="Voorbeeld tonen").click()
    probleem = secretaris.get_by_role("alert")
    expect(probleem).to_contain_text("er is niets geïmporteerd")
    expect(probleem).to_contain_text("Rij 2:")
    assert_no_axe_violations(secretaris)

    # ... a good file shows the preview, and importing adds the actiepunten -------------------------------
    goed = tmp_path / "actielijst.csv"
    goed.write_bytes(_csv([[str(nr), onderwerp, wie, f"{_datum(20 + nr):%d-%m-%Y}"]
                           for nr, (onderwerp, wie) in enumerate(IMPORT, start=2)]))
    secretaris.get_by_label("Actielijst (CSV of Excel)").set_input_files(goed)
    secretaris.get_by_role("button", name="Voorbeeld tonen").click()
    voorbeeld = secretaris.get_by_role("table", name="Voorbeeld: zo worden de actiepunten geïmporteerd")
    expect(voorbeeld.locator("tbody tr")).to_have_count(len(IMPORT))
    for onderwerp, wie in IMPORT:
        expect(voorbeeld.get_by_role("row").filter(has_text=onderwerp)).to_contain_text(wie)
    secretaris.get_by_role("button", name="2 actiepunten importeren").click()
    expect(secretaris).to_have_url(overleg_url)
    expect_message(secretaris, "2 actiepunten zijn geïmporteerd.")
    tabel = secretaris.get_by_role("table", name="Actiepunten")
    expect(tabel.locator("tbody tr")).to_have_count(3)

    # An actiepunt edited and taken into progress ---------------------------------------------------------
    tabel.get_by_role("link", name=IMPORT[1][0]).click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Actiepunt 3")
    secretaris.get_by_role("link", name="Bewerken").click()
    secretaris.get_by_label("Datum gereed").fill(f"{_datum(40):%Y-%m-%d}")
    secretaris.get_by_label("Toelichting").fill("Afstemmen met de roosterplanning van het basisteam.")
    secretaris.get_by_role("button", name="Opslaan").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Actiepunt 3")
    secretaris.get_by_role("button", name="In uitvoering nemen").click()
    expect_message(secretaris, "De status is nu 'in uitvoering'.")
    punt = Actiepunt.objects.get(overleg=overleg, nummer=3)
    assert (punt.datum_gereed, punt.status, punt.eigenaar.username) == (_datum(40), "in_uitvoering", "teamchef")

    # The verslag with its actiepunten as PDF --------------------------------------------------------------
    secretaris.goto(overleg_url)
    with secretaris.expect_download() as download_info:
        secretaris.get_by_role("link", name="Verslag en actiepunten downloaden (PDF)").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF-")
