"""The Beheer group follows BEHEER_MODELS after every migrate: a model added later is maintainable on an
existing install without a manual setup step."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from samenwerking.permissions_setup import BEHEER_GROUP, ensure_beheer_group
from samenwerking.rollen import ALL_PERMISSIONS

pytestmark = pytest.mark.django_db


def codenames(group):
    return set(group.permissions.values_list("codename", flat=True))


def test_migrate_gives_an_existing_beheer_group_the_models_added_since():
    group = ensure_beheer_group()
    group.permissions.remove(*group.permissions.filter(codename__endswith="_overzichtslidmaatschap"))
    group.permissions.remove(*group.permissions.filter(codename__endswith="_grondslag"))
    assert "change_overzichtslidmaatschap" not in codenames(group)

    call_command("migrate", verbosity=0)

    assert {"add_overzichtslidmaatschap", "change_overzichtslidmaatschap", "delete_overzichtslidmaatschap",
            "view_overzichtslidmaatschap", "change_grondslag"} <= codenames(group)
    # Only model permissions of the admin: per-driehoek rights never come from the group.
    per_driehoek = {name for name in ALL_PERMISSIONS if not name.startswith(("add_", "change_", "delete_", "view_"))}
    assert per_driehoek and not codenames(group) & per_driehoek


def test_migrate_creates_no_beheer_group_where_there_is_none():
    Group.objects.filter(name=BEHEER_GROUP).delete()
    call_command("migrate", verbosity=0)
    assert not Group.objects.filter(name=BEHEER_GROUP).exists()
