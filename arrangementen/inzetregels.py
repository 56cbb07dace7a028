"""Rules on the BOA-inzet: one BOA works at most one fte, so a domein cannot have more fte than BOA's; and a domein
whose boa's carry geweldsmiddelen under the arrangement keeps its inzet until those rows are gone (issue 20)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Arrangement, Domein, Geweldsmiddeltoekenning


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


def _zero(regel) -> bool:
    return not regel.aantal_boas and not regel.fte


def _carried(arrangement: Arrangement, domeinen: list[str]) -> dict[str, str]:
    """Per domein, the geweldsmiddelen resting on it, as "organisatie: middel, middel; …" (one query)."""
    per_domein: dict[str, dict[str, list[str]]] = {}
    for toekenning in (Geweldsmiddeltoekenning.objects.filter(arrangement=arrangement, domein__in=domeinen)
                       .select_related("organisatie").order_by("domein", "organisatie__naam", "geweldsmiddel")):
        per_domein.setdefault(toekenning.domein, {}).setdefault(toekenning.organisatie.naam, []).append(
            str(toekenning.get_geweldsmiddel_display()))
    return {domein: "; ".join(f"{naam}: {', '.join(middelen)}" for naam, middelen in organisaties.items())
            for domein, organisaties in per_domein.items()}


def check_geweld(*, arrangement: Arrangement, regels) -> None:
    """Refuse lowering a domein's inzet to zero while geweldsmiddelen rest on it, naming the domein and middelen:
    a geweldsmiddel outside the agreed inzet has no arrangement to rest on (arrangementen.geweldsmiddelen)."""
    zero = [r.domein for r in regels if _zero(r)]
    carried = _carried(arrangement, zero) if zero else {}
    messages = [_("%(domein)s: de BOA-inzet kan niet naar nul zolang hier geweldsmiddelen op rusten (%(middelen)s). "
                  "Verwijder eerst die geweldsmiddelen, of houd BOA-inzet in dit domein.") % {
        "domein": Domein(domein).label, "middelen": carried[domein]}
        for domein in Domein.values if domein in carried]
    if messages:
        raise ValidationError({"inzet": messages}, code="inzet_met_geweldsmiddelen")


def check_inzet(*, arrangement: Arrangement, regels) -> None:
    """Every rule on a change of the inzet, before it is saved."""
    check_plausible(regels)
    check_geweld(arrangement=arrangement, regels=regels)
