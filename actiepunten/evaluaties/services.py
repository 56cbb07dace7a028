"""Every write of an evaluation: recording it, the actiepunten that come out of it, and the herziening from it."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrangementen import evaluatiebesluit
from arrangementen import services as arrangement_services
from arrangementen.models import Arrangement
from samenwerking import toegang
from samenwerking.historie import save_tracked

from .. import services as actiepunt_services
from ..models import Actiepunt, Overleg
from .models import Afspraakoordeel, Conclusie, Evaluatie, Oordeel


@dataclass(frozen=True)
class OordeelRegel:
    afspraak_id: int
    oordeel: str
    toelichting: str = ""


def _check_overleg(arrangement: Arrangement, overleg: Overleg) -> None:
    if overleg.driehoek_id != arrangement.driehoek_id:
        raise ValidationError({"overleg": _("Dit overleg hoort bij een andere driehoek dan het arrangement.")})
    if overleg.soort != Overleg.Soort.EVALUATIE:
        raise ValidationError({"overleg": _("Een evaluatie wordt vastgelegd in een overleg van de soort "
                                            "'evaluatie'.")})
    if Evaluatie.objects.filter(arrangement=arrangement, overleg=overleg).exists():
        raise ValidationError({"overleg": _("In dit overleg is dit arrangement al geëvalueerd.")})


def _check_oordelen(arrangement: Arrangement, oordelen: list[OordeelRegel]) -> None:
    """Every afspraak of the arrangement once, with a known oordeel; bijstellen says what should change."""
    afspraken = dict(arrangement.afspraken.values_list("pk", "titel"))
    errors: dict[str, list[str]] = {}
    seen = set()
    for regel in oordelen:
        key = f"oordeel_{regel.afspraak_id}"
        if regel.afspraak_id not in afspraken or regel.afspraak_id in seen:
            errors.setdefault("__all__", []).append(_("Een oordeel hoort bij een onbekende afspraak."))
        elif regel.oordeel not in Oordeel.values:
            errors.setdefault(key, []).append(_("Kies werkt, bijstellen of vervalt."))
        elif regel.oordeel == Oordeel.BIJSTELLEN and not regel.toelichting.strip():
            errors.setdefault(f"toelichting_{regel.afspraak_id}", []).append(
                _("Schrijf op wat er aan deze afspraak moet veranderen."))
        seen.add(regel.afspraak_id)
    for pk in sorted(set(afspraken) - seen):
        errors.setdefault(f"oordeel_{pk}", []).append(_("Geef een oordeel over deze afspraak."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_evaluatie(*, arrangement: Arrangement, overleg: Overleg, user, conclusie: str,
                     oordelen: list[OordeelRegel], toelichting: str = "",
                     volgende_evaluatie: datetime.date | None = None) -> Evaluatie:
    """The driehoek's evaluation of an arrangement in force, held in `overleg`; sets the arrangement's next
    evaluation date (a year after the overleg unless another date is chosen)."""
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_OVERLEG)
    evaluatiebesluit.require_in_force(locked, timezone.localdate())
    _check_overleg(locked, overleg)
    _check_oordelen(locked, oordelen)
    if conclusie not in Conclusie.values:
        raise ValidationError({"conclusie": _("Kies voortzetten, herzien of beëindigen.")})
    volgende = volgende_evaluatie or evaluatiebesluit.one_year_on(overleg.datum)
    if volgende <= overleg.datum:
        raise ValidationError({"volgende_evaluatie": _("De volgende evaluatie ligt na de datum van dit overleg.")})
    evaluatie = save_tracked(Evaluatie(arrangement=locked, overleg=overleg, datum=overleg.datum,
                                       conclusie=conclusie, toelichting=toelichting.strip(),
                                       volgende_evaluatie=volgende, vastgelegd_door=user), user)
    for regel in oordelen:
        save_tracked(Afspraakoordeel(evaluatie=evaluatie, afspraak_id=regel.afspraak_id, oordeel=regel.oordeel,
                                     toelichting=regel.toelichting.strip()), user)
    evaluatiebesluit.set_volgende_evaluatie(arrangement=locked, user=user, datum=volgende)
    return evaluatie


@transaction.atomic
def add_actiepunt(*, evaluatie: Evaluatie, user, data: dict) -> Actiepunt:
    """An actiepunt that comes out of the evaluation: in its overleg, about its arrangement."""
    afspraak = data.get("afspraak")
    if afspraak is not None and afspraak.arrangement_id != evaluatie.arrangement_id:
        raise ValidationError({"afspraak": _("Deze afspraak hoort niet bij het geëvalueerde arrangement.")})
    return actiepunt_services.create_actiepunt(
        driehoek=evaluatie.overleg.driehoek, user=user, overleg=evaluatie.overleg, evaluatie=evaluatie,
        data={**data, "arrangement": evaluatie.arrangement},
    )


def start_herziening(*, evaluatie: Evaluatie, user) -> Arrangement:
    """The next version with the afspraken judged 'vervalt' left out and those judged 'bijstellen' flagged;
    its evaluatiedatum is the next evaluation this one proposed."""
    if evaluatie.conclusie == Conclusie.BEEINDIGEN:
        raise ValidationError(_("De conclusie van deze evaluatie is beëindigen: zeg het arrangement op of laat "
                                "het verlopen op de einddatum."), code="beeindigen")
    oordelen = list(evaluatie.oordelen.all())
    opdracht = evaluatiebesluit.Herzieningsopdracht(
        weglaten=frozenset(o.afspraak_id for o in oordelen if o.oordeel == Oordeel.VERVALT),
        bijstellen={o.afspraak_id: o.toelichting for o in oordelen if o.oordeel == Oordeel.BIJSTELLEN},
        evaluatiedatum=evaluatie.volgende_evaluatie,
    )
    return arrangement_services.start_herziening(arrangement=evaluatie.arrangement, user=user, opdracht=opdracht)
