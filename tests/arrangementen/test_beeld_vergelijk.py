"""The comparison of two dates above the driehoek (/beeld/vergelijk/, issue 16 item 3) with a frozen clock: an
arrangement signed between the dates shows its gemeenten as newly covered, one that expired between them as
lapsed, any other change of state apart; bad dates are refused in Dutch and kept as typed; scope users only."""

import datetime
import re

import pytest
from django.utils import timezone

from arrangementen.beeldvergelijking import Verandering, kind_of
from arrangementen.dekking import Dekking
from arrangementen.models import Partij, Status
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
URL = "/beeld/vergelijk/"
# Model defaults read the real clock, not the frozen one: rows that must exist on the first date say when made.
LANG_GELEDEN = timezone.now() - 500 * DAY


def _arrangement(gemeenten, **velden):
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=list(gemeenten)), aangemaakt_op=LANG_GELEDEN,
                                     **velden)
    for gemeente in gemeenten:
        organisatie = OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
        Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    return arrangement


def _signed(gemeenten, *, on: int, van: int, tot: int):
    """Signed `on` days from today, in force from `van` to `tot` days from today."""
    today, now = timezone.localdate(), timezone.now()
    return _arrangement(gemeenten, status=Status.ONDERTEKEND, vastgesteld_op=today + (on - 5) * DAY,
                        ondertekend_op=now + on * DAY, geldig_van=today + van * DAY, geldig_tot=today + tot * DAY)


@pytest.fixture
def land(db):
    noord, zuid = EenheidFactory(code="RE91", naam="Noord"), EenheidFactory(code="RE92", naam="Zuid")
    regio_n = VeiligheidsregioFactory(code="VR91", naam="Regio Noord", eenheid=noord)
    regio_z = VeiligheidsregioFactory(code="VR92", naam="Regio Zuid", eenheid=zuid)
    g = {naam: GemeenteFactory(officiele_naam=naam, veiligheidsregio=regio) for naam, regio in (
        ("Aadorp", regio_n), ("Bedum", regio_n), ("Cadier", regio_n), ("Dalen", regio_n), ("Eext", regio_n),
        ("Zelhem", regio_z))}
    _signed([g["Aadorp"]], on=10, van=10, tot=400)  # signed between the dates
    _signed([g["Bedum"]], on=-90, van=-80, tot=20)  # expires between the dates
    _arrangement([g["Cadier"]], status=Status.VASTGESTELD, vastgesteld_op=timezone.localdate() + 5 * DAY)
    _signed([g["Dalen"]], on=-90, van=-80, tot=400)  # in force on both dates
    _signed([g["Zelhem"]], on=10, van=10, tot=400)  # another eenheid
    return {"noord": noord, "gemeenten": g}


def _user(**scope):
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, **scope)
    return user


def _tables(response) -> dict[str, list[list[str]]]:
    """Each kind's table: heading id → rows of cell texts."""
    page = html(response)
    tables = {}
    for kind, body in re.findall(r'<table class="utrecht-table" aria-labelledby="soort-(\w+)">.*?<tbody[^>]*>(.*?)'
                                 r"</tbody>", page, re.S):
        tables[kind] = [[re.sub(r"<[^>]+>", "", cell).strip()
                         for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return tables


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def test_signed_between_the_dates_is_newly_covered_and_expired_between_them_lapsed(land, client, frozen):
    first = timezone.localdate().strftime("%d-%m-%Y")
    frozen(days=30)  # the second date left empty: today, a month on
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    response = client.get(URL, {"van": first, "tot": ""})
    assert response.status_code == 200
    assert _tables(response) == {
        "nieuw_gedekt": [["Aadorp", "Noord", "Regio Noord", "In voorbereiding", "Ondertekend en in werking"]],
        "vervallen": [["Bedum", "Noord", "Regio Noord", "Ondertekend en in werking", "Verlopen of opgezegd"]],
        "anders": [["Cadier", "Noord", "Regio Noord", "In voorbereiding", "Vastgesteld, nog niet in werking"]],
    }
    text = _text(response)
    assert "Gedekt door een arrangement in werking: 2 van 5 gemeenten op" in text  # Bedum and Dalen first
    assert "2 van 5 op" in text  # Aadorp and Dalen second
    assert "Nieuw gedekt: 1" in text and "Vervallen: 1" in text and "Andere verandering: 1" in text
    assert "Ongewijzigd: 2" in text  # Dalen in force, Eext without an arrangement
    assert "Zelhem" not in html(response)  # not in the eenheid user's scope


def test_the_same_dates_the_other_way_round_are_refused_in_dutch_and_kept(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    today = timezone.localdate()
    later, earlier = (today + 30 * DAY).strftime("%d-%m-%Y"), today.strftime("%d-%m-%Y")
    response = client.get(URL, {"van": later, "tot": earlier})
    page = html(response)
    assert response.status_code == 200
    assert "De eerste datum ligt na de tweede; kies een eerdere datum of wissel ze om." in page
    assert f'value="{later}"' in page and f'value="{earlier}"' in page
    assert _tables(response) == {}


@pytest.mark.parametrize(("query", "message"), [
    ({"van": "31-02-2026", "tot": "1-3-2026"}, "Vul een geldige peildatum in, bijvoorbeeld 1-1-2027."),
    ({"van": "", "tot": "1-3-2026"}, "Vul de eerste datum in, bijvoorbeeld 1-1-2026."),
    ({"van": "1-1-1800", "tot": "1-3-2026"}, "Kies een peildatum tussen 1900 en 2999."),
    ({"van": "1-1-2026", "tot": "morgen"}, "Vul een geldige peildatum in, bijvoorbeeld 1-1-2027."),
])
def test_bad_dates_are_refused_in_dutch_and_kept_as_typed(land, client, query, message):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    response = client.get(URL, query)
    page = html(response)
    assert response.status_code == 200
    assert message in page
    for value in query.values():
        if value:
            assert f'value="{value}"' in page
    assert _tables(response) == {}


def test_without_an_overview_role_the_comparison_is_refused(land, client):
    member = GebruikerFactory()
    lid(member, DriehoekFactory(gemeenten=list(land["gemeenten"].values())), Rol.SECRETARIS)
    client.force_login(member)
    assert client.get(URL, {"van": "1-1-2026"}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_page_without_dates_shows_the_form_and_is_linked_from_the_overview(land, client):
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK))
    response = client.get(URL)
    assert response.status_code == 200 and 'name="van"' in html(response) and _tables(response) == {}
    assert 'href="/beeld/vergelijk/"' in html(client.get("/beeld/"))


def test_the_kinds_of_change():
    D = Dekking
    assert kind_of(van=D.GEEN, tot=D.IN_WERKING) == Verandering.NIEUW_GEDEKT
    assert kind_of(van=D.BEEINDIGD, tot=D.EVALUATIE_ACHTERSTALLIG) == Verandering.NIEUW_GEDEKT
    assert kind_of(van=D.IN_WERKING, tot=D.GEEN) == Verandering.VERVALLEN
    assert kind_of(van=D.EVALUATIE_ACHTERSTALLIG, tot=D.BEEINDIGD) == Verandering.VERVALLEN
    assert kind_of(van=D.IN_WERKING, tot=D.EVALUATIE_ACHTERSTALLIG) == Verandering.ANDERS
    assert kind_of(van=D.IN_WERKING, tot=D.IN_VOORBEREIDING) == Verandering.ANDERS
    assert kind_of(van=D.IN_WERKING, tot=D.IN_WERKING) is None


@pytest.mark.parametrize("extra", [0, 30])
def test_the_comparison_reads_in_a_constant_number_of_queries(land, client, django_assert_num_queries, extra):
    for index in range(extra):
        gemeente = GemeenteFactory(veiligheidsregio=land["gemeenten"]["Aadorp"].veiligheidsregio)
        if index % 2:
            _signed([gemeente], on=10, van=10, tot=400)
        else:
            _signed([gemeente], on=-90, van=-80, tot=20)
    client.force_login(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    today = timezone.localdate()
    # 6 for the comparison, 2 for the geweldsmiddelen flags of both dates (issue 20), 3 for the filters' lists.
    with django_assert_num_queries(11):
        response = client.get(URL, {"van": today.strftime("%d-%m-%Y"),
                                    "tot": (today + 30 * DAY).strftime("%d-%m-%Y")})
    tables = _tables(response)
    assert len(tables["nieuw_gedekt"]) == 1 + extra // 2 and len(tables["vervallen"]) == 1 + extra // 2
