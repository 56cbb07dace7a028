"""Plausibility of the BOA-inzet: one BOA works at most one fte, so a domein cannot have more fte than BOA's."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Domein


def implausible(*, domein: str, aantal_boas: int | None, fte: Decimal | None) -> str:
    """The Dutch message for a domein with more fte than BOA's, or "" when the numbers can be right."""
    if aantal_boas is None or fte is None or aantal_boas < 0 or fte <= aantal_boas:
        return ""  # a negative number gets the field's own message
    return _("%(domein)s: %(fte)s fte is meer dan de %(boas)s BOA's in dit domein. Eén BOA werkt hooguit "
             "1 fte; verhoog het aantal BOA's of verlaag de fte.") % {
        "domein": Domein(domein).label, "fte": number_format(fte, 1), "boas": aantal_boas}


def check_plausible(regels) -> None:
    """Refuse the inzet when any domein has more fte than BOA's, naming each such domein."""
    messages = [m for r in regels if (m := implausible(domein=r.domein, aantal_boas=r.aantal_boas, fte=r.fte))]
    if messages:
        raise ValidationError({"inzet": messages}, code="inzet_onmogelijk")
