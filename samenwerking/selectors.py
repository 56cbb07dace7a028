"""Every read in samenwerking, scoped by the user's driehoeken.

Access itself is decided in samenwerking.toegang (visible driehoeken, permissions, require); the lists of
memberships below are what the pages show about people, not access decisions.
"""

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils.translation import gettext as _

from . import toegang
from .models import Driehoek, Lidmaatschap, Rol


def get_driehoek(user, pk, *, permission: str | None = None) -> Driehoek:
    """The driehoek, if the user sees it (else 404) and, when asked, holds `permission` on it (else 403)."""
    driehoek = toegang.visible_driehoeken(user).select_related("basisteam", "eenheid").filter(pk=pk).first()
    return toegang.require(user, driehoek, permission=permission, model=Driehoek, pk=pk,
                           missing=_("Deze driehoek bestaat niet of u heeft er geen toegang toe."))


def dashboard_driehoeken(user) -> list[Driehoek]:
    """The user's driehoeken with gemeenten, basisteam and the user's own active roles: four queries. Each says
    whether the user may draft there (`mag_opstellen`, a subquery: the "Nieuw arrangement" block reads it)."""
    opstellen = toegang.visible_driehoeken(user, permission=toegang.DRAFT).values("pk")
    return list(
        toegang.visible_driehoeken(user)
        .annotate(mag_opstellen=ExpressionWrapper(Q(pk__in=opstellen), output_field=BooleanField()))
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
