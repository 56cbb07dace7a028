"""The arrangement workflow: one table of allowed transitions, one function that performs them.

concept → ter_review ──(every required party approved)──→ goedgekeurd → vastgesteld → ondertekend
   ↑___________|  (any party: wijzigingen gevraagd → concept)
any state before ondertekend → ingetrokken
An arrangement that shares data also needs its privacy adviser's approval (goedkeuring.privacy_required).
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenwerking import audit, taken, toegang

from . import goedkeuring, levensloop, stroomregels
from .models import Arrangement, Beoordeling, Modelafspraak, Status, Statusovergang

logger = logging.getLogger(__name__)

# tasks.notify_transition, started by name: the tasks module imports this one (samenwerking.taken).
NOTIFY_TASK = "arrangementen.tasks.notify_transition"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    permissions: frozenset  # any one of these on the driehoek suffices
    label: object
    reason_required: bool = False
    system: bool = False  # performed by the product itself (signing), never offered to a user
    per_party: bool = False  # a review decision, recorded for the reviewer's party (goedkeuring.py)
    until_all: bool = False  # the status changes only once every required party has decided so


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    Transition("indienen", frozenset({S.CONCEPT}), S.TER_REVIEW, frozenset({toegang.DRAFT}),
               gettext_lazy("Ter beoordeling aanbieden")),
    Transition("goedkeuren", frozenset({S.TER_REVIEW}), S.GOEDGEKEURD, frozenset({toegang.REVIEW}),
               gettext_lazy("Goedkeuren"), per_party=True, until_all=True),
    Transition("wijzigingen_vragen", frozenset({S.TER_REVIEW}), S.WIJZIGINGEN_GEVRAAGD,
               frozenset({toegang.REVIEW}), gettext_lazy("Wijzigingen vragen"), reason_required=True,
               per_party=True),
    Transition("terug_naar_concept", frozenset({S.TER_REVIEW, S.WIJZIGINGEN_GEVRAAGD, S.GOEDGEKEURD}),
               S.CONCEPT, frozenset({toegang.DRAFT}), gettext_lazy("Terug naar concept om te bewerken")),
    Transition("vaststellen", frozenset({S.GOEDGEKEURD}), S.VASTGESTELD, frozenset({toegang.ADOPT}),
               gettext_lazy("Vaststelling door de driehoek vastleggen")),
    Transition("ondertekening_voltooien", frozenset({S.VASTGESTELD}), S.ONDERTEKEND,
               frozenset({toegang.SIGN}), gettext_lazy("Ondertekening voltooien"), system=True),
    Transition("intrekken", frozenset({S.CONCEPT, S.TER_REVIEW, S.WIJZIGINGEN_GEVRAAGD, S.GOEDGEKEURD}),
               S.INGETROKKEN, frozenset({toegang.DRAFT, toegang.ADOPT}), gettext_lazy("Intrekken"),
               reason_required=True),
    Transition("intrekken", frozenset({S.VASTGESTELD}), S.INGETROKKEN, frozenset({toegang.ADOPT}),
               gettext_lazy("Intrekken"), reason_required=True),
)
ACTIONS = sorted({t.action for t in TRANSITIONS})


class TransitionRefused(ValidationError):
    """A transition that is not allowed from the current status."""


def find_transition(action: str, status: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.action == action and status in t.sources), None)


def may_perform(transition: Transition, permissions: set[str]) -> bool:
    """The one rule: a user-facing transition, and at least one of its permissions held on the driehoek."""
    return not transition.system and bool(transition.permissions & permissions)


def available_transitions(user, arrangement: Arrangement, permissions: set[str] | None = None):
    """The transitions this user may offer from the arrangement's current status."""
    permissions = permissions if permissions is not None else toegang.permissions_on(user, arrangement.driehoek)
    return [
        t for t in TRANSITIONS
        if arrangement.status in t.sources and may_perform(t, permissions)
    ]


def offered_transitions(user, arrangement: Arrangement, *, standen: list, privacy=None,
                        permissions: set[str] | None = None):
    """available_transitions as offered to this user (`standen`, `privacy`: goedkeuring.party_states and
    privacy_state): 'goedkeuren' only while the user can still approve in one of their capacities (for their
    party, as privacy adviser), since goedkeuring.record_decision would refuse it otherwise."""
    transities = available_transitions(user, arrangement, permissions)
    if any(t.action == "goedkeuren" for t in transities) and not goedkeuring.open_capacities(
            user, held=goedkeuring.capacities_of(user, arrangement), standen=standen, privacy=privacy):
        transities = [t for t in transities if t.action != "goedkeuren"]
    return transities


def missing_mandatory_clauses(arrangement: Arrangement) -> list[Modelafspraak]:
    present = arrangement.afspraken.exclude(modelafspraak=None).values("modelafspraak_id")
    return list(
        Modelafspraak.objects.filter(verplicht=True, actief=True).exclude(pk__in=present)
        .select_related("onderwerp").order_by("onderwerp__niveau", "onderwerp__volgorde", "volgorde")
    )


def _check_artikel20(arrangement: Arrangement) -> None:
    """A flow on Wpg art. 20 rests on a besluit that names five elements; without them it is not lawful."""
    incomplete = stroomregels.incomplete_artikel20(arrangement)
    if incomplete:
        raise ValidationError(
            _("Het arrangement kan nog niet ter beoordeling: %(stromen)s.") % {"stromen": "; ".join(
                _("de gegevensstroom %(stroom)s (artikel 20 Wpg) noemt nog niet %(elementen)s")
                % {"stroom": stroomregels.describe(stroom), "elementen": ", ".join(missing)}
                for stroom, missing in incomplete)},
            code="artikel20_onvolledig",
        )


def required_inputs(transition: Transition) -> frozenset[str]:
    """The inputs `perform` refuses to do without for this transition; the form marks exactly these required."""
    return frozenset({
        *(["toelichting"] if transition.reason_required else []),
        *(["vastgesteld_op", "besluit_referentie"] if transition.action == "vaststellen" else []),
    })


def _check_guards(transition: Transition, arrangement: Arrangement, *, toelichting: str,
                  vastgesteld_op: datetime.date | None, besluit_referentie: str, bevestigd: bool):
    required = required_inputs(transition)
    if "toelichting" in required and not toelichting.strip():
        raise ValidationError({"toelichting": _("Geef een toelichting: de andere partijen lezen waarom.")})
    if transition.action == "goedkeuren" and not bevestigd:
        open_items = goedkeuring.unresolved_opmerkingen(arrangement)
        if open_items:
            raise ValidationError({"bevestigd": _(
                "Er staan nog %(namen)s. Vink aan dat u toch goedkeurt, of los ze eerst op."
            ) % {"namen": goedkeuring.describe_opmerkingen(open_items)}}, code="open_opmerkingen")
    if transition.action == "indienen":
        missing = missing_mandatory_clauses(arrangement)
        if missing:
            raise ValidationError(
                _("Het arrangement kan nog niet ter beoordeling: deze verplichte afspraken ontbreken: "
                  "%(namen)s.") % {"namen": "; ".join(f"{m.titel} ({m.onderwerp})" for m in missing)},
                code="verplichte_afspraken",
            )
        _check_artikel20(arrangement)
    if transition.action == "vaststellen":
        errors = {}
        if "vastgesteld_op" in required and not vastgesteld_op:
            errors["vastgesteld_op"] = _("Vul de datum van het besluit van de driehoek in.")
        elif vastgesteld_op and vastgesteld_op > timezone.localdate():
            errors["vastgesteld_op"] = _("De datum van het besluit kan niet in de toekomst liggen.")
        if "besluit_referentie" in required and not besluit_referentie.strip():
            errors["besluit_referentie"] = _("Vul de referentie van het besluit in (bijvoorbeeld het "
                                             "agendapunt of verslagnummer).")
        if errors:
            raise ValidationError(errors)


def perform(*, arrangement: Arrangement, action: str, user, toelichting: str = "",
            vastgesteld_op: datetime.date | None = None, besluit_referentie: str = "",
            as_system: bool = False, bevestigd: bool = False, namens: str = "") -> Arrangement:
    """Perform one transition under a row lock; record who, when and why; notify after commit.

    A transition refused for the status or the user's role is put in the security log once its transaction
    was rolled back (a missing toelichting or besluit is an input error, not a refusal). `bevestigd`: the approver
    confirmed approving while comments are still open; `namens`: the capacity of a review decision
    (Beoordeling.Hoedanigheid) for a user who is both a party's reviewer and privacy adviser.
    """
    try:
        return _perform_locked(arrangement=arrangement, action=action, user=user, toelichting=toelichting,
                               vastgesteld_op=vastgesteld_op, besluit_referentie=besluit_referentie,
                               as_system=as_system, bevestigd=bevestigd, namens=namens)
    except (TransitionRefused, PermissionDenied) as error:
        audit.record_transition_refusal(gebruiker=user, obj=arrangement, actie=action, error=error)
        raise


@transaction.atomic
def _perform_locked(*, arrangement: Arrangement, action: str, user, toelichting: str,
                    vastgesteld_op: datetime.date | None, besluit_referentie: str, as_system: bool,
                    bevestigd: bool, namens: str) -> Arrangement:
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    transition = find_transition(action, locked.status)
    if transition is not None and transition.system and not as_system:
        raise TransitionRefused(
            _("'%(actie)s' gebeurt vanzelf zodra alle partijen hebben getekend.") % {"actie": transition.label},
            code="systeem",
        )
    if transition is None:
        known = [t for t in TRANSITIONS if t.action == action]
        if not known:
            raise TransitionRefused(_("Onbekende handeling '%(actie)s'.") % {"actie": action})
        raise TransitionRefused(
            _("'%(actie)s' kan niet: het arrangement heeft de status '%(status)s'.")
            % {"actie": known[0].label, "status": locked.get_status_display()},
            code="niet_toegestaan",
        )
    if not as_system:
        toegang.require(user, locked, permission=transition.permissions,
                        refusal=_("U heeft in deze driehoek geen recht om '%(actie)s' uit te voeren.")
                        % {"actie": transition.label})
    _check_guards(transition, locked, toelichting=toelichting, vastgesteld_op=vastgesteld_op,
                  besluit_referentie=besluit_referentie, bevestigd=bevestigd)

    previous = locked.status
    if transition.per_party:
        besluit = (Beoordeling.Besluit.GOEDGEKEURD if transition.action == "goedkeuren"
                   else Beoordeling.Besluit.WIJZIGINGEN_GEVRAAGD)
        last = goedkeuring.record_decision(arrangement=locked, user=user, besluit=besluit, toelichting=toelichting,
                                           namens=namens)
        if transition.until_all and not last:
            return locked  # this party's approval is recorded; the others' are still awaited
    if transition.target == Status.CONCEPT:
        # Content may change again, so earlier approvals no longer hold.
        goedkeuring.void(arrangement=locked, user=user, door_wijziging=False)
    if transition.action == "vaststellen":
        locked.vastgesteld_op = vastgesteld_op
        locked.besluit_referentie = besluit_referentie.strip()

    locked.status = transition.target
    if transition.target == Status.ONDERTEKEND:
        levensloop.record_signed(arrangement=locked)  # ondertekend_op, and the predecessors it replaces
    locked.lock_version += 1
    locked._history_user = user
    locked._change_reason = str(transition.label)
    locked.save()
    overgang = Statusovergang(arrangement=locked, van=previous, naar=transition.target, door=user,
                              toelichting=toelichting.strip())
    overgang._history_user = user
    overgang.save()
    transaction.on_commit(lambda: dispatch_notification(overgang.pk))
    return locked


def dispatch_notification(overgang_id: int) -> None:
    """Called on commit of a transition: queue (or, embedded, send) its mail without ever failing the request.

    The transition is already committed; if even queueing fails (broker down), the sweep picks the row up.
    """
    try:
        taken.start(name=NOTIFY_TASK, args=(overgang_id,))
    except Exception:  # the transition stands whatever the notification does; the cause is in the logs
        logger.exception("Melding van statusovergang %s niet in de wachtrij gezet", overgang_id)
