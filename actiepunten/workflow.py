"""The actiepunt status machine: one table of allowed transitions, with who may perform each, and one `perform()`.

open → in_uitvoering → gereed        (open → gereed directly too)
open / in_uitvoering → vervallen     (with a reason)
gereed / vervallen → open            (heropenen, with a reason)

The same shape as arrangementen.workflow: the permission lives in the table, the row is locked, a refusal for
the status or the user is recorded in the security log after its transaction rolled back.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenwerking import audit, toegang
from samenwerking.historie import save_tracked as _save

from .models import Actiepunt, Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    label: object
    permissions: frozenset  # any one of these on the driehoek suffices
    eigenaar_mag: bool = False  # the actiepunt's own eigenaar may perform it too, without the permission
    reason_required: bool = False


S = Status
BEHEREN = frozenset({toegang.MANAGE_ACTIEPUNTEN})
TRANSITIONS: tuple[Transition, ...] = (
    Transition("starten", frozenset({S.OPEN}), S.IN_UITVOERING, gettext_lazy("In uitvoering nemen"), BEHEREN,
               eigenaar_mag=True),
    Transition("gereed_melden", frozenset({S.OPEN, S.IN_UITVOERING}), S.GEREED, gettext_lazy("Gereed melden"),
               BEHEREN, eigenaar_mag=True),
    Transition("laten_vervallen", frozenset({S.OPEN, S.IN_UITVOERING}), S.VERVALLEN,
               gettext_lazy("Laten vervallen"), BEHEREN, eigenaar_mag=True, reason_required=True),
    Transition("heropenen", frozenset({S.GEREED, S.VERVALLEN}), S.OPEN, gettext_lazy("Heropenen"), BEHEREN,
               eigenaar_mag=True, reason_required=True),
)
ACTIONS = sorted({t.action for t in TRANSITIONS})


class TransitionRefused(ValidationError):
    """A status change that is not allowed from the current status."""


def may_perform(transition: Transition, user, actiepunt: Actiepunt, permissions: set[str]) -> bool:
    """The one rule: a permission of the row held on the driehoek, or the eigenaar where the row allows it."""
    return bool(transition.permissions & permissions) or (
        transition.eigenaar_mag and actiepunt.eigenaar_id is not None and actiepunt.eigenaar_id == user.pk)


def available_transitions(user, actiepunt: Actiepunt, permissions: set[str] | None = None) -> list[Transition]:
    """The transitions this user may perform from the actiepunt's current status."""
    permissions = permissions if permissions is not None else toegang.permissions_on(user, actiepunt.driehoek)
    return [t for t in TRANSITIONS if actiepunt.status in t.sources and may_perform(t, user, actiepunt, permissions)]


def perform(*, actiepunt: Actiepunt, user, action: str, toelichting: str = "") -> Actiepunt:
    """One status change under a row lock; the reason goes into the history as the change reason.

    A change refused for the status or the user goes to the security log after its transaction rolled back.
    """
    try:
        return _perform_locked(actiepunt=actiepunt, user=user, action=action, toelichting=toelichting)
    except (TransitionRefused, PermissionDenied) as error:
        audit.record_transition_refusal(gebruiker=user, obj=actiepunt, actie=action, error=error)
        raise


def _find(action: str, status: str, locked: Actiepunt) -> Transition:
    transition = next((t for t in TRANSITIONS if t.action == action and status in t.sources), None)
    if transition is not None:
        return transition
    known = next((t for t in TRANSITIONS if t.action == action), None)
    if known is None:
        raise TransitionRefused(_("Onbekende handeling '%(actie)s'.") % {"actie": action})
    hint = _(" Heropen het actiepunt eerst.") if status in (S.GEREED, S.VERVALLEN) else ""
    raise TransitionRefused(
        _("'%(actie)s' kan niet: het actiepunt heeft de status '%(status)s'.%(hint)s")
        % {"actie": known.label, "status": locked.get_status_display(), "hint": hint},
        code="niet_toegestaan",
    )


@transaction.atomic
def _perform_locked(*, actiepunt: Actiepunt, user, action: str, toelichting: str) -> Actiepunt:
    locked = (Actiepunt.objects.select_for_update(of=("self",)).select_related("driehoek", "eigenaar")
              .get(pk=actiepunt.pk))
    permissions = toegang.permissions_on(user, locked.driehoek)
    # Who may act is asked before the status, so a stranger learns nothing about the actiepunt's state.
    rows = [t for t in TRANSITIONS if t.action == action]
    if rows and not any(may_perform(t, user, locked, permissions) for t in rows):
        toegang.require(user, locked, permission=BEHEREN, held=permissions,
                        refusal=_("Alleen de eigenaar en wie de actiepunten van deze driehoek beheert, kunnen de "
                                  "status wijzigen."))
    transition = _find(action, locked.status, locked)
    toelichting = (toelichting or "").strip()
    if transition.reason_required and not toelichting:
        raise ValidationError({"toelichting": _("Geef een toelichting: de andere deelnemers lezen waarom.")})
    locked.status = transition.target
    locked.gereed_op = timezone.localdate() if transition.target == S.GEREED else None
    reason = str(transition.label) + (f": {toelichting}" if toelichting else "")
    return _save(locked, user, reason=reason)
