"""The beheer role: staff in this group maintain reference data and memberships in the admin."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

BEHEER_GROUP = "Beheer"

BEHEER_MODELS = {
    "samenwerking": ["eenheid", "veiligheidsregio", "district", "basisteam", "gemeente", "werkgebied",
                     "organisatie", "driehoek", "gebruiker", "lidmaatschap",
                     # Overviews above the driehoek (aggregates only), granted like memberships.
                     "overzichtslidmaatschap",
                     # Beheerders see and revoke every API token, and issue them to system accounts only.
                     "apitoken"],
    "arrangementen": ["onderwerp", "modelafspraak", "ondertekeningssleutel", "mandaat", "grondslag",
                      "praktijkvoorbeeld"],
    # Overleggen, actiepunten and herinneringen are the driehoeken's own: the admin shows them read-only to
    # superusers; beheerders get none of them.
    "actiepunten": [],
}


def ensure_beheer_group() -> Group:
    group, _created = Group.objects.get_or_create(name=BEHEER_GROUP)
    models = Q()
    for app_label, names in BEHEER_MODELS.items():
        models |= Q(content_type__app_label=app_label, content_type__model__in=names)
    group.permissions.set(
        Permission.objects.filter(models)
        # Only the admin's model permissions; per-driehoek rights come from memberships.
        .filter(codename__regex=r"^(add|change|delete|view)_")
    )
    return group


def refresh_beheer_group(*, using: str = "default") -> None:
    """Bring an existing Beheer group up to BEHEER_MODELS (run after every migrate); creates none."""
    if Group.objects.using(using).filter(name=BEHEER_GROUP).exists():
        ensure_beheer_group()


def is_beheerder(user) -> bool:
    return user.is_active and user.is_staff and (
        user.is_superuser or user.groups.filter(name=BEHEER_GROUP).exists()
    )
