"""Issue 16's acceptance on the page itself, with a frozen clock: a gemeente's state on the map (its link's accessible
name) and in the table of /beeld/ changes when its arrangement is signed, comes into force, expires, is terminated
(opgezegd) or replaced; opening the page later with a past peildatum shows the state of that day.
(The rule itself is pinned in tests/arrangementen/test_dekking.py.)"""

import datetime
import re

import pytest
from django.utils import timezone

from arrangementen import workflow
from arrangementen.models import Arrangement, Opzegging, Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Gemeente, Organisatie, Overzichtsniveau

from ..factories import (
    ArrangementFactory,
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    OrganisatieFactory,
    VeiligheidsregioFactory,
)
from .helpers import html, zet_status

DAY = datetime.timedelta(days=1)


def _arrangement(gemeente: Gemeente, **velden) -> Arrangement:
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=[gemeente]), **velden)
    organisatie, _ = Organisatie.objects.get_or_create(naam=f"Gemeente {gemeente}", defaults={
        "soort": Organisatie.Soort.GEMEENTE, "gemeente": gemeente})
    Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    Partij.objects.create(arrangement=arrangement, ondertekenaar_functie="teamchef",
                          organisatie=OrganisatieFactory(soort=Organisatie.Soort.POLITIE))
    return arrangement


def _sign(arrangement: Arrangement) -> None:
    workflow.perform(arrangement=arrangement, action="ondertekening_voltooien", user=arrangement.aangemaakt_door,
                     as_system=True)


def _seen(client, user, gemeente: Gemeente, **query) -> tuple[str, str]:
    """The gemeente's state as the map's link names it and as the table's Stand column shows it."""
    client.force_login(user)  # a session does not outlive days of frozen clock
    page = html(client.get("/beeld/", query))
    [label] = re.findall(rf'<a class="app-kaart__gemeente" href="[^"]+" aria-label="{gemeente.weergavenaam}: '
                         r'([^"]+)">', page)
    row = re.search(rf'scope="row"><a class="utrecht-link" href="/beeld/gemeente/{gemeente.pk}/[^"]*">'
                    r"[^<]+</a></th>(.*?)</tr>", page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return label, cells[2]


@pytest.mark.parametrize("einde", ["verloopt", "opgezegd", "vervangen"])
def test_the_map_and_table_follow_an_arrangement_through_its_life(db, client, frozen, einde):
    regio = VeiligheidsregioFactory(code="VR91", naam="Utrecht", eenheid=EenheidFactory(code="RE91"))
    baarn = GemeenteFactory(cbs_code="GM0308", officiele_naam="Baarn", veiligheidsregio=regio)  # has a shape
    baarn.refresh_from_db()  # the display name is filled in on save
    user = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.LANDELIJK)
    t0 = timezone.localdate()
    at = {n: t0 + n * DAY for n in range(0, 400)}
    seen = {}

    v1 = _arrangement(baarn, geldig_van=at[10], geldig_tot=at[300], evaluatiedatum=at[200])
    seen["concept"] = _seen(client, user, baarn)
    frozen(days=2)
    zet_status(v1, Status.VASTGESTELD, vastgesteld_op=at[2])
    frozen(days=5)
    _sign(v1)
    seen["ondertekend"] = _seen(client, user, baarn)
    frozen(days=10)
    seen["in werking"] = _seen(client, user, baarn)
    frozen(days=150)
    if einde == "opgezegd":
        Opzegging.objects.create(arrangement=v1, partij=v1.partijen.first(), door=v1.aangemaakt_door,
                                 reden="De gemeente stopt met BOA's.", ingangsdatum=at[180])
    if einde == "vervangen":
        v2 = _arrangement(baarn, titel=v1.titel, versie=2, vorige_versie=v1, status=Status.VASTGESTELD,
                          geldig_van=at[180], geldig_tot=at[390], evaluatiedatum=at[350], vastgesteld_op=at[150])
        _sign(v2)
    frozen(days=181 if einde != "verloopt" else 301)
    seen["einde"] = _seen(client, user, baarn)
    seen["terug"] = _seen(client, user, baarn, peildatum=at[20].strftime("%d-%m-%Y"))  # a past peildatum

    assert seen["concept"] == ("in voorbereiding", "In voorbereiding")
    assert seen["ondertekend"] == ("vastgesteld, nog niet in werking", "Vastgesteld, nog niet in werking")
    assert seen["in werking"] == ("ondertekend en in werking", "Ondertekend en in werking")
    assert seen["einde"] == {"verloopt": ("verlopen of opgezegd", "Verlopen of opgezegd"),
                             "opgezegd": ("verlopen of opgezegd", "Verlopen of opgezegd"),
                             # the herziening in force covers Baarn now
                             "vervangen": ("ondertekend en in werking", "Ondertekend en in werking")}[einde]
    assert seen["terug"] == ("ondertekend en in werking", "Ondertekend en in werking")

