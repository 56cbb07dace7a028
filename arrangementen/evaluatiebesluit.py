"""What an evaluation (recorded in actiepunten, which may import this app) may ask of an arrangement: whether it
is in force, the next evaluation date, and a herziening that leaves out and flags afspraken (and leaves out
data flows)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked

from .models import Arrangement
from .models.levensfase import IN_WERKING_FASEN, Levensfase


@dataclass(frozen=True)
class Herzieningsopdracht:
    """What an evaluation asks of the next version: afspraken left out, afspraken flagged with a toelichting,
    the next evaluatiedatum, and data flows (no longer needed) left out."""

    weglaten: frozenset[int] = frozenset()
    bijstellen: dict[int, str] = field(default_factory=dict)
    evaluatiedatum: datetime.date | None = None
    stromen_weglaten: frozenset[int] = frozenset()


def one_year_on(day: datetime.date) -> datetime.date:
    """The same day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def in_force_refusal(arrangement: Arrangement, day: datetime.date) -> str:
    """Why this arrangement is not in force on `day`, or "" when it is — read from its levensfase (the one
    lifecycle rule, arrangementen.models.levensfase), in words per reason."""
    row = (Arrangement.objects.met_levensfase(day).filter(pk=arrangement.pk)
           .values("levensfase", "opzegging__ingangsdatum").first())
    fase = row["levensfase"] if row else None
    if fase in IN_WERKING_FASEN:
        return ""
    if fase == Levensfase.VERVANGEN:
        return _("Dit arrangement is vervangen door een nieuwere versie; evalueer die versie.")
    if fase == Levensfase.BEEINDIGD:
        return _("Dit arrangement is opgezegd per %(datum)s en is niet meer in werking.") % {
            "datum": row["opzegging__ingangsdatum"].strftime("%d-%m-%Y")}
    return _("Alleen een ondertekend arrangement dat in werking is kan worden geëvalueerd.")


def require_in_force(arrangement: Arrangement, day: datetime.date) -> None:
    refusal = in_force_refusal(arrangement, day)
    if refusal:
        raise ValidationError(refusal, code="niet_in_werking")


@transaction.atomic
def set_volgende_evaluatie(*, arrangement: Arrangement, user, datum: datetime.date) -> Arrangement:
    """The date the driehoek evaluates again; not content, so it changes without a herziening."""
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_OVERLEG)
    locked.volgende_evaluatie = datum
    return save_tracked(locked, user, _("Evaluatie vastgelegd; volgende evaluatie %(datum)s")
                        % {"datum": datum.strftime("%d-%m-%Y")})
