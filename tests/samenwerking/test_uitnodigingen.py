"""Accounts in the beheer: a new person is invited by e-mail and chooses their own password through a one-time,
expiring link; the beheerder never types or sees it, and gives access only through memberships and the
"functioneel beheerder" box."""

import datetime
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samenwerking import uitnodigingen
from samenwerking.models import Auditregel, Gebruiker
from samenwerking.permissions_setup import BEHEER_GROUP, ensure_beheer_group
from tests.factories import GebruikerFactory

ADD = "/beheer/samenwerking/gebruiker/add/"
NIEUW_WACHTWOORD = "Handhaving-in-Soest-2026"
Gebeurtenis = Auditregel.Gebeurtenis


@pytest.fixture
def beheerder(db):
    user = GebruikerFactory(username="bea", is_staff=True, first_name="Bea", last_name="Beheerder")
    user.groups.add(ensure_beheer_group())
    return user


@pytest.fixture
def beheer_client(client, beheerder):
    client.force_login(beheerder)
    return client


def link_path(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/account/uitnodiging/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def invite_path(gebruiker, *, now=None) -> str:
    return reverse("account:uitnodiging", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(gebruiker.pk)),
        "token": uitnodigingen.make_token(gebruiker=gebruiker, now=now)})


def events(gebeurtenis, **filters):
    return list(Auditregel.objects.filter(gebeurtenis=gebeurtenis, **filters).order_by("id"))


# --- the add form ----------------------------------------------------------------------------------------

def test_add_form_asks_no_password_and_says_an_invitation_follows(beheer_client):
    response = beheer_client.get(ADD)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="password"' not in html and "password1" not in html
    assert "After you" not in html
    assert "krijgt de nieuwe gebruiker een e-mail met een persoonlijke link" in html


def test_new_person_gets_an_invitation_and_no_usable_password(beheer_client, beheerder, mailoutbox):
    response = beheer_client.post(ADD, {"username": "nina", "first_name": "Nina", "last_name": "Nieuw",
                                        "email": "nina@example.org", "functie": "OE"})
    nina = Gebruiker.objects.get(username="nina")
    assert response.status_code == 302 and response["Location"].endswith(f"/gebruiker/{nina.pk}/change/")
    assert not nina.has_usable_password()
    assert [m.to for m in mailoutbox] == [["nina@example.org"]]
    assert mailoutbox[0].subject == "Uitnodiging voor Handhavingsarrangementen"
    assert "Uw gebruikersnaam is: nina" in mailoutbox[0].body and "72 uur" in mailoutbox[0].body
    assert link_path(mailoutbox[0]).startswith(f"/account/uitnodiging/{urlsafe_base64_encode(force_bytes(nina.pk))}/")
    [aangemaakt] = events(Gebeurtenis.ACCOUNT_AANGEMAAKT)
    [verstuurd] = events(Gebeurtenis.UITNODIGING_VERSTUURD)
    assert aangemaakt.gebruikersnaam == verstuurd.gebruikersnaam == "bea"
    assert aangemaakt.object_id == verstuurd.object_id == str(nina.pk)
    assert verstuurd.details["aan"] == "nina@example.org"


def test_person_without_email_is_refused_and_input_kept(beheer_client, mailoutbox):
    response = beheer_client.post(ADD, {"username": "zonder", "first_name": "Zora", "last_name": "Zonder"})
    assert response.status_code == 200
    assert "Vul het e-mailadres in: daar gaat de uitnodiging naartoe." in response.content.decode()
    assert 'value="Zora"' in response.content.decode()
    assert not Gebruiker.objects.filter(username="zonder").exists()
    assert mailoutbox == []


def test_username_differing_only_in_case_is_refused(beheer_client, beheerder):
    response = beheer_client.post(ADD, {"username": "BEA", "email": "bea2@example.org"})
    assert response.status_code == 200
    assert "Er is al een gebruiker met deze gebruikersnaam." in response.content.decode()


def test_system_account_gets_no_invitation(beheer_client, mailoutbox):
    beheer_client.post(ADD, {"username": "koppeling", "is_systeemaccount": "on"})
    assert Gebruiker.objects.get(username="koppeling").is_systeemaccount
    assert mailoutbox == []


# --- the change form: no raw permissions, no password ---------------------------------------------------

def test_change_form_has_no_permissions_groups_or_password(beheer_client, beheerder):
    html = beheer_client.get(f"/beheer/samenwerking/gebruiker/{beheerder.pk}/change/").content.decode()
    for forbidden in ('name="user_permissions"', 'name="groups"', 'name="is_superuser"', "../password/",
                      "Can add", "historical"):
        assert forbidden not in html, forbidden
    assert 'name="beheerder"' in html and "Functioneel beheerder" in html
    assert f"/beheer/samenwerking/lidmaatschap/add/?gebruiker={beheerder.pk}" in html


def test_no_password_form_for_another_person(beheer_client, beheerder):
    other = GebruikerFactory()
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_user_password_change", args=[other.pk])
    response = beheer_client.get(f"/beheer/samenwerking/gebruiker/{other.pk}/password/", follow=True)
    assert 'type="password"' not in response.content.decode()


def test_groups_are_not_managed_in_the_beheer(client, db):
    client.force_login(Gebruiker.objects.create_superuser("root", "root@example.org", "x"))
    assert client.get("/beheer/auth/group/").status_code == 404


def change_data(user, **extra):
    return {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "functie": user.functie, "is_active": "on", "oidc_sub": "",
            "lidmaatschappen-TOTAL_FORMS": "0", "lidmaatschappen-INITIAL_FORMS": "0", **extra}


def test_beheer_box_grants_and_revokes_the_beheer_role_and_logs_it(beheer_client):
    carla = GebruikerFactory(username="carla")
    url = f"/beheer/samenwerking/gebruiker/{carla.pk}/change/"
    assert beheer_client.post(url, change_data(carla, beheerder="on")).status_code == 302
    carla.refresh_from_db()
    assert carla.is_staff and carla.groups.filter(name=BEHEER_GROUP).exists()
    assert beheer_client.post(url, change_data(carla)).status_code == 302
    carla.refresh_from_db()
    assert not carla.is_staff and not carla.groups.exists()
    details = [r.details for r in events(Gebeurtenis.ACCOUNT_GEWIJZIGD, object_id=str(carla.pk))]
    assert {"is_staff": [False, True]} in details and {"is_staff": [True, False]} in details
    assert {"groepen": "toegevoegd", "namen": [BEHEER_GROUP]} in details
    assert {"groepen": "verwijderd", "namen": [BEHEER_GROUP]} in details


def test_beheerder_cannot_make_a_superuser(beheer_client):
    carla = GebruikerFactory(username="carla")
    response = beheer_client.post(f"/beheer/samenwerking/gebruiker/{carla.pk}/change/",
                                  change_data(carla, is_superuser="on", functie="Teamchef"))
    assert response.status_code == 302  # saved, with the superuser flag ignored
    carla.refresh_from_db()
    assert carla.functie == "Teamchef" and not carla.is_superuser


def test_resend_action_sends_a_new_link_and_skips_system_accounts(beheer_client, mailoutbox):
    nina = GebruikerFactory(username="nina", email="nina@example.org")
    systeem = GebruikerFactory(username="koppeling", is_systeemaccount=True)
    response = beheer_client.post("/beheer/samenwerking/gebruiker/", {
        "action": "resend_invitation", "_selected_action": [nina.pk, systeem.pk]}, follow=True)
    html = response.content.decode()
    assert "1 uitnodiging verstuurd." in html
    assert "1 gebruiker overgeslagen: geen e-mailadres, niet actief of een systeemaccount." in html
    assert [m.to for m in mailoutbox] == [["nina@example.org"]]
    assert len(events(Gebeurtenis.UITNODIGING_VERSTUURD)) == 1


# --- accepting ------------------------------------------------------------------------------------------

@pytest.fixture
def nina(db):
    user = Gebruiker.objects.create_user("nina", email="nina@example.org", first_name="Nina", last_name="Nieuw")
    assert not user.has_usable_password()
    return user


def test_link_leads_to_password_form_without_the_token_in_the_address(client, nina):
    path = invite_path(nina)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].endswith("/wachtwoord/")
    assert path.rstrip("/").rsplit("/", 1)[1] not in response["Location"]
    form = client.get(response["Location"])
    assert form.status_code == 200
    assert "Wachtwoord kiezen" in form.content.decode()


def test_choosing_a_password_logs_in_and_the_link_then_refuses(client, nina):
    path = invite_path(nina)
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"new_password1": NIEUW_WACHTWOORD, "new_password2": NIEUW_WACHTWOORD})
    assert response.status_code == 302 and response["Location"] == reverse("samenwerking:dashboard")
    nina.refresh_from_db()
    assert nina.check_password(NIEUW_WACHTWOORD)
    assert client.session["_auth_user_id"] == str(nina.pk)
    [gebruikt] = events(Gebeurtenis.UITNODIGING_GEBRUIKT, resultaat="gelukt")
    assert gebruikt.gebruikersnaam == "nina"

    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "Deze link is al gebruikt of klopt niet." in again.content.decode()
    assert events(Gebeurtenis.UITNODIGING_GEBRUIKT, resultaat="geweigerd")


def test_weak_password_is_refused_in_dutch_and_the_link_stays_valid(client, nina):
    form_url = client.get(invite_path(nina))["Location"]
    response = client.post(form_url, {"new_password1": "kort", "new_password2": "kort"})
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort. Het moet minstens 12 tekens lang zijn." in response.content.decode()
    assert "This password" not in response.content.decode()
    nina.refresh_from_db()
    assert not nina.has_usable_password()
    assert client.get(form_url).status_code == 200


def test_expired_link_is_refused_with_its_own_message(client, nina, settings):
    settings.UITNODIGING_GELDIG_UREN = 72
    nu = timezone.now()
    assert uitnodigingen.check_token(gebruiker=nina, token=uitnodigingen.make_token(
        gebruiker=nina, now=nu - datetime.timedelta(hours=71, minutes=59))) == "geldig"
    response = client.get(invite_path(nina, now=nu - datetime.timedelta(hours=72, minutes=1)))
    assert response.status_code == 410
    assert "De uitnodiging is verlopen." in response.content.decode()


@pytest.mark.parametrize("token", ["", "abc", "zz-0000", "-", "1-" + "0" * 40])
def test_forged_or_malformed_tokens_are_refused(client, nina, token):
    uid = urlsafe_base64_encode(force_bytes(nina.pk))
    response = client.get(f"/account/uitnodiging/{uid}/{token}/" if token else f"/account/uitnodiging/{uid}/x/")
    assert response.status_code == 410


@pytest.mark.parametrize("uid", ["", "!!", "MTIzNDU2Nzg5", "bm90LWEtbnVtYmVy"])
def test_unknown_or_malformed_account_is_refused(client, nina, uid):
    token = uitnodigingen.make_token(gebruiker=nina)
    assert client.get(f"/account/uitnodiging/{uid or 'x'}/{token}/").status_code == 410


def test_password_form_without_a_checked_link_is_refused(client, nina):
    uid = urlsafe_base64_encode(force_bytes(nina.pk))
    assert client.get(f"/account/uitnodiging/{uid}/wachtwoord/").status_code == 410


def test_a_link_for_one_account_does_not_open_another(client, nina):
    other = Gebruiker.objects.create_user("olaf", email="olaf@example.org")
    token = uitnodigingen.make_token(gebruiker=nina)
    uid = urlsafe_base64_encode(force_bytes(other.pk))
    assert client.get(f"/account/uitnodiging/{uid}/{token}/").status_code == 410


def test_deactivated_account_cannot_use_its_link(client, nina):
    path = invite_path(nina)
    nina.is_active = False
    nina.save()
    assert client.get(path).status_code == 410


def test_a_role_that_needs_the_second_step_sets_it_up_right_after(client, nina, driehoek):
    from samenwerking.models import Rol
    from tests.factories import lid

    lid(nina, driehoek, Rol.REVIEWER)
    form_url = client.get(invite_path(nina))["Location"]
    client.post(form_url, {"new_password1": NIEUW_WACHTWOORD, "new_password2": NIEUW_WACHTWOORD})
    assert client.get("/")["Location"].startswith(reverse("account:tweestaps_instellen"))


# --- Dutch throughout ----------------------------------------------------------------------------------

def test_admin_messages_fit_every_dutch_noun(beheer_client, beheerder, driehoek):
    from samenwerking.models import Rol

    response = beheer_client.post("/beheer/samenwerking/lidmaatschap/add/", {
        "gebruiker": beheerder.pk, "driehoek": driehoek.pk, "rol": Rol.LEZER,
        "actief_van": timezone.localdate().isoformat(), "actief_tot": ""}, follow=True)
    html = response.content.decode()
    assert "(lidmaatschap) is toegevoegd." in html
    assert "De lidmaatschap" not in html and "met succes" not in html


def test_script_texts_of_the_beheer_are_dutch(beheer_client):
    catalog = beheer_client.get("/beheer/jsi18n/").content.decode()
    for dutch in ("Alle %s kiezen", "Alle %s verwijderen", "Geselecteerde %s kiezen"):
        assert dutch in catalog


def test_history_page_is_dutch_and_has_no_inline_style(beheer_client, beheerder):
    html = beheer_client.get(f"/beheer/samenwerking/gebruiker/{beheerder.pk}/history/").content.decode()
    assert "Choose a date" not in html and "Changed by" not in html
    assert "Door" in html and 'style="' not in html


def test_beheerders_dashboard_sends_her_to_the_beheer(beheer_client):
    html = beheer_client.get("/").content.decode()
    assert "Vraag de beheerder" not in html
    assert 'href="/beheer/"' in html
