"""Access, decided in one place: who may do what on which driehoek.

The rule. Guardian's per-driehoek permission rows (`DriehoekGebruikerRecht`) are the single source of truth for
every check. Lidmaatschap services write them (samenwerking.services.sync_permissions) the moment a membership is
granted, changed or ended, through the one role → permission mapping (samenwerking.rollen); each row carries the
period of the memberships that grant it (geldig_van up to, not including, geldig_tot). Every check here reads only
rows valid *today*, so a membership that starts or ends on a date takes effect at that moment for every page,
form, service, mail and API call alike, without waiting for a login or the nightly resync (which only prunes
rows whose period is over).

Nothing else in the product reads roles, memberships or permission rows to decide access; apps call:
- `visible_driehoeken` (scoping every list and lookup), `permissions_on` / `permissions_on_many` and `may`;
- `require`: the one gate, 404 (NietZichtbaar) for an object the user may not see and 403 (Geweigerd) for a
  forbidden action on one they see;
- `active_members`, `members_anywhere`, `holds_anywhere`: who holds a permission (owner choices, recipients,
  reminders, the second-step requirement);
- `capacities_on_many`, `members_in_capacity`: the capacity a reviewer acts in where two roles grant the same
  permission (a reviewer speaks for a party, a privacyadviseur gives the privacy approval; samenwerking.rollen).
- `require_beheerder`: functional beheer (publishing praktijkvoorbeelden), 403 for anyone else.
- `overview_scopes`, `visible_gemeenten`: above the driehoek (issue 16), which gemeenten' aggregate picture a user
  may see. A scope membership is read by these two functions only, so it widens nothing above: a scope user who
  is not a member of a driehoek still gets 404 on its arrangementen, overleggen, actiepunten and documents.

Groups grant nothing: memberships are personal and dated, and a group row could not say when it ends (the
group permission model was removed in issue 12; the beheer group only carries model permissions for the admin).

Why not guardian's ObjectPermissionChecker / get_objects_for_user: neither knows a row's period, so they would
answer "yes" for a membership that ended this morning. The reads below are plain ORM queries on the direct
foreign-key model, except the one subquery that nearly every query of the product embeds (see _visible_sql).
"""

import datetime
import functools
from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Driehoek,
    DriehoekGebruikerRecht,
    Gebruiker,
    Gemeente,
    Lidmaatschap,
    Overzichtslidmaatschap,
    Overzichtsniveau,
)
from .permissions_setup import is_beheerder
from .rollen import (  # noqa: F401 - the permission names, re-exported for the apps that ask
    ADOPT,
    ALL_PERMISSIONS,
    DRAFT,
    EXPORT,
    FOR_PARTY,
    MANAGE_ACTIEPUNTEN,
    MANAGE_OVERLEG,
    PRIVACY_ADVICE,
    REVIEW,
    ROLE_CAPACITIES,
    SIGN,
    VIEW,
    allowed_for,
)


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


def today() -> datetime.date:
    return timezone.localdate()


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    """Rows whose period covers `day` (prefix: the path to the rows, e.g. "driehoekgebruikerrecht__")."""
    return Q(**{f"{prefix}geldig_van__lte": day}) & (
        Q(**{f"{prefix}geldig_tot__isnull": True}) | Q(**{f"{prefix}geldig_tot__gt": day}))


def _valid_rows(permissions: Iterable[str] | None = None) -> QuerySet:
    rows = DriehoekGebruikerRecht.objects.filter(valid_on(today()))
    if permissions is not None:
        rows = rows.filter(permission__codename__in=list(permissions))
    return rows


@functools.cache
def _visible_sql() -> str:
    """The ids of the driehoeken where a user holds a permission today.

    Written out once, because this subquery is part of nearly every query of the product: built with the ORM
    it took milliseconds to compile on every use, longer than PostgreSQL takes to run it (`make bench`). When
    group rows still existed it was one IN over a UNION of user and group rows rather than two INs joined by
    OR: PostgreSQL cannot estimate an OR of two hashed subplans and guessed most driehoeken (375 of 500), which
    made it scan every arrangement and actiepunt in the country; should a second source of rows ever return,
    keep it a UNION. Only table and column names from the models go into the text; values are parameters
    (user, codename, day, day)."""
    rows = DriehoekGebruikerRecht._meta.db_table
    permission = Permission._meta.db_table
    return (
        f'SELECT r."content_object_id" FROM "{rows}" r '  # noqa: S608
        f'INNER JOIN "{permission}" p ON r."permission_id" = p."id" '
        f'WHERE r."user_id" = %s AND p."codename" = %s AND r."geldig_van" <= %s '
        f'AND (r."geldig_tot" IS NULL OR r."geldig_tot" > %s)'
    )


def visible_driehoeken(user, *, permission: str = VIEW) -> QuerySet:
    """Driehoeken on which the user holds `permission` today: one query, or a subquery of the caller's."""
    if not user.is_authenticated or not allowed_for(user, {permission}):
        return Driehoek.objects.none()
    day = connection.ops.adapt_datefield_value(today())
    ids = RawSQL(_visible_sql(), [user.pk, permission, day, day])  # noqa: S611 - parameters only
    return Driehoek.objects.filter(pk__in=ids)


def permissions_on_many(user, driehoeken) -> dict[int, set[str]]:
    """The user's permissions today on each of these driehoeken, in one query: {driehoek pk: codenames}.

    Superusers get no shortcut: rights come from memberships, so what a user may do and what they see agree.
    """
    ids = [d.pk for d in driehoeken]
    result: dict[int, set[str]] = {pk: set() for pk in ids}
    if not user.is_authenticated or not ids:
        return result
    rows = _valid_rows().filter(user=user, content_object_id__in=ids)
    for pk, codename in rows.values_list("content_object_id", "permission__codename"):
        result[pk].add(codename)
    return {pk: set(allowed_for(user, codenames)) for pk, codenames in result.items()}


def permissions_on(user, driehoek: Driehoek) -> set[str]:
    """The user's permissions today on this driehoek (permissions_on_many for one)."""
    return permissions_on_many(user, [driehoek])[driehoek.pk]


def may(user, driehoek: Driehoek, permission: str, *, held: set[str] | None = None) -> bool:
    """May this user use `permission` on this driehoek today (`held`: permissions_on, when already read)?"""
    return permission in (held if held is not None else permissions_on(user, driehoek))


def _driehoek_of(obj) -> Driehoek:
    return obj if isinstance(obj, Driehoek) else obj.driehoek


def require(user, obj, *, permission: str | Iterable[str] | None = None, model=None, pk=None,
            missing: str = "", refusal: str = "", held: set[str] | None = None):
    """The one gate; returns `obj`.

    `obj` is what a lookup scoped by visible_driehoeken found, or None: then the user may not see it (or it
    does not exist) and the answer is 404, naming `model` and `pk` for the security log. With `permission` (a
    codename, or several of which any one suffices) the user must hold it on the object's driehoek, else 403.
    """
    if obj is None:
        raise NietZichtbaar(missing or _("Dit bestaat niet of u heeft er geen toegang toe."), model=model, pk=pk)
    if permission is None:
        return obj
    wanted = {permission} if isinstance(permission, str) else set(permission)
    if not wanted & (held if held is not None else permissions_on(user, _driehoek_of(obj))):
        raise Geweigerd(refusal or _("U heeft in deze driehoek geen recht op deze handeling."), obj=obj)
    return obj


def active_members(driehoek: Driehoek, *, permission: str | Iterable[str] = VIEW) -> QuerySet:
    """The users who hold `permission` (or any of several) on this driehoek today."""
    wanted = [permission] if isinstance(permission, str) else list(permission)
    return Gebruiker.objects.filter(
        pk__in=_valid_rows(wanted).filter(content_object=driehoek).values("user_id"))


def members_anywhere(*, permission: str) -> QuerySet:
    """The users who hold `permission` today on at least one driehoek (system-wide reads, e.g. reminders)."""
    return Gebruiker.objects.filter(pk__in=_valid_rows([permission]).values("user_id"))


def holds_anywhere(user, permissions: Iterable[str]) -> bool:
    """Whether the user holds any of these permissions today on any driehoek."""
    wanted = allowed_for(user, set(permissions))
    return bool(wanted) and _valid_rows(wanted).filter(user=user).exists()


def capacities_on_many(user, driehoeken) -> dict[int, set[str]]:
    """The capacities (samenwerking.rollen.ROLE_CAPACITIES) in which the user reviews today in each of these
    driehoeken, in one query: {driehoek pk: capacities}. Empty for one who may not review (a system account).

    Not access on its own (the caller checks the permission too): where two roles grant the same permission, the
    role the user holds it through says in which capacity they decide.
    """
    ids = [d.pk for d in driehoeken]
    result: dict[int, set[str]] = {pk: set() for pk in ids}
    if not user.is_authenticated or not ids or not allowed_for(user, {REVIEW}):
        return result
    for pk, rol in (Lidmaatschap.objects.active_on(today())
                    .filter(gebruiker=user, driehoek_id__in=ids, rol__in=list(ROLE_CAPACITIES))
                    .values_list("driehoek_id", "rol")):
        result[pk].add(ROLE_CAPACITIES[rol])
    return result


def members_in_capacity(driehoek: Driehoek, *, capacity: str) -> QuerySet:
    """The users who review in this capacity in this driehoek today (recipients by capacity)."""
    roles = [rol for rol, held in ROLE_CAPACITIES.items() if held == capacity]
    return active_members(driehoek, permission=REVIEW).filter(
        pk__in=Lidmaatschap.objects.active_on(today()).filter(driehoek=driehoek, rol__in=roles).values("gebruiker_id"))


# --- above the driehoek: aggregates only ---------------------------------------------------------------------

def overview_scopes(user) -> QuerySet:
    """The user's scope memberships (Overzichtslidmaatschap) active today, with their eenheid or veiligheidsregio.

    Why a membership query and not guardian rows, as for driehoeken: a guardian permission needs one object, and a
    scope is an eenheid, a veiligheidsregio or no object at all (the country). Rows per scope would need three
    permission models (or a generic one) and would copy each membership one to one, period and all, with one
    permission ("see the aggregate") and nothing to add. The dated membership row is the grant itself, read today
    like every other check here; ending it (actief_tot) ends the view on that day.
    """
    if not user.is_authenticated:
        return Overzichtslidmaatschap.objects.none()
    return (Overzichtslidmaatschap.objects.active_on(today()).filter(gebruiker=user)
            .select_related("eenheid", "veiligheidsregio"))


def visible_gemeenten(user) -> QuerySet:
    """The gemeenten whose aggregate picture (lifecycle state, dates, parties, BOA-inzet) the user may see today:
    every gemeente of an eenheid or veiligheidsregio they hold an overview of, or all of them for the country.

    One query, or a subquery of the caller's. It says nothing about content: visible_driehoeken, permissions_on,
    may and require never read scope memberships."""
    if not user.is_authenticated:
        return Gemeente.objects.none()
    scopes = overview_scopes(user).select_related(None)
    return Gemeente.objects.filter(
        Q(Exists(scopes.filter(niveau=Overzichtsniveau.LANDELIJK)))
        | Q(eenheid__in=scopes.filter(niveau=Overzichtsniveau.EENHEID).values("eenheid_id"))
        | Q(veiligheidsregio__in=scopes.filter(niveau=Overzichtsniveau.VEILIGHEIDSREGIO)
            .values("veiligheidsregio_id"))
    )


# --- beheer ----------------------------------------------------------------------------------------------------

def require_beheerder(user, *, refusal: str = "") -> None:
    """Functional beheer (reference data, the clause library, publishing praktijkvoorbeelden): 403 for anyone else."""
    if not (user.is_authenticated and is_beheerder(user)):
        raise Geweigerd(refusal or _("Alleen een beheerder kan dit doen."))
