"""Two-step verification: who must use it, the second step at login, setting up an app, recovery codes,
switching off, a beheerder's reset, and the audit trail of each."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenwerking import tweestaps
from samenwerking.models import Auditregel, Rol
from samenwerking.permissions_setup import BEHEER_GROUP, ensure_beheer_group

from ..factories import TEST_PASSWORD, DriehoekFactory, GebruikerFactory, lid
from ..mfa import code_for, next_code

G = Auditregel.Gebeurtenis
VERIFICATIE = "/inloggen/verificatie/"
INSTELLEN = "/account/tweestapsverificatie/instellen/"


def password_login(client, user, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": user.username, "password": TEST_PASSWORD,
                                 **({"next": next_url} if next_url else {})})
    assert response.status_code == 302
    return client.get(response["Location"])


def member(rol, **extra):
    user = GebruikerFactory(**extra)
    lid(user, DriehoekFactory(), rol)
    return user


def with_app(user):
    TOTPDevice.objects.create(user=user, name=tweestaps.APP_NAME, confirmed=True)
    return user


def last(gebeurtenis):
    return Auditregel.objects.filter(gebeurtenis=gebeurtenis).order_by("-id").first()


# --- who must use it ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rol", [Rol.REVIEWER, Rol.SECRETARIS, Rol.ONDERTEKENAAR])
def test_reviewing_adopting_and_signing_roles_must_set_up_an_app_before_anything_else(client, db, rol):
    user = member(rol)
    response = password_login(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(INSTELLEN)
    # Every other page sends them there too.
    assert client.get(reverse("arrangementen:lijst"))["Location"].startswith(INSTELLEN)


def test_beheerders_must_set_up_an_app(client, db):
    user = GebruikerFactory(is_staff=True)
    user.groups.add(ensure_beheer_group())
    assert password_login(client, user)["Location"].startswith(INSTELLEN)
    assert client.get("/beheer/")["Location"].startswith(INSTELLEN)
    assert Group.objects.get(name=BEHEER_GROUP).user_set.filter(pk=user.pk).exists()


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.LEZER])
def test_coordinators_and_readers_go_straight_in_without_an_app(client, db, rol):
    user = member(rol)
    response = password_login(client, user)
    assert response.status_code == 200
    assert "Mijn driehoeken" in response.content.decode()


def test_an_ended_membership_no_longer_requires_it(db):
    user = member(Rol.REVIEWER)
    assert tweestaps.required_for(user)
    from samenwerking import services

    services.end_membership(lidmaatschap=user.lidmaatschappen.get())
    assert not tweestaps.required_for(user)


def test_a_role_granted_during_the_session_asks_for_the_second_step_within_minutes(client, db):
    user = member(Rol.COORDINATOR)
    assert password_login(client, user).status_code == 200
    lid(user, user.lidmaatschappen.get().driehoek, Rol.REVIEWER)
    assert client.get("/").status_code == 200  # the "not needed" answer is kept a few minutes
    session = client.session
    session[tweestaps.SESSION_KEY]["sinds"] = time.time() - tweestaps.RECHECK_SECONDS - 1
    session.save()
    assert client.get("/")["Location"].startswith(INSTELLEN)


# --- the second step at login ------------------------------------------------------------------------------------

def test_with_an_app_the_password_leads_to_the_second_step_and_a_right_code_in(client, db):
    user = with_app(member(Rol.REVIEWER))
    response = password_login(client, user, next_url="/arrangementen/")
    assert response["Location"] == f"{VERIFICATIE}?next=%2Farrangementen%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Verificatiecode" in page.content.decode()

    wrong = client.post(response["Location"], {"code": "123456", "next": "/arrangementen/"})
    assert wrong.status_code == 200
    assert "Deze code klopt niet of is al gebruikt." in wrong.content.decode()
    assert last(G.MFA_VERIFICATIE).resultaat == Auditregel.Resultaat.MISLUKT
    assert client.get("/").status_code == 302  # still not in

    time.sleep(1.1)  # the wrong code asked for a second's patience
    right = client.post(response["Location"], {"code": code_for(user), "next": "/arrangementen/"})
    assert right.status_code == 302 and right["Location"] == "/arrangementen/"
    regel = last(G.MFA_VERIFICATIE)
    assert (regel.resultaat, regel.gebruiker_id, regel.details["middel"]) == (
        Auditregel.Resultaat.GELUKT, user.pk, "app")
    assert client.get("/").status_code == 200


def test_wrong_codes_slow_down_the_next_attempts(client, db):
    user = with_app(member(Rol.REVIEWER))
    password_login(client, user)
    client.post(VERIFICATIE, {"code": "000000"})
    response = client.post(VERIFICATIE, {"code": code_for(user)})  # right, but too soon after a wrong one
    assert "Te veel onjuiste codes achter elkaar." in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_used_code_does_not_work_twice(client, db):
    user = with_app(member(Rol.REVIEWER))
    password_login(client, user)
    code = code_for(user)
    assert client.post(VERIFICATIE, {"code": code}).status_code == 302
    client.logout()
    password_login(client, user)
    response = client.post(VERIFICATIE, {"code": code})
    assert response.status_code == 200
    assert "al gebruikt" in response.content.decode()


def test_the_second_step_never_sends_the_user_off_site(client, db):
    user = with_app(member(Rol.REVIEWER))
    password_login(client, user)
    response = client.post(VERIFICATIE, {"code": code_for(user), "next": "https://elders.invalid/"})
    assert response["Location"] == "/"


def test_the_api_answers_403_before_the_second_step(client, db):
    user = with_app(member(Rol.REVIEWER))
    password_login(client, user)
    response = client.get("/api/v1/arrangementen/")
    assert response.status_code == 403
    assert "tweestapsverificatie" in response.json()["detail"]


def test_the_verified_session_gets_a_new_key(client, db):
    user = with_app(member(Rol.REVIEWER))
    password_login(client, user)
    before = client.session.session_key
    client.post(VERIFICATIE, {"code": code_for(user)})
    assert client.session.session_key != before


# --- setting up ------------------------------------------------------------------------------------------------

def set_up(client, user):
    page = client.get(INSTELLEN)
    assert page.status_code == 200
    device = tweestaps.app_device(user, confirmed=False)
    return page, device


def test_setting_up_shows_a_qr_code_and_the_key_then_confirms_with_a_first_code(client, db):
    user = member(Rol.SECRETARIS)
    password_login(client, user)
    page, device = set_up(client, user)
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert tweestaps.grouped(tweestaps.secret_of(device)) in html
    assert "<script" not in html

    wrong = client.post(INSTELLEN, {"code": "12345"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert not tweestaps.has_app(user)

    time.sleep(1.1)
    done = client.post(INSTELLEN, {"code": next_code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert code in done.content.decode()
    assert tweestaps.has_app(user)
    assert client.get("/").status_code == 200  # the confirmation also verified this session
    regel = last(G.MFA_INGESTELD)
    assert (regel.gebruiker_id, regel.object_id, regel.details["herstelcodes"]) == (user.pk, str(user.pk), 10)
    # Stored as keyed hashes, never as the codes themselves.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert not stored & {c.replace("-", "") for c in codes}


def test_a_password_alone_cannot_replace_the_app(client, db):
    user = with_app(member(Rol.REVIEWER))
    password_login(client, user)
    response = client.get(INSTELLEN)
    assert response.status_code == 302 and response["Location"].startswith(VERIFICATIE)
    response = client.post(INSTELLEN, {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFICATIE)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_verified_user_can_link_another_app_and_the_old_one_stops_working(client, db):
    user = member(Rol.REVIEWER)
    client.force_login(user)
    old = tweestaps.app_device(user)
    _page, new = set_up(client, user)
    assert client.post(INSTELLEN, {"wachtwoord": TEST_PASSWORD, "verificatiecode": code_for(user),
                                   "code": next_code(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert last(G.MFA_INGESTELD).details["vervangen"] is True


def replace_app(client, user, *, wachtwoord=TEST_PASSWORD, huidige=None):
    _page, new = set_up(client, user)
    response = client.post(INSTELLEN, {"wachtwoord": wachtwoord,
                                       "verificatiecode": code_for(user) if huidige is None else huidige,
                                       "code": next_code(new)})
    return response, new


def test_linking_another_app_from_an_open_session_needs_the_password(client, db):
    user = member(Rol.REVIEWER)
    client.force_login(user)  # a verified session, as an unlocked computer left behind
    old = tweestaps.app_device(user)
    response, new = replace_app(client, user, wachtwoord="niet-het-wachtwoord")
    assert response.status_code == 200
    assert "Het wachtwoord klopt niet." in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True)) == [old.pk]
    regel = last(G.MFA_APP_GEKOPPELD)
    assert (regel.resultaat, regel.gebruiker_id) == (Auditregel.Resultaat.GEWEIGERD, user.pk)
    # The wrong password counts towards the login lockout, as at the login page.
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1


def test_linking_another_app_needs_a_current_code_and_a_wrong_one_slows_down(client, db):
    user = member(Rol.REVIEWER)
    client.force_login(user)
    old = tweestaps.app_device(user)
    response, new = replace_app(client, user, huidige="000000")
    assert "Deze code klopt niet of is al gebruikt." in response.content.decode()
    assert not TOTPDevice.objects.get(pk=new.pk).confirmed
    assert TOTPDevice.objects.get(pk=old.pk).confirmed
    old.refresh_from_db()
    assert old.throttling_failure_count == 1
    assert last(G.MFA_APP_GEKOPPELD).resultaat == Auditregel.Resultaat.GEWEIGERD
    assert not Auditregel.objects.filter(gebeurtenis=G.MFA_INGESTELD).exists()


def test_a_recovery_code_may_confirm_linking_another_app(client, db):
    user = member(Rol.REVIEWER)
    client.force_login(user)
    codes = tweestaps.new_recovery_codes(user)
    response, new = replace_app(client, user, huidige=codes[0])
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    regel = last(G.MFA_APP_GEKOPPELD)
    assert (regel.resultaat, regel.details) == (Auditregel.Resultaat.GELUKT, {"herbevestigd_met": "herstelcode"})


def test_the_service_refuses_to_replace_an_app_without_reconfirmation(rf, db):
    user = with_app(member(Rol.REVIEWER))
    old = tweestaps.app_device(user)
    request = rf.post(INSTELLEN)
    request.user, request.session = user, {}
    new = TOTPDevice.objects.create(user=user, name=tweestaps.APP_NAME, confirmed=False)
    uitkomst, codes = tweestaps.confirm_setup(request, new, next_code(new))
    assert (uitkomst.gelukt, codes) == (False, [])
    assert "Bevestig eerst met uw wachtwoord" in uitkomst.melding
    assert tweestaps.app_device(user).pk == old.pk
