"""Undoing the deletion of an afspraak: it comes back from its history as it was when deleted, with its id, under
the same access check and optimistic lock as every edit (services.lock_for_edit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenwerking.historie import save_tracked

from .models import Afspraak, Arrangement, Modelafspraak
from .services import lock_for_edit


def _deleted_record(arrangement: Arrangement, afspraak_id: int):
    """The history row of the deletion, or None when the afspraak was never deleted from this arrangement or is
    back already."""
    if Afspraak.objects.filter(pk=afspraak_id).exists():
        return None
    return (Afspraak.history.filter(id=afspraak_id, arrangement_id=arrangement.pk, history_type="-")
            .order_by("-history_date").first())


def deleted_afspraak(arrangement: Arrangement, value) -> dict | None:
    """For the undo notice after a deletion: the deleted afspraak's id and titel, if it can still come back."""
    try:
        afspraak_id = int(value or "")
    except ValueError:
        return None
    record = _deleted_record(arrangement, afspraak_id)
    return {"pk": afspraak_id, "titel": record.titel} if record else None


@transaction.atomic
def restore_afspraak(*, arrangement: Arrangement, user, expected_version: int, afspraak_id: int) -> Afspraak:
    locked = lock_for_edit(arrangement, user, expected_version)
    record = _deleted_record(locked, afspraak_id)
    if record is None:
        raise ValidationError(_("Deze afspraak kan niet worden teruggezet: ze staat al in het arrangement of is "
                                "er nooit uit verwijderd."), code="niet_verwijderd")
    afspraak = record.instance
    if afspraak.modelafspraak_id and not Modelafspraak.objects.filter(pk=afspraak.modelafspraak_id).exists():
        afspraak.modelafspraak = None  # removed from the library meanwhile
    if afspraak.vorige_id and (Afspraak.objects.filter(vorige_id=afspraak.vorige_id).exists()
                               or not Afspraak.objects.filter(pk=afspraak.vorige_id).exists()):
        afspraak.vorige = None  # another afspraak took its place in the chain of versions
    save_tracked(locked, user)
    return save_tracked(afspraak, user, reason=_("Verwijdering ongedaan gemaakt"))
