"""A signed arrangement in the arrangementen world, for the opzeggen tests: the ondertekenaar of the own driehoek
signs for its gemeente, a teamchef for the politie, and the dates lie around today."""

import datetime

from django.utils import timezone

from arrangementen import services
from arrangementen.models import Arrangement, Partij, Status
from samenwerking.models import Gebruiker, Organisatie, Rol

from ..factories import GebruikerFactory, lid
from .helpers import zet_status


def vandaag() -> datetime.date:
    return timezone.localdate()


def partij(arrangement: Arrangement, soort: str) -> Partij:
    return arrangement.partijen.select_related("organisatie").get(organisatie__soort=soort)


def signer_for(arrangement: Arrangement, soort: str, *, user: Gebruiker | None = None) -> Gebruiker:
    """A member with the ondertekenaar role of the arrangement's driehoek, of the organisation of that partij."""
    if user is None:
        user = GebruikerFactory()
        lid(user, arrangement.driehoek, Rol.ONDERTEKENAAR)
    user.organisatie = partij(arrangement, soort).organisatie
    user.save(update_fields=["organisatie"])
    return user


def signed(wereld, *, opzegtermijn: int | None = 3, scope: str = "eigen", **velden) -> Arrangement:
    """A fresh arrangement put in status ondertekend (setup only), valid from last year to three years on."""
    driehoek = wereld.eigen if scope == "eigen" else wereld.andere
    coordinator = wereld.leden[Rol.COORDINATOR] if scope == "eigen" else wereld.vreemden[Rol.COORDINATOR]
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Arrangement ter opzegging")
    defaults = {"geldig_van": vandaag() - datetime.timedelta(days=365),
                "geldig_tot": vandaag() + datetime.timedelta(days=3 * 365), "opzegtermijn_maanden": opzegtermijn,
                "vastgesteld_op": vandaag() - datetime.timedelta(days=400), "besluit_referentie": "Driehoek 4"}
    return zet_status(arrangement, Status.ONDERTEKEND, **{**defaults, **velden})


def burgemeester_of(wereld, arrangement: Arrangement) -> Gebruiker:
    """The own driehoek's ondertekenaar, signing for the gemeente."""
    return signer_for(arrangement, Organisatie.Soort.GEMEENTE, user=wereld.leden[Rol.ONDERTEKENAAR])
