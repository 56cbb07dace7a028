"""Every write in samenwerking. Keyword-only arguments, validated, atomic."""

import datetime

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
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


def _periods(memberships, *, systeemaccount: bool,
             werkgroep: bool = False) -> set[tuple[str, datetime.date, datetime.date | None]]:
    """(codename, van, tot) per unbroken period in which the memberships grant a permission; tot None: open."""
    spans: dict[str, list] = {}
    for rol, van, tot in memberships:
        for codename in permissions_for_roles([rol], systeemaccount=systeemaccount, werkgroep=werkgroep):
            spans.setdefault(codename, []).append((van, tot))
    periods = set()
    for codename, parts in spans.items():
        parts.sort(key=lambda part: part[0])
        van, tot = parts[0]
        for next_van, next_tot in parts[1:]:
            if tot is not None and next_van > tot:  # a gap: the right lapses, then returns as a new row
                periods.add((codename, van, tot))
                van, tot = next_van, next_tot
            elif tot is not None:
                tot = None if next_tot is None else max(tot, next_tot)
        periods.add((codename, van, tot))
    return periods


@transaction.atomic
def sync_permissions(*, gebruiker: Gebruiker, driehoek: Driehoek, day: datetime.date | None = None):
    """Make the guardian rows of this user on this driehoek equal to what their memberships grant, each row with
    the period it holds: current and future periods are written now, so access changes on the day itself
    (samenwerking.toegang reads only the rows valid today); periods over by `day` are removed."""
    day = day or timezone.localdate()
    memberships = (
        Lidmaatschap.objects.filter(gebruiker=gebruiker, driehoek=driehoek)
        .filter(Q(actief_tot__isnull=True) | Q(actief_tot__gt=day))
        .values_list("rol", "actief_van", "actief_tot")
    )
    wanted = _periods(memberships, systeemaccount=gebruiker.is_systeemaccount, werkgroep=driehoek.is_werkgroep)
    ids = _permission_ids()
    existing = DriehoekGebruikerRecht.objects.filter(
        user=gebruiker, content_object=driehoek, permission__codename__in=ALL_PERMISSIONS
    )
    have = {}
    for pk, codename, van, tot in existing.values_list("pk", "permission__codename", "geldig_van", "geldig_tot"):
        have[(codename, van, tot)] = pk
    stale = [pk for period, pk in have.items() if period not in wanted]
    if stale:
        DriehoekGebruikerRecht.objects.filter(pk__in=stale).delete()
    DriehoekGebruikerRecht.objects.bulk_create(
        DriehoekGebruikerRecht(user=gebruiker, content_object=driehoek, permission_id=ids[codename],
                               geldig_van=van, geldig_tot=tot)
        for codename, van, tot in sorted(wanted - set(have), key=str)
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

    Housekeeping, not access: rows carry their period and every check reads only today's (samenwerking.toegang),
    so this only removes rows whose period is over. Run daily by beat and at each login for that user.
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
