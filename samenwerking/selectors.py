"""Every read in samenwerking, scoped by the user's driehoeken.

Other apps scope their objects through `visible_driehoeken` / `get_driehoek`: an object of a driehoek
the user does not belong to answers 404; a visible one with a forbidden action answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Driehoek, DriehoekGebruikerRecht, DriehoekGroepRecht, Lidmaatschap, Rol
from .rollen import VIEW


def visible_driehoeken(user, *, permission: str = VIEW) -> QuerySet:
    """Driehoeken on which the user holds `permission`, directly or through a group: one query."""
    if not user.is_authenticated:
        return Driehoek.objects.none()
    direct = DriehoekGebruikerRecht.objects.filter(user=user, permission__codename=permission)
    via_group = DriehoekGroepRecht.objects.filter(
        group__user=user, permission__codename=permission
    )
    # One IN over a UNION rather than two INs joined by OR: PostgreSQL cannot estimate an OR of two hashed
    # subplans and guesses most driehoeken (375 of 500), which makes it scan all arrangementen and actiepunten
    # of the country; for the UNION it expects the handful of rows the user really has and uses the indexes.
    return Driehoek.objects.filter(
        pk__in=direct.values("content_object_id").union(via_group.values("content_object_id"))
    )


def permissions_on(user, driehoek: Driehoek) -> set[str]:
    """The user's permissions on this driehoek, from the guardian rows only (direct and through groups).

    Superusers get no shortcut: rights come from memberships, so what a user may do and what they see agree.
    """
    if not user.is_authenticated:
        return set()
    direct = DriehoekGebruikerRecht.objects.filter(user=user, content_object=driehoek)
    via_group = DriehoekGroepRecht.objects.filter(group__user=user, content_object=driehoek)
    return set(direct.values_list("permission__codename", flat=True).union(
        via_group.values_list("permission__codename", flat=True)))


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
    return result


def get_driehoek(user, pk, *, permission: str | None = None) -> Driehoek:
    """The driehoek, if the user sees it (else 404) and, when asked, holds `permission` on it (else 403)."""
    driehoek = visible_driehoeken(user).select_related("basisteam", "eenheid").filter(pk=pk).first()
    if driehoek is None:
        raise Http404(_("Deze driehoek bestaat niet of u heeft er geen toegang toe."))
    if permission and permission not in permissions_on(user, driehoek):
        raise PermissionDenied(_("U heeft in deze driehoek geen recht op deze handeling."))
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
