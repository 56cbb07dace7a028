"""Every read in samenwerking, scoped by the user's driehoeken.

Other apps scope their objects through `visible_driehoeken` / `get_driehoek`: an object of a driehoek
the user does not belong to answers 404; a visible one with a forbidden action answers 403.
"""

import functools

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Driehoek, DriehoekGebruikerRecht, DriehoekGroepRecht, Gebruiker, Lidmaatschap, Rol
from .rollen import VIEW, allowed_for


class NietZichtbaar(Http404):
    """404 for an object the user may not see (or that does not exist): names it, so that a refusal of an
    existing object can be recorded in the security log (samenwerking.audit.record_access_refusal)."""

    def __init__(self, message, *, model, pk):
        super().__init__(message)
        self.model, self.pk = model, pk


class Geweigerd(PermissionDenied):
    """403 on an object the user sees but may not act on: carries the object for the security log."""

    def __init__(self, message, *, obj=None):
        super().__init__(message)
        self.obj = obj


def _user_and_group_rows(select: str, condition: str) -> str:
    """`SELECT <select>` over the user's own permission rows UNION their groups' rows, each joined to the
    permission and filtered by `condition` ({t}: the alias of the rows). Only table and column names from the
    models go into the text; the values are parameters (%s: user, then the condition's value, twice)."""
    user_rows, group_rows = DriehoekGebruikerRecht._meta.db_table, DriehoekGroepRecht._meta.db_table
    groups = Gebruiker.groups.through._meta.db_table
    user_column = Gebruiker.groups.field.m2m_column_name()
    group_column = Gebruiker.groups.field.m2m_reverse_name()
    permission = Permission._meta.db_table
    return (
        f'SELECT {select.format(t="r")} FROM "{user_rows}" r '  # noqa: S608
        f'INNER JOIN "{permission}" p ON r."permission_id" = p."id" '
        f'WHERE r."user_id" = %s AND {condition.format(t="r")} '
        f'UNION SELECT {select.format(t="g")} FROM "{group_rows}" g '
        f'INNER JOIN "{groups}" ug ON g."group_id" = ug."{group_column}" '
        f'INNER JOIN "{permission}" p ON g."permission_id" = p."id" '
        f'WHERE ug."{user_column}" = %s AND {condition.format(t="g")}'
    )


@functools.cache
def _visible_sql() -> str:
    """The ids of the driehoeken where a user holds a permission, directly or through a group.

    Written out once, because this subquery is part of nearly every query of the product: built with the ORM
    it took milliseconds to compile on every use, longer than PostgreSQL takes to run it (`make bench`). One
    IN over a UNION rather than two INs joined by OR: PostgreSQL cannot estimate an OR of two hashed subplans
    and guessed most driehoeken (375 of 500), which made it scan every arrangement and actiepunt in the
    country; for the UNION it expects the handful of rows a user has and uses the indexes."""
    return _user_and_group_rows('{t}."content_object_id"', 'p."codename" = %s')


@functools.cache
def _permissions_sql() -> str:
    """The codenames a user holds on one driehoek, directly or through a group (written out, as above)."""
    return _user_and_group_rows('p."codename"', '{t}."content_object_id" = %s')


def visible_driehoeken(user, *, permission: str = VIEW) -> QuerySet:
    """Driehoeken on which the user holds `permission`, directly or through a group: one query."""
    if not user.is_authenticated or not allowed_for(user, {permission}):
        return Driehoek.objects.none()
    ids = RawSQL(_visible_sql(), [user.pk, permission, user.pk, permission])  # noqa: S611 - parameters only
    return Driehoek.objects.filter(pk__in=ids)


def permissions_on(user, driehoek: Driehoek) -> set[str]:
    """The user's permissions on this driehoek, from the guardian rows only (direct and through groups).

    Superusers get no shortcut: rights come from memberships, so what a user may do and what they see agree.
    """
    if not user.is_authenticated:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_permissions_sql(), [user.pk, driehoek.pk, user.pk, driehoek.pk])
        return allowed_for(user, {codename for (codename,) in cursor.fetchall()})


def permissions_on_many(user, driehoeken) -> dict[int, set[str]]:
    """permissions_on for a page of driehoeken in one query: {driehoek pk: codenames}."""
    ids = [d.pk for d in driehoeken]
    result: dict[int, set[str]] = {pk: set() for pk in ids}
    if not user.is_authenticated or not ids:
        return result
    direct = DriehoekGebruikerRecht.objects.filter(user=user, content_object_id__in=ids)
    via_group = DriehoekGroepRecht.objects.filter(group__user=user, content_object_id__in=ids)
    for pk, codename in direct.values_list("content_object_id", "permission__codename").union(
            via_group.values_list("content_object_id", "permission__codename")):
        result[pk].add(codename)
    return {pk: allowed_for(user, codenames) for pk, codenames in result.items()}


def get_driehoek(user, pk, *, permission: str | None = None) -> Driehoek:
    """The driehoek, if the user sees it (else 404) and, when asked, holds `permission` on it (else 403)."""
    driehoek = visible_driehoeken(user).select_related("basisteam", "eenheid").filter(pk=pk).first()
    if driehoek is None:
        raise NietZichtbaar(_("Deze driehoek bestaat niet of u heeft er geen toegang toe."), model=Driehoek, pk=pk)
    if permission and permission not in permissions_on(user, driehoek):
        raise Geweigerd(_("U heeft in deze driehoek geen recht op deze handeling."), obj=driehoek)
    return driehoek


def dashboard_driehoeken(user) -> list[Driehoek]:
    """The user's driehoeken with gemeenten, basisteam and the user's own active roles: four queries."""
    return list(
        visible_driehoeken(user)
        .select_related("basisteam", "eenheid")
        .prefetch_related(
            "gemeenten",
            Prefetch(
                "lidmaatschappen",
                queryset=Lidmaatschap.objects.active().filter(gebruiker=user),
                to_attr="mijn_lidmaatschappen",
            ),
        )
        .order_by("naam")
    )


def driehoek_members(driehoek: Driehoek) -> list[dict]:
    """Active members, one entry per person with all their roles."""
    members: dict[int, dict] = {}
    memberships = (
        Lidmaatschap.objects.active()
        .filter(driehoek=driehoek)
        .select_related("gebruiker", "gebruiker__organisatie")
        .order_by("gebruiker__last_name", "gebruiker__first_name", "rol")
    )
    for lidmaatschap in memberships:
        entry = members.setdefault(
            lidmaatschap.gebruiker_id, {"gebruiker": lidmaatschap.gebruiker, "rollen": []}
        )
        entry["rollen"].append(lidmaatschap)
    order = list(Rol)
    for entry in members.values():
        entry["rollen"].sort(key=lambda m: order.index(m.rol))
    return list(members.values())
