"""Every write of an evaluation: recording it, the actiepunten that come out of it, and the herziening from it."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from arrangementen import evaluatiebesluit, stroomregels
from arrangementen import services as arrangement_services
from arrangementen.models import Arrangement, Gegevensstroom
from samenwerking import toegang
from samenwerking.historie import save_tracked

from .. import services as actiepunt_services
from ..models import Actiepunt, Overleg
from .models import Afspraakoordeel, Conclusie, Evaluatie, Oordeel, Stroomoordeel


@dataclass(frozen=True)
class OordeelRegel:
    afspraak_id: int
    oordeel: str
    toelichting: str = ""


@dataclass(frozen=True)
class StroomRegel:
    """The answers on one data flow; None is a question left unanswered."""

    stroom_id: int
    nog_nodig: bool | None
    nog_proportioneel: bool | None
    incidenten: bool | None
    toelichting: str = ""


# The three questions per flow: (form and API field, question as the form asks it).
STROOMVRAGEN = [
    ("nog_nodig", _lazy("Nog nodig?")),
    ("nog_proportioneel", _lazy("Nog proportioneel?")),
    ("incidenten", _lazy("Incidenten?")),
]


def stroomveld(stroom_id: int, veld: str) -> str:
    """The form field of a question (or the toelichting) on a flow; the service's errors use the same keys."""
    return f"stroom_{stroom_id}_{veld}"


def toelichting_reden(*, nog_nodig: bool, nog_proportioneel: bool, incidenten: bool) -> str:
    """Why a flow's answers need a toelichting, in words ("" when they do not): incidents, or a 'no longer'."""
    if incidenten:
        return _("er waren incidenten")
    if not nog_nodig:
        return _("de gegevensstroom is niet meer nodig")
    if not nog_proportioneel:
        return _("de gegevensstroom is niet meer proportioneel")
    return ""


def missing_toelichting_message(stroom: Gegevensstroom, reden: str) -> str:
    return _("Schrijf een toelichting bij de gegevensstroom %(stroom)s: %(reden)s.") % {
        "stroom": stroomregels.describe(stroom), "reden": reden}


def unanswered_message(stroom: Gegevensstroom, vraag: str) -> str:
    return _("Kies ja of nee bij “%(vraag)s” voor de gegevensstroom %(stroom)s.") % {
        "vraag": vraag, "stroom": stroomregels.describe(stroom)}


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


def _check_stroomoordelen(flows: list[Gegevensstroom], regels: list[StroomRegel]) -> None:
    """Every flow of the arrangement once, each question answered; a 'no longer' or an incident explained."""
    per_pk = {stroom.pk: stroom for stroom in flows}
    errors: dict[str, list[str]] = {}
    seen = set()
    for regel in regels:
        stroom = per_pk.get(regel.stroom_id)
        if stroom is None or regel.stroom_id in seen:
            errors.setdefault("__all__", []).append(_("Een antwoord hoort bij een onbekende gegevensstroom."))
            continue
        seen.add(regel.stroom_id)
        antwoorden = {veld: getattr(regel, veld) for veld, _vraag in STROOMVRAGEN}
        for veld, vraag in STROOMVRAGEN:
            if antwoorden[veld] is None:
                errors.setdefault(stroomveld(stroom.pk, veld), []).append(unanswered_message(stroom, vraag))
        if None in antwoorden.values() or regel.toelichting.strip():
            continue
        if reden := toelichting_reden(**antwoorden):
            errors.setdefault(stroomveld(stroom.pk, "toelichting"), []).append(
                missing_toelichting_message(stroom, reden))
    for pk in sorted(set(per_pk) - seen):
        for veld, vraag in STROOMVRAGEN:
            errors.setdefault(stroomveld(pk, veld), []).append(unanswered_message(per_pk[pk], vraag))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_evaluatie(*, arrangement: Arrangement, overleg: Overleg, user, conclusie: str,
                     oordelen: list[OordeelRegel], toelichting: str = "",
                     volgende_evaluatie: datetime.date | None = None,
                     stroomoordelen: list[StroomRegel] | None = None) -> Evaluatie:
    """The driehoek's evaluation of an arrangement in force, held in `overleg`, with the answers on each of its
    data flows; sets the arrangement's next evaluation date (a year after the overleg unless another is chosen)."""
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked.driehoek, permission=toegang.MANAGE_OVERLEG)
    evaluatiebesluit.require_in_force(locked, timezone.localdate())
    _check_overleg(locked, overleg)
    _check_oordelen(locked, oordelen)
    flows = stroomregels.flows_of(locked)
    _check_stroomoordelen(flows, stroomoordelen or [])
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
    _save_stroomoordelen(evaluatie, flows, stroomoordelen or [], user)
    evaluatiebesluit.set_volgende_evaluatie(arrangement=locked, user=user, datum=volgende)
    return evaluatie


def _save_stroomoordelen(evaluatie: Evaluatie, flows: list[Gegevensstroom], regels: list[StroomRegel],
                         user) -> None:
    """In the register's order, each with the flow named as it reads today."""
    per_pk = {regel.stroom_id: regel for regel in regels}
    for stroom in flows:
        regel = per_pk[stroom.pk]
        save_tracked(Stroomoordeel(evaluatie=evaluatie, stroom=stroom, omschrijving=stroomregels.describe(stroom),
                                   nog_nodig=regel.nog_nodig, nog_proportioneel=regel.nog_proportioneel,
                                   incidenten=regel.incidenten, toelichting=regel.toelichting.strip()), user)


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


def start_herziening(*, evaluatie: Evaluatie, user, stromen_weglaten: frozenset[int] = frozenset()) -> Arrangement:
    """The next version with the afspraken judged 'vervalt' left out and those judged 'bijstellen' flagged;
    its evaluatiedatum is the next evaluation this one proposed. `stromen_weglaten`: the data flows judged no
    longer needed that the person chose to leave out (the page offers each of them)."""
    if evaluatie.conclusie == Conclusie.BEEINDIGEN:
        raise ValidationError(_("De conclusie van deze evaluatie is beëindigen: zeg het arrangement op of laat "
                                "het verlopen op de einddatum."), code="beeindigen")
    niet_nodig = {o.stroom_id for o in evaluatie.stroomoordelen.all() if not o.nog_nodig}
    if not set(stromen_weglaten) <= niet_nodig:
        raise ValidationError(_("Alleen een gegevensstroom die volgens deze evaluatie niet meer nodig is kan "
                                "worden weggelaten."), code="stroom_nog_nodig")
    oordelen = list(evaluatie.oordelen.all())
    opdracht = evaluatiebesluit.Herzieningsopdracht(
        weglaten=frozenset(o.afspraak_id for o in oordelen if o.oordeel == Oordeel.VERVALT),
        bijstellen={o.afspraak_id: o.toelichting for o in oordelen if o.oordeel == Oordeel.BIJSTELLEN},
        evaluatiedatum=evaluatie.volgende_evaluatie, stromen_weglaten=frozenset(stromen_weglaten),
    )
    return arrangement_services.start_herziening(arrangement=evaluatie.arrangement, user=user, opdracht=opdracht)
