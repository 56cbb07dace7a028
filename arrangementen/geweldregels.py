"""Reads and rules on an arrangement's geweldsmiddelen per BOA-organisatie that the pages, the herziening and the
party removal share (services imports this module; the writes in geweldsmiddelen.py import services)."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samenwerking.historie import save_tracked
from samenwerking.models import Organisatie

from .models import Arrangement, BoaInzet, Domein, Geweldsmiddeltoekenning

# Parties whose staff are no boa's, so they carry no geweldsmiddelen under an arrangement.
GEEN_BOA_WERKGEVER = (Organisatie.Soort.POLITIE, Organisatie.Soort.OM)


def toekenningen_of(arrangement: Arrangement) -> list[Geweldsmiddeltoekenning]:
    """The arrangement's rows in one query, by organisation, domein and middel."""
    return list(arrangement.geweldsmiddeltoekenningen.select_related("organisatie")
                .order_by("organisatie__naam", "domein", "geweldsmiddel", "pk"))


def boa_werkgevers(arrangement: Arrangement) -> QuerySet:
    """The parties that can carry geweldsmiddelen: every party but the politie and the OM."""
    return (Organisatie.objects.filter(pk__in=arrangement.partijen.values("organisatie_id"))
            .exclude(soort__in=GEEN_BOA_WERKGEVER).order_by("naam"))


def domeinen_met_inzet(arrangement: Arrangement) -> list[str]:
    """The domeinen in which the arrangement has BOA's or fte, in the order I–VI."""
    ids = set(BoaInzet.objects.filter(Q(aantal_boas__gt=0) | Q(fte__gt=0), arrangement=arrangement)
              .values_list("domein", flat=True))
    return [domein for domein in Domein.values if domein in ids]


def refuse_removing_a_party_with_geweldsmiddelen(*, arrangement: Arrangement, organisatie_id: int) -> None:
    """A party whose boa's carry geweldsmiddelen cannot leave silently: its rows go first."""
    if arrangement.geweldsmiddeltoekenningen.filter(organisatie_id=organisatie_id).exists():
        raise ValidationError(_("De boa's van deze partij dragen geweldsmiddelen onder dit arrangement. Verwijder "
                                "eerst die geweldsmiddelen."), code="partij_met_geweldsmiddelen")


def copy_toekenningen(*, source: Arrangement, copy: Arrangement, user) -> None:
    """Every row into the herziening, linked to its predecessor (the comparison matches them through `vorige`)."""
    for toekenning in source.geweldsmiddeltoekenningen.order_by("pk"):
        save_tracked(Geweldsmiddeltoekenning(
            arrangement=copy, vorige=toekenning, organisatie_id=toekenning.organisatie_id, domein=toekenning.domein,
            geweldsmiddel=toekenning.geweldsmiddel, toegekend_op=toekenning.toegekend_op, kenmerk=toekenning.kenmerk,
        ), user)
