"""The filters and numbers of the aggregate page (/beeld/, issue 16 item 4): each filter (eenheid,
veiligheidsregio, basisteam, driehoek-soort, domein) narrows the gemeenten; the summary per eenheid and per
veiligheidsregio counts covered gemeenten of the total with the percentage, and BOA's and fte per domein with each
arrangement once per group; a bad choice is refused in Dutch; the number of queries does not grow."""

import datetime
import re

import pytest
from django.utils import timezone

from arrangementen.models import BoaInzet, Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Driehoek, Organisatie, Overzichtsniveau, Werkgebied

from ..factories import (
    ArrangementFactory,
    BasisteamFactory,
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OrganisatieFactory,
    VeiligheidsregioFactory,
)
from .helpers import html

DAY = datetime.timedelta(days=1)
URL = "/beeld/"


def _arrangement(gemeenten, *, soort=Driehoek.Soort.BASISTEAM, inzet=(), in_force=True):
    today = timezone.localdate()
    dates = {"status": Status.ONDERTEKEND, "vastgesteld_op": today - 100 * DAY,
             "ondertekend_op": timezone.now() - 90 * DAY, "geldig_van": today - 80 * DAY,
             "geldig_tot": today + 400 * DAY} if in_force else {}
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=list(gemeenten), soort=soort),
                                     aangemaakt_op=timezone.now() - 500 * DAY, **dates)
    for gemeente in gemeenten:
        organisatie = OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
        Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    for domein, boas, fte in inzet:
        BoaInzet.objects.create(arrangement=arrangement, domein=domein, aantal_boas=boas, fte=fte)
    return arrangement


@pytest.fixture
def land(db):
    noord, zuid = EenheidFactory(code="RE71", naam="Noord"), EenheidFactory(code="RE72", naam="Zuid")
    een = VeiligheidsregioFactory(code="VR71", naam="Regio Een", eenheid=noord)
    twee = VeiligheidsregioFactory(code="VR72", naam="Regio Twee", eenheid=noord)
    zuidregio = VeiligheidsregioFactory(code="VR73", naam="Regio Zuid", eenheid=zuid)
    g = {naam: GemeenteFactory(officiele_naam=naam, veiligheidsregio=regio) for naam, regio in (
        ("Aadorp", een), ("Bedum", een), ("Cadier", twee), ("Dalen", twee), ("Zelhem", zuidregio))}
    # One arrangement for two gemeenten; domein IV recorded without BOA's.
    _arrangement([g["Aadorp"], g["Bedum"]], inzet=[("I", 4, 3), ("II", 1, 1), ("IV", 0, 0)])
    _arrangement([g["Cadier"]], soort=Driehoek.Soort.LOKAAL, in_force=False, inzet=[("III", 50, 50)])
    _arrangement([g["Dalen"]], soort=Driehoek.Soort.LOKAAL, inzet=[("III", 2, "1.5")])
    _arrangement([g["Zelhem"]], inzet=[("I", 9, 7)])
    team = BasisteamFactory(naam="Team West", eenheid=noord)
    Werkgebied.objects.create(basisteam=team, gemeente=g["Aadorp"], dekking=Werkgebied.Dekking.GEHEEL)
    Werkgebied.objects.create(basisteam=team, gemeente=g["Cadier"], dekking=Werkgebied.Dekking.DEEL)
    Werkgebied.objects.create(basisteam=team, gemeente=g["Dalen"], dekking=Werkgebied.Dekking.GEHEEL,
                              geldig_tot=timezone.localdate() - 10 * DAY)  # no longer the team's
    return {"noord": noord, "een": een, "twee": twee, "team": team, "gemeenten": g}


def _user(**scope):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, **scope)
    return user


def _cells(body: str) -> list[list[str]]:
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _table(response) -> list[list[str]]:
    """The gemeenten table's rows (none when the page says there are no gemeenten)."""
    found = re.search(r'<table class="utrecht-table" aria-labelledby="gemeenten">.*?<tbody[^>]*>(.*?)</tbody>',
                      html(response), re.S)
    return _cells(found.group(1)) if found else []


def _gemeenten(response) -> list[str]:
    return [row[0] for row in _table(response)]


def _summary(response) -> list[list[list[str]]]:
    """The summary tables (per eenheid, per veiligheidsregio), heading row included."""
    return [_cells(table) for table in re.findall(r'<table class="utrecht-table app-cijfers".*?</table>',
                                                   html(response), re.S)]


@pytest.fixture
def landelijk(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    return client


def test_without_filters_every_gemeente_of_the_scope(landelijk):
    assert _gemeenten(landelijk.get(URL)) == ["Aadorp", "Bedum", "Cadier", "Dalen", "Zelhem"]


def test_the_eenheid_filter_narrows_to_its_gemeenten(land, landelijk):
    assert _gemeenten(landelijk.get(URL, {"eenheid": land["noord"].pk})) == ["Aadorp", "Bedum", "Cadier", "Dalen"]


def test_the_veiligheidsregio_filter_narrows_to_its_gemeenten(land, landelijk):
    assert _gemeenten(landelijk.get(URL, {"veiligheidsregio": land["twee"].pk})) == ["Cadier", "Dalen"]


def test_the_basisteam_filter_narrows_to_its_werkgebied_on_the_peildatum(land, landelijk):
    assert _gemeenten(landelijk.get(URL, {"basisteam": land["team"].pk})) == ["Aadorp", "Cadier"]
    earlier = (timezone.localdate() - 20 * DAY).strftime("%d-%m-%Y")  # Dalen was still the team's then
    assert _gemeenten(landelijk.get(URL, {"basisteam": land["team"].pk, "peildatum": earlier})) == [
        "Aadorp", "Cadier", "Dalen"]


def test_the_driehoek_soort_filter_narrows_to_gemeenten_in_such_a_driehoek(landelijk):
    assert _gemeenten(landelijk.get(URL, {"driehoeksoort": "lokaal"})) == ["Cadier", "Dalen"]
    assert _gemeenten(landelijk.get(URL, {"driehoeksoort": "regionaal"})) == []


def test_the_domein_filter_keeps_gemeenten_covered_with_inzet_there_and_counts_only_that_domein(landelijk):
    response = landelijk.get(URL, {"domein": "III"})
    assert _gemeenten(response) == ["Dalen"]  # Cadier's inzet is in an arrangement not in force
    assert _table(response)[0][-2:] == ["2", "1,5"]
    assert _gemeenten(landelijk.get(URL, {"domein": "I"})) == ["Aadorp", "Bedum", "Zelhem"]
    assert _gemeenten(landelijk.get(URL, {"domein": "IV"})) == []  # recorded with no BOA's and no fte
    [per_eenheid, _per_regio] = _summary(response)
    assert per_eenheid == [["Politie-eenheid", "Gemeenten gedekt", "Domein III – Onderwijs: BOA's / fte"],
                           ["Noord", "1 van 1 (100%)", "2 / 1,5"]]


def test_filters_combine_and_sort_links_keep_them(land, landelijk):
    response = landelijk.get(URL, {"eenheid": land["noord"].pk, "driehoeksoort": "basisteam"})
    assert _gemeenten(response) == ["Aadorp", "Bedum"]
    assert f'href="?sorteer=boas&amp;richting=op&amp;eenheid={land["noord"].pk}&amp;driehoeksoort=basisteam"' in (
        html(response))


def test_the_summary_counts_covered_gemeenten_and_inzet_per_eenheid_and_region(landelijk):
    [per_eenheid, per_regio] = _summary(landelijk.get(URL))
    domeinen = ["Domein I – Openbare ruimte: BOA's / fte", "Domein II – Milieu, welzijn en infrastructuur: BOA's / fte",
                "Domein III – Onderwijs: BOA's / fte", "Domein IV – Openbaar vervoer: BOA's / fte",
                "Domein V – Werk, inkomen en zorg: BOA's / fte", "Domein VI – Generieke opsporing: BOA's / fte"]
    # The arrangement covering Aadorp and Bedum counts once; Cadier's (not in force) not at all.
    nul = ["0 / 0,0"]
    assert per_eenheid == [["Politie-eenheid", "Gemeenten gedekt", *domeinen],
                           ["Noord", "3 van 4 (75%)", "4 / 3,0", "1 / 1,0", "2 / 1,5", *nul * 3],
                           ["Zuid", "1 van 1 (100%)", "9 / 7,0", *nul * 5]]
    assert per_regio == [["Veiligheidsregio", "Gemeenten gedekt", *domeinen],
                         ["Regio Een", "2 van 2 (100%)", "4 / 3,0", "1 / 1,0", *nul * 4],
                         ["Regio Twee", "1 van 2 (50%)", *nul * 2, "2 / 1,5", *nul * 3],
                         ["Regio Zuid", "1 van 1 (100%)", "9 / 7,0", *nul * 5]]


def test_the_summary_follows_the_filters(land, landelijk):
    [per_eenheid, per_regio] = _summary(landelijk.get(URL, {"veiligheidsregio": land["twee"].pk}))
    assert [row[:2] for row in per_eenheid[1:]] == [["Noord", "1 van 2 (50%)"]]
    assert [row[:2] for row in per_regio[1:]] == [["Regio Twee", "1 van 2 (50%)"]]


@pytest.mark.parametrize(("query", "message"), [
    ({"eenheid": "999999"}, "Kies een politie-eenheid uit de lijst."),
    ({"veiligheidsregio": "abc"}, "Kies een veiligheidsregio uit de lijst."),
    ({"basisteam": "999999"}, "Kies een basisteam uit de lijst."),
    ({"driehoeksoort": "wijk"}, "Kies een soort driehoek uit de lijst."),
    ({"domein": "VII"}, "Kies een domein uit de lijst."),
])
def test_a_bad_choice_is_refused_in_dutch(landelijk, query, message):
    response = landelijk.get(URL, query)
    assert response.status_code == 200 and message in html(response)
    assert _gemeenten(response) == ["Aadorp", "Bedum", "Cadier", "Dalen", "Zelhem"]  # unfiltered meanwhile


def test_a_bad_filter_keeps_the_other_choices(land, landelijk):
    response = landelijk.get(URL, {"eenheid": "999999", "veiligheidsregio": land["twee"].pk, "domein": "III"})
    assert "Kies een politie-eenheid uit de lijst." in html(response)
    assert _gemeenten(response) == ["Dalen"]


def test_an_eenheid_user_chooses_only_from_their_scope(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    page = html(client.get(URL))
    zuid = land["gemeenten"]["Zelhem"].eenheid
    assert f'<option value="{land["noord"].pk}">' in page and f'<option value="{zuid.pk}">' not in page
    zuidregio = land["gemeenten"]["Zelhem"].veiligheidsregio
    assert f'<option value="{land["een"].pk}">' in page and f'<option value="{zuidregio.pk}">' not in page
    response = client.get(URL, {"eenheid": zuid.pk})
    assert "Kies een politie-eenheid uit de lijst." in html(response) and "Zelhem" not in _gemeenten(response)


@pytest.mark.parametrize("extra", [0, 30])
def test_the_filtered_page_reads_in_a_constant_number_of_queries(land, client, django_assert_num_queries, extra):
    for index in range(extra):
        gemeente = GemeenteFactory(veiligheidsregio=land["twee"])
        _arrangement([gemeente], soort=Driehoek.Soort.LOKAAL, in_force=bool(index % 2), inzet=[("III", index, 1)])
        Werkgebied.objects.create(basisteam=land["team"], gemeente=gemeente, dekking=Werkgebied.Dekking.GEHEEL)
    dalen = Werkgebied.objects.get(gemeente=land["gemeenten"]["Dalen"])
    dalen.geldig_tot = None  # Dalen the team's again: a covered row in both cases
    dalen.save()
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    query = {"eenheid": land["noord"].pk, "veiligheidsregio": land["twee"].pk, "basisteam": land["team"].pk,
             "driehoeksoort": "lokaal", "domein": "III", "sorteer": "boas"}
    # 6 for the table, 1 for the geweldsmiddelen flags (issue 20), 3 for the filters' lists; a chosen eenheid,
    # veiligheidsregio or basisteam is checked against the list it was chosen from (forms.filters.EenmaalGelezen).
    with django_assert_num_queries(10):
        response = client.get(URL, query)
    # In force, in the team's werkgebied today, with inzet in domein III: Dalen and the new ones in force.
    assert len(_gemeenten(response)) == 1 + extra // 2
