"""The aggregate page above the driehoek (/beeld/, issue 16): the gemeenten of the user's scope with their state,
arrangement count and BOA-inzet, sortable by column without script, on any peildatum; never content."""

import datetime
import re

import pytest
from django.utils import timezone

from arrangementen.models import BoaInzet, Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Organisatie, Overzichtsniveau, Rol

from ..factories import (
    ArrangementFactory,
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OrganisatieFactory,
    VeiligheidsregioFactory,
    lid,
)
from .helpers import html

DAY = datetime.timedelta(days=1)
URL = "/beeld/"


def _arrangement(gemeenten, *, boas=0, fte=0, titel="Geheime titel", **velden):
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=list(gemeenten)), titel=titel,
                                     aangemaakt_op=timezone.now() - 500 * DAY, **velden)
    for gemeente in gemeenten:
        organisatie = OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
        Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    if boas:
        BoaInzet.objects.create(arrangement=arrangement, domein="I", aantal_boas=boas, fte=fte)
        BoaInzet.objects.create(arrangement=arrangement, domein="II", aantal_boas=1, fte=1)
    return arrangement


def _in_force(gemeenten, **kwargs):
    today = timezone.localdate()
    return _arrangement(gemeenten, status=Status.ONDERTEKEND, vastgesteld_op=today - 100 * DAY,
                        ondertekend_op=timezone.now() - 90 * DAY, geldig_van=today - 80 * DAY,
                        geldig_tot=today + 400 * DAY, **kwargs)


@pytest.fixture
def land(db):
    noord, zuid = EenheidFactory(code="RE81", naam="Noord"), EenheidFactory(code="RE82", naam="Zuid")
    regio_n = VeiligheidsregioFactory(code="VR81", naam="Regio Noord", eenheid=noord)
    regio_z = VeiligheidsregioFactory(code="VR82", naam="Regio Zuid", eenheid=zuid)
    g = {naam: GemeenteFactory(officiele_naam=naam, veiligheidsregio=regio)
         for naam, regio in (("Aadorp", regio_n), ("Bedum", regio_n), ("Cadier", regio_n), ("Zelhem", regio_z))}
    _in_force([g["Aadorp"], g["Bedum"]], boas=4, fte=3)  # one arrangement covering two gemeenten
    _arrangement([g["Cadier"]])
    _in_force([g["Zelhem"]], boas=9, fte=7)
    return {"noord": noord, "gemeenten": g}


def _user(**scope):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, **scope)
    return user


def _rows(response) -> list[list[str]]:
    body = html(response).split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_an_eenheid_user_sees_the_state_of_their_eenheids_gemeenten_and_no_content(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == [
        ["Aadorp", "Noord", "Regio Noord", "Ondertekend en in werking", "1", "5", "4,0"],
        ["Bedum", "Noord", "Regio Noord", "Ondertekend en in werking", "1", "5", "4,0"],
        ["Cadier", "Noord", "Regio Noord", "In voorbereiding", "1", "—", "—"],
    ]
    page = html(response)
    assert "Zelhem" not in page and "Geheime titel" not in page
    assert "2 van 3 gemeenten gedekt door een arrangement in werking" in page
    assert "BOA-inzet in de arrangementen in werking: 5 BOA's, 4,0 fte" in page  # counted once, not twice


def test_a_landelijk_user_sorts_by_column_through_the_query_string(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    response = client.get(URL, {"sorteer": "boas", "richting": "af"})
    assert [row[0] for row in _rows(response)] == ["Zelhem", "Aadorp", "Bedum", "Cadier"]
    page = html(response)
    assert re.search(r'aria-sort="descending"><a class="utrecht-link" href="\?sorteer=boas&amp;richting=op"', page)
    response = client.get(URL, {"sorteer": "stand"})
    assert [row[3] for row in _rows(response)] == ["Ondertekend en in werking"] * 3 + ["In voorbereiding"]
    response = client.get(URL, {"sorteer": "onzin"})  # an unknown column: the default order, no error
    assert [row[0] for row in _rows(response)] == ["Aadorp", "Bedum", "Cadier", "Zelhem"]


def test_a_past_peildatum_shows_the_past_state_and_a_bad_one_is_refused_in_dutch(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    before = (timezone.localdate() - 95 * DAY).strftime("%d-%m-%Y")
    response = client.get(URL, {"peildatum": before, "sorteer": "gemeente"})
    assert [row[3] for row in _rows(response)] == ["Vastgesteld, nog niet in werking"] * 2 + [
        "In voorbereiding", "Vastgesteld, nog niet in werking"]
    assert 'href="?sorteer=stand&amp;richting=op&amp;peildatum=' + before + '"' in html(response)
    response = client.get(URL, {"peildatum": "31-02-2026"})
    page = html(response)
    assert response.status_code == 200
    assert "Vul een geldige peildatum in, bijvoorbeeld 1-1-2027." in page and 'value="31-02-2026"' in page
    assert [row[3] for row in _rows(response)][0] == "Ondertekend en in werking"  # today's state meanwhile


def test_without_an_overview_role_the_page_is_refused(land, client):
    member = GebruikerFactory()
    lid(member, DriehoekFactory(gemeenten=list(land["gemeenten"].values())), Rol.SECRETARIS)
    client.force_login(member)
    assert client.get(URL).status_code == 403
    ended = _user(niveau=Overzichtsniveau.LANDELIJK)
    overzichtsrollen.end_overview(lidmaatschap=ended.overzichtslidmaatschappen.get())
    client.force_login(ended)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("extra", [0, 30])
def test_the_page_reads_in_a_constant_number_of_queries(land, client, django_assert_num_queries, extra):
    for index in range(extra):
        gemeente = GemeenteFactory(veiligheidsregio=land["gemeenten"]["Aadorp"].veiligheidsregio)
        (_in_force if index % 2 else _arrangement)([gemeente], boas=index % 5)
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    # 6 for the table, 1 for the geweldsmiddelen flags (issue 20), 3 for the filters' lists of eenheden,
    # veiligheidsregio's and basisteams (issue 16 item 4).
    with django_assert_num_queries(10):
        response = client.get(URL, {"sorteer": "stand"})
    assert len(_rows(response)) == 3 + extra


def test_a_gemeentes_detail_lists_its_arrangements_and_opens_content_only_for_members(land, client):
    aadorp = land["gemeenten"]["Aadorp"]
    url = f"/beeld/gemeente/{aadorp.pk}/"
    arrangement = Partij.objects.get(organisatie__gemeente=aadorp).arrangement
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    page = html(client.get(url))
    assert "Ondertekend en in werking" in page and arrangement.driehoek.naam in page
    assert f"/arrangementen/{arrangement.pk}/" not in page  # no member: named, not linked
    assert f"/driehoeken/{arrangement.driehoek.pk}/" not in page
    member = _user(niveau=Overzichtsniveau.LANDELIJK)
    lid(member, arrangement.driehoek, Rol.LEZER)
    client.force_login(member)
    page = html(client.get(url))
    assert f"/arrangementen/{arrangement.pk}/" in page and f"/driehoeken/{arrangement.driehoek.pk}/" in page


def test_a_gemeente_outside_the_scope_is_not_found(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    assert client.get(f"/beeld/gemeente/{land['gemeenten']['Zelhem'].pk}/").status_code == 404
    assert client.get("/beeld/gemeente/999999/").status_code == 404
    member = GebruikerFactory()
    lid(member, DriehoekFactory(gemeenten=[land["gemeenten"]["Aadorp"]]), Rol.LEZER)
    client.force_login(member)
    assert client.get(f"/beeld/gemeente/{land['gemeenten']['Aadorp'].pk}/").status_code == 404


def test_a_gemeentes_detail_on_a_past_peildatum(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    before = (timezone.localdate() - 95 * DAY).strftime("%d-%m-%Y")
    response = client.get(f"/beeld/gemeente/{land['gemeenten']['Zelhem'].pk}/", {"peildatum": before})
    assert "vastgesteld, nog niet in werking" in html(response)
    assert f'/beeld/gemeente/{land["gemeenten"]["Zelhem"].pk}/?peildatum={before}' in html(
        client.get("/beeld/", {"peildatum": before}))


@pytest.mark.parametrize("extra", [0, 12])
def test_a_gemeentes_detail_reads_in_a_constant_number_of_queries(land, client, django_assert_num_queries, extra):
    aadorp = land["gemeenten"]["Aadorp"]
    for index in range(extra):
        (_in_force if index % 2 else _arrangement)([aadorp], titel=f"Arrangement {index}")
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    with django_assert_num_queries(7):  # 6, and the geweldsmiddelen flags (issue 20)
        response = client.get(f"/beeld/gemeente/{aadorp.pk}/")
    assert html(response).count("<tr class=\"utrecht-table__row\">") == 2 + extra
