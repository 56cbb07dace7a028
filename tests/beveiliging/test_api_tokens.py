"""API tokens: only for oneself after a fresh second step, or by a beheerder for a system account that can never
review, adopt or sign; the key shown once and stored only as a hash; expiry, revocation and every use on record."""

import datetime
import hashlib
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arrangementen import bibliotheek, documenten, workflow
from arrangementen import services as arrangement_services
from arrangementen.models import Document, Status
from samenwerking import api_tokens, rollen
from samenwerking.models import ApiToken, Auditregel, DriehoekGebruikerRecht, Organisatie, Rol
from samenwerking.permissions_setup import ensure_beheer_group
from samenwerking.toegang import permissions_on

from ..factories import (
    TEST_PASSWORD,
    DriehoekFactory,
    GebruikerFactory,
    OrganisatieFactory,
    approve_for_all,
    lid,
)
from ..mfa import code_for

G = Auditregel.Gebeurtenis
R = Auditregel.Resultaat
TOKENS = "/account/api-tokens/"
ADMIN_ADD = "/beheer/samenwerking/apitoken/add/"
API = "/api/v1/arrangementen/"


def last(gebeurtenis):
    return Auditregel.objects.filter(gebeurtenis=gebeurtenis).order_by("-id").first()


def stored_anywhere(secret: str) -> list[str]:
    """Every text or JSON column of every model that holds `secret` (the admin log and history included)."""
    def holds(manager, field) -> bool:
        if isinstance(field, models.JSONField):
            return any(secret in json.dumps(value) for value in manager.values_list(field.attname, flat=True))
        if isinstance(field, models.CharField | models.TextField):
            return manager.filter(**{f"{field.attname}__contains": secret}).exists()
        return False

    return [f"{model._meta.label}.{field.name}" for model in apps.get_models()
            for field in model._meta.concrete_fields if holds(model._base_manager, field)]


def token_client(key: str, keyword: str = "Token") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


@pytest.fixture
def beheerder(db):
    user = GebruikerFactory(username="beheerder", is_staff=True)
    user.groups.add(ensure_beheer_group())
    return user


@pytest.fixture
def systeem(db):
    return GebruikerFactory(username="koppeling-rms", is_systeemaccount=True)


@pytest.fixture
def wereld(db):
    """A driehoek with an arrangement submitted for review, the officier (reviewer, secretaris and signatory) and
    a system account holding the same three roles."""
    bibliotheek.load_library()
    driehoek = DriehoekFactory()
    OrganisatieFactory(naam="Gemeente Tokenstad", soort=Organisatie.Soort.GEMEENTE,
                       gemeente=driehoek.gemeenten.first())
    coordinator = GebruikerFactory(username="coordinator")
    lid(coordinator, driehoek, Rol.COORDINATOR)
    officier = GebruikerFactory(username="officier")
    systeem = GebruikerFactory(username="koppeling", is_systeemaccount=True)
    for user in (officier, systeem):
        for rol in (Rol.REVIEWER, Rol.SECRETARIS, Rol.ONDERTEKENAAR):
            lid(user, driehoek, rol)
    arrangement = arrangement_services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Tokens",
                                                          start="model")
    # The officier approves for one party (review per party): here the gemeente's.
    officier.organisatie = Organisatie.objects.get(naam="Gemeente Tokenstad")
    officier.save(update_fields=["organisatie"])
    workflow.perform(arrangement=arrangement, action="indienen", user=coordinator)
    return {"driehoek": driehoek, "officier": officier, "systeem": systeem, "arrangement": arrangement}


def _status(arrangement):
    arrangement.refresh_from_db()
    return arrangement.status


# --- a beheerder ---------------------------------------------------------------------------------------------

def test_a_beheerder_cannot_make_a_token_for_a_person(client, beheerder, wereld):
    client.force_login(beheerder)
    # DRF's token admin is gone.
    assert client.get("/beheer/authtoken/tokenproxy/add/").status_code == 404
    assert client.post("/beheer/authtoken/tokenproxy/add/", {"user": wereld["officier"].pk}).status_code == 404
    # A forged POST naming the officier in the own token admin is refused: only system accounts are offered.
    response = client.post(ADMIN_ADD, {"gebruiker": wereld["officier"].pk, "naam": "Namens de OvJ", "dagen": 90})
    assert response.status_code == 200
    assert "gebruiker" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()
    assert last(G.API_TOKEN_AANGEMAAKT) is None
    # And the service itself refuses, whoever calls it.
    with pytest.raises(PermissionDenied):
        api_tokens.create_token(gebruiker=wereld["officier"], door=beheerder, naam="Namens de OvJ")
    assert not ApiToken.objects.exists()


def test_a_beheerder_sets_the_system_flag_only_when_making_an_account(client, beheerder, wereld):
    client.force_login(beheerder)
    add = client.get(reverse("admin:samenwerking_gebruiker_add"))
    assert "is_systeemaccount" in add.context["adminform"].form.fields
    # On an existing account it cannot be switched: not to give a person's account a token, nor back.
    change = client.get(reverse("admin:samenwerking_gebruiker_change", args=[wereld["officier"].pk]))
    assert "is_systeemaccount" not in change.context["adminform"].form.fields
    assert "is_systeemaccount" in change.context["adminform"].readonly_fields


def test_a_beheerder_makes_a_token_for_a_system_account_and_sees_the_key_once(client, beheerder, systeem):
    client.force_login(beheerder)
    response = client.post(ADMIN_ADD, {"gebruiker": systeem.pk, "naam": "Koppeling RMS", "dagen": 30})
    assert response.status_code == 200
    key = response.context["sleutel"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.gebruiker, token.aangemaakt_door, token.naam) == (systeem, beheerder, "Koppeling RMS")
    assert token.sleutel_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix)
    assert 29 <= (token.verloopt_op - timezone.now()).days <= 30
    # Stored nowhere: not in the token, its history, the admin log or the security log.
    secret = key.removeprefix(token.prefix)
    assert stored_anywhere(secret) == []
    entry = LogEntry.objects.get(object_id=str(token.pk))
    assert secret not in entry.object_repr and secret not in entry.change_message
    regel = last(G.API_TOKEN_AANGEMAAKT)
    assert (regel.gebruiker_id, regel.object_id, regel.details["voor"], regel.details["systeemaccount"]) == (
        beheerder.pk, str(token.pk), "koppeling-rms", True)
    # Never again: not on the list, not on the token's page.
    assert secret not in client.get("/beheer/samenwerking/apitoken/").content.decode()
    assert secret not in client.get(f"/beheer/samenwerking/apitoken/{token.pk}/change/").content.decode()
    # The key works for the system account.
    assert token_client(key).get("/api/v1/driehoeken/").status_code == 200


def test_a_token_longer_than_the_maximum_is_refused_in_dutch(client, beheerder, systeem, settings):
    settings.API_TOKEN_MAXIMUM_DAGEN = 365
    client.force_login(beheerder)
    response = client.post(ADMIN_ADD, {"gebruiker": systeem.pk, "naam": "Eeuwig", "dagen": 100_000})
    assert response.status_code == 200
    assert "365" in " ".join(response.context["adminform"].form.errors["dagen"])
    assert not ApiToken.objects.exists()


def test_a_beheerder_revokes_any_token_in_the_beheer(client, beheerder, systeem):
    token, key = api_tokens.create_token(gebruiker=systeem, door=beheerder, naam="RMS")
    client.force_login(beheerder)
    response = client.post("/beheer/samenwerking/apitoken/", {"action": "revoke_tokens",
                                                               "_selected_action": [token.pk]}, follow=True)
    assert "1 API-token ingetrokken." in response.content.decode()
    token.refresh_from_db()
    assert token.ingetrokken_op is not None
    regel = last(G.API_TOKEN_INGETROKKEN)
    assert (regel.gebruiker_id, regel.details["van"]) == (beheerder.pk, "koppeling-rms")
    assert client.post(f"/beheer/samenwerking/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


# --- a system account never reviews, adopts or signs ---------------------------------------------------------

def test_a_system_account_token_cannot_approve_but_the_officier_can(wereld, beheerder):
    arrangement = wereld["arrangement"]
    _token, key = api_tokens.create_token(gebruiker=wereld["systeem"], door=beheerder, naam="RMS")
    response = token_client(key).post(f"{API}{arrangement.pk}/transitie/", {"actie": "goedkeuren"}, format="json")
    assert response.status_code == 403
    assert "Goedkeuren" in response.json()["detail"]
    assert _status(arrangement) == Status.TER_REVIEW
    # The same roles held by a person do approve: the refusal is the system account's.
    _token, own = api_tokens.create_token(gebruiker=wereld["officier"], door=wereld["officier"], naam="Eigen")
    approve_for_all(arrangement, behalve=wereld["officier"].organisatie)  # the other parties approved already
    response = token_client(own).post(f"{API}{arrangement.pk}/transitie/", {"actie": "goedkeuren"}, format="json")
    assert response.status_code == 200
    assert _status(arrangement) == Status.GOEDGEKEURD


def test_a_system_account_token_cannot_adopt(wereld, beheerder):
    arrangement = wereld["arrangement"]
    approve_for_all(arrangement)
    _token, key = api_tokens.create_token(gebruiker=wereld["systeem"], door=beheerder, naam="RMS")
    response = token_client(key).post(f"{API}{arrangement.pk}/transitie/", {
        "actie": "vaststellen", "vastgesteld_op": timezone.localdate().isoformat(),
        "besluit_referentie": "Driehoek 12"}, format="json")
    assert response.status_code == 403
    assert _status(arrangement) == Status.GOEDGEKEURD


def test_a_system_account_gets_no_review_adopt_or_sign_rights_even_from_a_stale_row(wereld):
    systeem, driehoek = wereld["systeem"], wereld["driehoek"]
    held = set(DriehoekGebruikerRecht.objects.filter(user=systeem, content_object=driehoek)
               .values_list("permission__codename", flat=True))
    assert held == {rollen.VIEW, rollen.EXPORT, rollen.MANAGE_OVERLEG, rollen.MANAGE_ACTIEPUNTEN}
    # A row written before the mapping knew better still grants nothing.
    from guardian.shortcuts import assign_perm

    assign_perm(f"samenwerking.{rollen.SIGN}", systeem, driehoek)
    assert not permissions_on(systeem, driehoek) & rollen.NOT_FOR_SYSTEM_ACCOUNTS
    assert rollen.SIGN in permissions_on(wereld["officier"], driehoek)


def test_the_signing_service_refuses_a_system_account(wereld):
    arrangement = wereld["arrangement"]
    document = Document.objects.create(arrangement=arrangement, referentie="TOKEN-1",
                                       aangevraagd_door=wereld["officier"], status=Document.Status.GEREED)
    with pytest.raises(PermissionDenied):
        documenten.sign_document(document=document, partij=arrangement.partijen.first(), user=wereld["systeem"],
                                 password=TEST_PASSWORD, code="000000")


# --- a user's own token ----------------------------------------------------------------------------------------

@pytest.fixture
def reviewer(db):
    user = GebruikerFactory(username="oe")
    lid(user, DriehoekFactory(), Rol.REVIEWER)
    return user


def test_own_token_needs_the_password_and_a_fresh_code_even_in_a_verified_session(client, reviewer):
    client.force_login(reviewer)  # verified session
    page = client.get(TOKENS)
    assert page.status_code == 200
    for data, veld, melding in [
        ({"naam": "Script", "dagen": 30}, "wachtwoord", "Dit veld is vereist."),
        ({"naam": "Script", "dagen": 30, "wachtwoord": "fout", "verificatiecode": "123456"}, "wachtwoord",
         "Het wachtwoord klopt niet."),
        ({"naam": "Script", "dagen": 30, "wachtwoord": TEST_PASSWORD, "verificatiecode": "000000"},
         "verificatiecode", "Deze code klopt niet"),
    ]:
        response = client.post(TOKENS, data)
        assert response.status_code == 200
        assert "sleutel" not in response.context
        assert any(melding in error for error in response.context["form"].errors[veld]), veld
    assert not ApiToken.objects.exists()
    regels = Auditregel.objects.filter(gebeurtenis=G.API_TOKEN_AANGEMAAKT)
    assert list(regels.values_list("resultaat", flat=True)) == [R.GEWEIGERD, R.GEWEIGERD]


def test_own_token_key_is_shown_once_and_only_its_hash_is_stored(client, reviewer):
    client.force_login(reviewer)
    response = client.post(TOKENS, {"naam": "Mijn script", "dagen": 30, "wachtwoord": TEST_PASSWORD,
                                    "verificatiecode": code_for(reviewer)})
    assert response.status_code == 200
    key = response.context["sleutel"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.gebruiker, token.aangemaakt_door) == (reviewer, reviewer)
    assert token.sleutel_hash == hashlib.sha256(key.encode()).hexdigest()
    secret = key.removeprefix(token.prefix)
    assert len(secret) >= 43
    assert stored_anywhere(secret) == []
    assert "samenwerking.ApiToken.prefix" in stored_anywhere(token.prefix)  # the scan does find what is stored
    assert not LogEntry.objects.filter(object_repr__contains=secret).exists()
    regel = last(G.API_TOKEN_AANGEMAAKT)
    assert (regel.resultaat, regel.gebruiker_id, regel.details["prefix"]) == (R.GELUKT, reviewer.pk, token.prefix)
    again = client.get(TOKENS).content.decode()
    assert "Mijn script" in again and token.prefix in again and secret not in again


def test_without_an_app_there_is_no_token(client, db):
    lezer = GebruikerFactory(username="lezer")
    lid(lezer, DriehoekFactory(), Rol.LEZER)
    client.force_login(lezer)
    response = client.post(TOKENS, {"naam": "Script", "dagen": 30, "wachtwoord": TEST_PASSWORD,
                                    "verificatiecode": "123456"})
    assert response.status_code == 200
    assert "Stel eerst tweestapsverificatie in" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_validity_beyond_the_maximum_is_refused(client, reviewer, settings):
    settings.API_TOKEN_MAXIMUM_DAGEN = 365
    client.force_login(reviewer)
    response = client.post(TOKENS, {"naam": "Lang", "dagen": 366, "wachtwoord": TEST_PASSWORD,
                                    "verificatiecode": "123456"})
    assert "365" in " ".join(response.context["form"].errors["dagen"])
    assert not ApiToken.objects.exists()


def test_the_token_list_costs_the_same_queries_for_one_and_many_tokens(client, reviewer):
    client.force_login(reviewer)
    api_tokens.create_token(gebruiker=reviewer, door=reviewer, naam="Eerste")
    client.get(TOKENS)
    from django.db import connection

    with CaptureQueriesContext(connection) as one:
        assert client.get(TOKENS).status_code == 200
    for i in range(6):
        api_tokens.create_token(gebruiker=reviewer, door=reviewer, naam=f"Token {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(TOKENS).status_code == 200
    assert len(many) == len(one)


# --- using, expiring and revoking --------------------------------------------------------------------------------

def test_use_is_logged_once_per_hour_with_the_uses_in_between(reviewer):
    token, key = api_tokens.create_token(gebruiker=reviewer, door=reviewer, naam="Script")
    client = token_client(key)
    for _ in range(3):
        assert client.get("/api/v1/driehoeken/").status_code == 200
    regels = Auditregel.objects.filter(gebeurtenis=G.API_TOKEN_GEBRUIKT)
    assert regels.count() == 1
    regel = regels.get()
    assert (regel.resultaat, regel.gebruiker_id, regel.object_id, regel.details["pad"]) == (
        R.GELUKT, reviewer.pk, str(token.pk), "/api/v1/driehoeken/")
    token.refresh_from_db()
    assert token.laatst_gebruikt is not None
    cache.delete(f"apitoken:gebruik:gelogd:{token.pk}")  # an hour later
    assert token_client(key, "Bearer").get("/api/v1/driehoeken/").status_code == 200
    assert regels.count() == 2
    assert last(G.API_TOKEN_GEBRUIKT).details["gebruikt_sinds_vorige_regel"] == 3


@pytest.mark.parametrize(("maak_ongeldig", "melding"), [
    (lambda token: ApiToken.objects.filter(pk=token.pk).update(
        verloopt_op=timezone.now() - datetime.timedelta(seconds=1)), "Deze API-token is verlopen."),
    (lambda token: api_tokens.revoke_token(token=token, door=token.gebruiker), "Deze API-token is ingetrokken."),
    (lambda token: type(token.gebruiker).objects.filter(pk=token.gebruiker_id).update(is_active=False),
     "Het account van deze API-token is niet actief."),
], ids=["verlopen", "ingetrokken", "inactief"])
def test_an_expired_revoked_or_inactive_token_is_refused_in_dutch_json(reviewer, maak_ongeldig, melding):
    token, key = api_tokens.create_token(gebruiker=reviewer, door=reviewer, naam="Script")
    maak_ongeldig(token)
    response = token_client(key).get(API)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith(melding)
    regel = last(G.API_TOKEN_GEBRUIKT)
    assert (regel.resultaat, regel.gebruiker_id, regel.object_id) == (R.GEWEIGERD, reviewer.pk, str(token.pk))


@pytest.mark.parametrize("header", ["Token", "Token a b", "Bearer " + "x" * 500, "Token ongeldig\u00e9"])
def test_a_malformed_or_unknown_token_is_refused_in_dutch(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(API)
    assert response.status_code in (401, 403)
    detail = response.json()["detail"]
    assert detail in ("Ongeldige token.", "Ongeldige tokenkop: zet na 'Token' één sleutel, zonder spaties.")


def test_a_user_revokes_an_own_token_and_not_another_users(client, reviewer):
    token, key = api_tokens.create_token(gebruiker=reviewer, door=reviewer, naam="Script")
    ander = GebruikerFactory(username="ander")
    other, other_key = api_tokens.create_token(gebruiker=ander, door=ander, naam="Van een ander")
    client.force_login(reviewer)
    assert client.post(reverse("account:api_token_intrekken", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.ingetrokken_op is None
    response = client.post(reverse("account:api_token_intrekken", args=[token.pk]), follow=True)
    assert "De API-token &#x27;Script&#x27; is ingetrokken" in response.content.decode()
    token.refresh_from_db()
    assert token.ingetrokken_op is not None
    regel = last(G.API_TOKEN_INGETROKKEN)
    assert (regel.gebruiker_id, regel.object_id) == (reviewer.pk, str(token.pk))
    assert token_client(key).get(API).json()["detail"].startswith("Deze API-token is ingetrokken.")
    assert token_client(other_key).get(API).status_code == 200
