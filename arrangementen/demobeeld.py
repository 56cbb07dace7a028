"""Demo arrangements across the country (issue 16, item 6): one per demo driehoek of samenwerking.demo's
COUNTRY_DRIEHOEKEN, each in another state of arrangementen.dekking, so /beeld/ shows every state.

Drafted through the real service (parties as create_arrangement sets them) and, where cheap, the workflow. The
steps after review (approval by every party, vaststelling, signing) are written as fields instead: real signing
renders and signs PDFs, which would make `make run` slow; the demo's BES arrangement shows that path for real.
Idempotent: a driehoek that already has its demo arrangement is left alone.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samenwerking.demo import DRAFTER
from samenwerking.historie import save_tracked
from samenwerking.models import Driehoek, Gebruiker, Organisatie

from . import geweldsmiddelen, services, workflow
from .models import Arrangement, Geweldsmiddel, Opzegging, Status

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Demostand:
    """Where one demo arrangement ends up; days count from today (negative: in the past)."""

    driehoek: str
    status: str
    geldig_van: int | None = None
    geldig_tot: int | None = None
    evaluatie: int | None = None
    vastgesteld: int | None = None
    ondertekend: int | None = None
    opgezegd: tuple[int, int] | None = None  # (given, takes effect)
    boas: int = 6
    geweld: bool = False  # the gemeente's boa's carry handboeien (issue 20): flagged once the arrangement has ended


STANDEN = [
    # In force.
    Demostand("Basisteamdriehoek Apeldoorn", Status.ONDERTEKEND, geldig_van=-200, geldig_tot=900, evaluatie=160,
              vastgesteld=-230, ondertekend=-210, boas=14),
    # In force, its evaluation overdue.
    Demostand("Basisteamdriehoek Arnhem-Noord", Status.ONDERTEKEND, geldig_van=-500, geldig_tot=400,
              evaluatie=-30, vastgesteld=-540, ondertekend=-520, boas=9),
    # Adopted and signed, in force only from a later date.
    Demostand("Basisteamdriehoek Maas & Rotte", Status.ONDERTEKEND, geldig_van=60, geldig_tot=1100,
              evaluatie=400, vastgesteld=-20, ondertekend=-5, boas=30),
    # In preparation: with the reviewers, and a concept.
    Demostand("Basisteamdriehoek Venray-Gennep", Status.TER_REVIEW, geldig_van=90, geldig_tot=1000),
    Demostand("Basisteamdriehoek Almere", Status.CONCEPT),
    # Ended: expired, and terminated by notice.
    Demostand("Basisteamdriehoek Amersfoort", Status.ONDERTEKEND, geldig_van=-1100, geldig_tot=-60,
              evaluatie=-700, vastgesteld=-1150, ondertekend=-1120, boas=8, geweld=True),
    Demostand("Basisteamdriehoek Groningen", Status.ONDERTEKEND, geldig_van=-400, geldig_tot=700,
              evaluatie=100, vastgesteld=-430, ondertekend=-410, opgezegd=(-150, -30), boas=11),
]


def titel_for(driehoek: Driehoek) -> str:
    return f"Handhavingsarrangement {driehoek.naam.removeprefix('Basisteamdriehoek ')}"


def _day(today: datetime.date, days: int | None) -> datetime.date | None:
    return None if days is None else today + days * DAY


@transaction.atomic
def create_demo_beeld() -> list[Arrangement]:
    drafter = Gebruiker.objects.get(username=DRAFTER)
    driehoeken = Driehoek.objects.in_bulk([s.driehoek for s in STANDEN], field_name="naam")
    return [_demo_arrangement(stand, driehoeken[stand.driehoek], drafter) for stand in STANDEN]


def _demo_arrangement(stand: Demostand, driehoek: Driehoek, drafter: Gebruiker) -> Arrangement:
    titel = titel_for(driehoek)
    existing = Arrangement.objects.filter(driehoek=driehoek, titel=titel).first()
    if existing:
        return existing
    today = timezone.localdate()
    arrangement = services.create_arrangement(driehoek=driehoek, user=drafter, titel=titel)
    data = {"titel": titel, "doel": f"Samenwerking van BOA's en politie in {driehoek.naam} (demo).",
            "geldig_van": _day(today, stand.geldig_van), "geldig_tot": _day(today, stand.geldig_tot),
            "evaluatiedatum": _day(today, stand.evaluatie), "opzegtermijn_maanden": 3}
    arrangement = services.update_arrangement(
        arrangement=arrangement, user=drafter, expected_version=arrangement.lock_version, data=data,
        inzet=[services.InzetRegel("I", stand.boas, Decimal(stand.boas) * Decimal("0.8"))])
    if stand.geweld:
        werkgever = arrangement.partijen.filter(organisatie__soort=Organisatie.Soort.GEMEENTE).first().organisatie
        geweldsmiddelen.add_toekenning(
            arrangement=arrangement, user=drafter, expected_version=arrangement.lock_version,
            gegevens=geweldsmiddelen.Toekenninggegevens(organisatie=werkgever, domein="I",
                                                        geweldsmiddel=Geweldsmiddel.HANDBOEIEN))
        arrangement.refresh_from_db()
    if stand.status == Status.TER_REVIEW:
        workflow.perform(arrangement=arrangement, action="indienen", user=drafter)
    elif stand.status == Status.ONDERTEKEND:
        _signed(arrangement, stand, today, drafter)
    arrangement.refresh_from_db()
    return arrangement


def _signed(arrangement: Arrangement, stand: Demostand, today: datetime.date, drafter: Gebruiker) -> None:
    """Approval, vaststelling and signing as fields (see the module docstring), dated as the stand says, and made
    well before it, so a peildatum in the past reads the past too."""
    vastgesteld = _day(today, stand.vastgesteld)
    arrangement.refresh_from_db()
    arrangement.status = Status.ONDERTEKEND
    arrangement.vastgesteld_op = vastgesteld
    arrangement.besluit_referentie = "Driehoeksoverleg (demo)"
    arrangement.ondertekend_op = timezone.make_aware(
        datetime.datetime.combine(_day(today, stand.ondertekend), datetime.time(12)))
    arrangement.aangemaakt_op = timezone.make_aware(
        datetime.datetime.combine(vastgesteld - 60 * DAY, datetime.time(9)))
    save_tracked(arrangement, drafter, "Demo: vastgesteld en ondertekend")
    if stand.opgezegd:
        gegeven, ingang = stand.opgezegd
        partij = arrangement.partijen.order_by("volgorde").first()
        save_tracked(Opzegging(
            arrangement=arrangement, partij=partij, door=drafter, reden="Demo: de gemeente kiest een andere aanpak.",
            gedaan_op=timezone.make_aware(datetime.datetime.combine(_day(today, gegeven), datetime.time(12))),
            ingangsdatum=_day(today, ingang)), drafter)
