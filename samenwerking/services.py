"""Every write in samenwerking. Keyword-only arguments, validated, atomic."""

import datetime

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import Auditregel, Driehoek, DriehoekGebruikerRecht, Gebruiker, Lidmaatschap
from .rollen import ALL_PERMISSIONS, permissions_for_roles


def _permission_ids() -> dict[str, int]:
    return dict(
        Permission.objects.filter(
            content_type__app_label="samenwerking",
            content_type__model="driehoek",
            codename__in=ALL_PERMISSIONS,
        ).values_list("codename", "id")
    )


@transaction.atomic
def sync_permissions(*, gebruiker: Gebruiker, driehoek: Driehoek, day: datetime.date | None = None):
    """Make the guardian rows of this user on this driehoek equal to what their active roles grant."""
    day = day or timezone.localdate()
    roles = (
        Lidmaatschap.objects.active_on(day)
        .filter(gebruiker=gebruiker, driehoek=driehoek)
        .values_list("rol", flat=True)
    )
    wanted = permissions_for_roles(roles, systeemaccount=gebruiker.is_systeemaccount)
    ids = _permission_ids()
    existing = DriehoekGebruikerRecht.objects.filter(
        user=gebruiker, content_object=driehoek, permission__codename__in=ALL_PERMISSIONS
    )
    have = set(existing.values_list("permission__codename", flat=True))
    existing.exclude(permission__codename__in=wanted).delete()
    DriehoekGebruikerRecht.objects.bulk_create(
        DriehoekGebruikerRecht(user=gebruiker, content_object=driehoek, permission_id=ids[codename])
        for codename in wanted - have
    )


@transaction.atomic
def grant_membership(
    *,
    gebruiker: Gebruiker,
    driehoek: Driehoek,
    rol: str,
    actief_van: datetime.date | None = None,
    actief_tot: datetime.date | None = None,
) -> Lidmaatschap:
    lidmaatschap = Lidmaatschap(
        gebruiker=gebruiker,
        driehoek=driehoek,
        rol=rol,
        actief_van=actief_van or timezone.localdate(),
        actief_tot=actief_tot,
    )
    lidmaatschap.full_clean()
    lidmaatschap.save()
    sync_permissions(gebruiker=gebruiker, driehoek=driehoek)
    audit.record_membership(Auditregel.Gebeurtenis.LIDMAATSCHAP_TOEGEKEND, lidmaatschap)
    return lidmaatschap


@transaction.atomic
def save_membership(*, lidmaatschap: Lidmaatschap, previous: tuple | None = None) -> Lidmaatschap:
    """Save a membership edited elsewhere (the admin) and resync the rows it touches."""
    before = audit.membership_snapshot(lidmaatschap.pk)
    lidmaatschap.full_clean()
    lidmaatschap.save()
    audit.record_membership(Auditregel.Gebeurtenis.LIDMAATSCHAP_GEWIJZIGD if before
                            else Auditregel.Gebeurtenis.LIDMAATSCHAP_TOEGEKEND, lidmaatschap, before=before)
    sync_permissions(gebruiker=lidmaatschap.gebruiker, driehoek=lidmaatschap.driehoek)
    if previous and previous != (lidmaatschap.gebruiker_id, lidmaatschap.driehoek_id):
        sync_permissions(
            gebruiker=Gebruiker.objects.get(pk=previous[0]),
            driehoek=Driehoek.objects.get(pk=previous[1]),
        )
    return lidmaatschap


@transaction.atomic
def end_membership(*, lidmaatschap: Lidmaatschap, per: datetime.date | None = None) -> Lidmaatschap:
    """End a membership; without a date it ends today, and access is gone at once."""
    per = per or timezone.localdate()
    lidmaatschap = Lidmaatschap.objects.select_for_update().get(pk=lidmaatschap.pk)
    lidmaatschap.actief_tot = max(per, lidmaatschap.actief_van)
    lidmaatschap.full_clean()
    lidmaatschap.save()
    audit.record_membership(Auditregel.Gebeurtenis.LIDMAATSCHAP_BEEINDIGD, lidmaatschap)
    sync_permissions(gebruiker=lidmaatschap.gebruiker, driehoek=lidmaatschap.driehoek)
    return lidmaatschap


@transaction.atomic
def delete_membership(*, lidmaatschap: Lidmaatschap) -> None:
    gebruiker, driehoek = lidmaatschap.gebruiker, lidmaatschap.driehoek
    audit.record_membership(Auditregel.Gebeurtenis.LIDMAATSCHAP_VERWIJDERD, lidmaatschap)
    lidmaatschap.delete()
    sync_permissions(gebruiker=gebruiker, driehoek=driehoek)


def sync_all_permissions(*, day: datetime.date | None = None, gebruiker: Gebruiker | None = None):
    """Resync every (user, driehoek) pair that has a membership or a permission row.

    Run daily by beat (memberships start and lapse by date) and at each login for that user.
    """
    memberships = Lidmaatschap.objects.all()
    rows = DriehoekGebruikerRecht.objects.all()
    if gebruiker is not None:
        memberships = memberships.filter(gebruiker=gebruiker)
        rows = rows.filter(user=gebruiker)
    pairs = set(memberships.values_list("gebruiker_id", "driehoek_id"))
    pairs |= set(rows.values_list("user_id", "content_object_id"))
    users = Gebruiker.objects.in_bulk({u for u, _ in pairs})
    driehoeken = Driehoek.objects.in_bulk({d for _, d in pairs})
    synced = 0
    for user_id, driehoek_id in sorted(pairs):
        if user_id in users and driehoek_id in driehoeken:  # either may have been deleted meanwhile
            sync_permissions(gebruiker=users[user_id], driehoek=driehoeken[driehoek_id], day=day)
            synced += 1
    return synced
