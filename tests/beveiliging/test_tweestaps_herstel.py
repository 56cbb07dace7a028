"""Two-step verification, continued: recovery codes, switching off, a beheerder's reset, and the audit trail of
each (the helpers come from test_tweestaps)."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenwerking import tweestaps
from samenwerking.models import Auditregel, Rol
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import TEST_PASSWORD, GebruikerFactory
from ..mfa import code_for, unverified
from .test_tweestaps import INSTELLEN, VERIFICATIE, G, last, member, password_login, with_app

# --- recovery codes ----------------------------------------------------------------------------------------------

def test_a_recovery_code_works_once_and_warns_how_many_are_left(client, db):
    user = with_app(member(Rol.ONDERTEKENAAR))
    codes = tweestaps.new_recovery_codes(user)
    password_login(client, user)
    response = client.post(VERIFICATIE, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert response.status_code == 200
    assert "U heeft een herstelcode gebruikt; u heeft er nog 9." in response.content.decode()
    assert last(G.MFA_VERIFICATIE).details == {"middel": "herstelcode", "herstelcodes_over": 9}
    client.logout()
    password_login(client, user)
    again = client.post(VERIFICATIE, {"code": codes[3]})
    assert "Deze herstelcode klopt niet of is al gebruikt." in again.content.decode()


def test_new_recovery_codes_replace_the_old_ones(client, db):
    user = member(Rol.REVIEWER)
    client.force_login(user)
    old = tweestaps.new_recovery_codes(user)
    response = client.post(reverse("account:herstelcodes"), {"wachtwoord": TEST_PASSWORD,
                                                             "verificatiecode": code_for(user)})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert not tweestaps.check_code(user, old[0]).gelukt
    time.sleep(1.1)
    assert tweestaps.check_code(user, new[0]).gelukt
    assert last(G.MFA_HERSTELCODES).gebruiker_id == user.pk


@pytest.mark.parametrize(("gegevens", "veld", "melding"), [
    ({}, "wachtwoord", "Dit veld is vereist."),
    ({"wachtwoord": "fout", "verificatiecode": "123456"}, "wachtwoord", "Het wachtwoord klopt niet."),
    ({"wachtwoord": TEST_PASSWORD, "verificatiecode": "000000"}, "verificatiecode", "Deze code klopt niet"),
], ids=["leeg", "wachtwoord-fout", "code-fout"])
def test_new_recovery_codes_need_the_password_and_a_current_code(client, db, gegevens, veld, melding):
    user = member(Rol.REVIEWER)
    client.force_login(user)
    old = tweestaps.new_recovery_codes(user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    response = client.post(reverse("account:herstelcodes"), gegevens)
    assert response.status_code == 200
    assert "codes" not in response.context
    assert any(melding in error for error in response.context["herstel_form"].errors[veld])
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == stored
    assert len(old) == tweestaps.remaining_recovery_codes(user)
    if gegevens:  # a refusal after checking is on record
        regel = last(G.MFA_HERSTELCODES)
        assert (regel.resultaat, regel.gebruiker_id) == (Auditregel.Resultaat.GEWEIGERD, user.pk)
    else:
        assert last(G.MFA_HERSTELCODES) is None


def test_the_overview_page_says_what_is_set_up(client, db):
    user = member(Rol.REVIEWER)
    client.force_login(user)
    tweestaps.new_recovery_codes(user)
    html = client.get(reverse("account:tweestaps")).content.decode()
    assert "een authenticator-app is gekoppeld" in html
    assert "U heeft nog 10 ongebruikte herstelcodes." in html
    assert "u kunt die daarom niet uitschakelen" in html


# --- switching off and resetting ---------------------------------------------------------------------------------

def test_a_coordinator_may_switch_an_optional_app_off_with_a_code(client, db):
    user = with_app(member(Rol.COORDINATOR))
    client.force_login(user)
    refused = client.post(reverse("account:tweestaps_uitschakelen"), {"code": "000000"}, follow=True)
    assert "Tweestapsverificatie is niet uitgeschakeld" in refused.content.decode()
    assert tweestaps.has_app(user)
    time.sleep(1.1)
    done = client.post(reverse("account:tweestaps_uitschakelen"), {"code": code_for(user)}, follow=True)
    assert "Tweestapsverificatie is uitgeschakeld." in done.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert last(G.MFA_UITGESCHAKELD).details == {"door_beheerder": False, "reden": ""}


def test_a_required_app_cannot_be_switched_off(client, db):
    user = member(Rol.SECRETARIS)
    client.force_login(user)
    response = client.post(reverse("account:tweestaps_uitschakelen"), {"code": code_for(user)}, follow=True)
    assert "u kunt die niet uitschakelen" in response.content.decode()
    assert tweestaps.has_app(user)


def test_a_beheerder_resets_a_lost_app_and_the_user_sets_up_a_new_one(client, db):
    from django.test import Client

    user = with_app(member(Rol.REVIEWER))
    tweestaps.new_recovery_codes(user)
    on_the_lost_phone = Client()
    on_the_lost_phone.force_login(user)
    assert on_the_lost_phone.get("/").status_code == 200
    beheerder = GebruikerFactory(is_staff=True)
    beheerder.groups.add(ensure_beheer_group())
    client.force_login(beheerder)
    response = client.post(reverse("admin:samenwerking_gebruiker_changelist"),
                           {"action": "reset_second_step", "_selected_action": [user.pk]}, follow=True)
    assert response.status_code == 200
    assert "Tweestapsverificatie van 1 gebruiker is gewist" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert tweestaps.remaining_recovery_codes(user) == 0
    regel = last(G.MFA_UITGESCHAKELD)
    assert (regel.gebruiker_id, regel.object_id, regel.details["door_beheerder"]) == (
        beheerder.pk, str(user.pk), True)
    # Every session of that user ends at once.
    assert on_the_lost_phone.get("/")["Location"].startswith("/inloggen/")
    client.logout()
    assert password_login(client, user)["Location"].startswith(INSTELLEN)


def test_switching_off_oneself_keeps_the_own_session(client, db):
    user = with_app(member(Rol.COORDINATOR))
    client.force_login(user)
    client.post(reverse("account:tweestaps_uitschakelen"), {"code": code_for(user)})
    assert not tweestaps.has_app(user)
    assert client.get("/").status_code == 200


def test_devices_have_no_admin_pages(client, db):
    beheerder = GebruikerFactory(is_staff=True, is_superuser=True)
    client.force_login(beheerder)
    assert client.get("/beheer/otp_totp/totpdevice/").status_code == 404
    assert client.get("/beheer/otp_static/staticdevice/").status_code == 404


def test_force_login_in_tests_is_a_whole_login(client, db):
    """The test helper itself: a verified session for who needs one, and `unverified` undoes it."""
    user = member(Rol.REVIEWER)
    client.force_login(user)
    assert client.get("/").status_code == 200
    unverified(client)
    assert client.get("/")["Location"].startswith(VERIFICATIE)
