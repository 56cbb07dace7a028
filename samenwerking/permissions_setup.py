"""The beheer role: staff in this group maintain reference data and memberships in the admin."""

from django.contrib.auth.models import Group, Permission

BEHEER_GROUP = "Beheer"

BEHEER_MODELS = [
    "eenheid", "veiligheidsregio", "district", "basisteam", "gemeente", "werkgebied",
    "organisatie", "driehoek", "gebruiker", "lidmaatschap",
]


def ensure_beheer_group() -> Group:
    group, _created = Group.objects.get_or_create(name=BEHEER_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="samenwerking",
                                  content_type__model__in=BEHEER_MODELS)
        # Only the admin's model permissions; per-driehoek rights come from memberships.
        .filter(codename__regex=r"^(add|change|delete|view)_")
    )
    return group


def is_beheerder(user) -> bool:
    return user.is_active and user.is_staff and (
        user.is_superuser or user.groups.filter(name=BEHEER_GROUP).exists()
    )
