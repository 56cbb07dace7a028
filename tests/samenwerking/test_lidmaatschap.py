import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samenwerking import services, toegang
from samenwerking.models import DriehoekGebruikerRecht, Lidmaatschap, Rol
from samenwerking.rollen import ROLE_PERMISSIONS
from samenwerking.toegang import valid_on

from ..factories import TEST_PASSWORD, DriehoekFactory, GebruikerFactory, lid, vandaag


def codenames(user, driehoek):
    """The codenames of the user's guardian rows on the driehoek that hold today."""
    return set(
        DriehoekGebruikerRecht.objects.filter(valid_on(timezone.localdate()), user=user, content_object=driehoek)
        .values_list("permission__codename", flat=True)
    )


@pytest.mark.parametrize("rol", list(Rol))
def test_each_role_grants_exactly_its_mapped_permissions(driehoek, rol):
    user = GebruikerFactory()
    lid(user, driehoek, rol)
    assert codenames(user, driehoek) == set(ROLE_PERMISSIONS[rol])
    assert toegang.permissions_on(user, driehoek) == set(ROLE_PERMISSIONS[rol])


def test_two_roles_grant_the_union(driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.REVIEWER)
    lid(user, driehoek, Rol.ONDERTEKENAAR)
    assert codenames(user, driehoek) == ROLE_PERMISSIONS[Rol.REVIEWER] | ROLE_PERMISSIONS[Rol.ONDERTEKENAAR]


def test_permissions_stay_within_their_driehoek(driehoek, andere_driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.SECRETARIS)
    assert codenames(user, andere_driehoek) == set()
    assert list(toegang.visible_driehoeken(user)) == [driehoek]


def test_ending_one_of_two_roles_keeps_the_other(driehoek):
    user = GebruikerFactory()
    reviewer = lid(user, driehoek, Rol.REVIEWER)
    lid(user, driehoek, Rol.ONDERTEKENAAR)
    services.end_membership(lidmaatschap=reviewer)
    assert codenames(user, driehoek) == set(ROLE_PERMISSIONS[Rol.ONDERTEKENAAR])


def test_ending_a_membership_answers_404_on_the_next_request(client, driehoek):
    user = GebruikerFactory()
    lidmaatschap = lid(user, driehoek, Rol.COORDINATOR)
    client.force_login(user)
    url = reverse("samenwerking:driehoek", args=[driehoek.pk])
    assert client.get(url).status_code == 200

    services.end_membership(lidmaatschap=lidmaatschap)

    assert client.get(url).status_code == 404
    assert driehoek.naam not in client.get(reverse("samenwerking:dashboard")).content.decode()
    lidmaatschap.refresh_from_db()
    assert lidmaatschap.actief_tot == vandaag()


def test_future_membership_grants_nothing_until_it_starts_and_then_everything_without_a_sync(driehoek, frozen):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.LEZER, actief_van=vandaag() + datetime.timedelta(days=3))
    assert codenames(user, driehoek) == set()
    assert toegang.permissions_on(user, driehoek) == set()
    frozen(days=3)
    assert codenames(user, driehoek) == set(ROLE_PERMISSIONS[Rol.LEZER])
    assert toegang.permissions_on(user, driehoek) == set(ROLE_PERMISSIONS[Rol.LEZER])


def test_membership_lapsing_by_date_ends_on_its_day_and_the_daily_sync_removes_the_row(driehoek, frozen):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.LEZER, actief_tot=vandaag() + datetime.timedelta(days=1))
    assert codenames(user, driehoek) == {"view_driehoek"}
    frozen(days=1)
    assert codenames(user, driehoek) == set()
    assert toegang.permissions_on(user, driehoek) == set()
    services.sync_all_permissions()
    assert not DriehoekGebruikerRecht.objects.filter(user=user).exists()


def test_login_resyncs_a_lapsed_membership(client, driehoek):
    user = GebruikerFactory()
    membership = lid(user, driehoek, Rol.LEZER)
    # The calendar moved on without the daily task having run yet.
    Lidmaatschap.objects.filter(pk=membership.pk).update(
        actief_van=vandaag() - datetime.timedelta(days=10), actief_tot=vandaag()
    )
    assert client.login(username=user.username, password=TEST_PASSWORD)
    assert codenames(user, driehoek) == set()


def test_period_must_run_forward(driehoek):
    with pytest.raises(ValidationError) as excinfo:
        lid(GebruikerFactory(), driehoek, Rol.LEZER, actief_van=vandaag(),
            actief_tot=vandaag() - datetime.timedelta(days=1))
    assert "actief_tot" in excinfo.value.message_dict
    assert not Lidmaatschap.objects.exists()


def test_deleting_a_membership_revokes_access(driehoek):
    user = GebruikerFactory()
    membership = lid(user, driehoek, Rol.COORDINATOR)
    services.delete_membership(lidmaatschap=membership)
    assert codenames(user, driehoek) == set()


def test_moving_a_membership_to_another_driehoek_in_the_admin_moves_access(admin_client, driehoek):
    other = DriehoekFactory()
    user = GebruikerFactory()
    membership = lid(user, driehoek, Rol.COORDINATOR)
    response = admin_client.post(
        reverse("admin:samenwerking_lidmaatschap_change", args=[membership.pk]),
        {"gebruiker": user.pk, "driehoek": other.pk, "rol": Rol.COORDINATOR,
         "actief_van": vandaag().isoformat(), "actief_tot": ""},
    )
    assert response.status_code == 302
    assert codenames(user, driehoek) == set()
    assert codenames(user, other) == set(ROLE_PERMISSIONS[Rol.COORDINATOR])


def test_membership_history_records_the_acting_admin(admin_client, admin_user, driehoek):
    user = GebruikerFactory()
    admin_client.post(
        reverse("admin:samenwerking_lidmaatschap_add"),
        {"gebruiker": user.pk, "driehoek": driehoek.pk, "rol": Rol.LEZER,
         "actief_van": vandaag().isoformat(), "actief_tot": ""},
    )
    record = Lidmaatschap.history.get(gebruiker_id=user.pk)
    assert record.history_user == admin_user
    assert codenames(user, driehoek) == {"view_driehoek"}


def test_admin_action_ends_memberships_at_once(admin_client, driehoek):
    user = GebruikerFactory()
    membership = lid(user, driehoek, Rol.COORDINATOR)
    admin_client.post(reverse("admin:samenwerking_lidmaatschap_changelist"), {
        "action": "end_memberships", "_selected_action": [membership.pk],
    })
    assert codenames(user, driehoek) == set()
