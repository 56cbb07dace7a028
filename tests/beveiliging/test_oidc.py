"""Login through an organisation's identity provider: a real OpenID Connect provider on loopback (authorisation
code flow with PKCE, RS256 id tokens, JWKS, userinfo), users matched on `sub`, everything else refused."""

import base64
import hashlib
import json
import secrets
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from django.urls import reverse

from samenwerking.models import Auditregel, Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid
from .test_instellingen import SECRETS, manage

CLIENT_ID, CLIENT_SECRET = "handhaving-test", "geheim-van-de-test-client"


class Provider:
    """A small identity provider: issues one code per authorisation, checks client, code and PKCE verifier."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "sleutel-1"
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}
        self.userinfo_sub: str | None = None  # to make userinfo disagree with the id token
        self.sign_with = self.key
        self.url = ""

    def authorise(self, authorise_url: str, sub: str) -> tuple[str, str]:
        """What the provider does after the user logged in there: a code for the redirect back."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorise_url).query).items()}
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256" and query["scope"] == "openid"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"sub": sub, "nonce": query["nonce"], "challenge": query["code_challenge"],
                            "redirect_uri": query["redirect_uri"]}
        return code, query["state"]

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()

        def b64(n: int) -> str:
            return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()

        return {"keys": [{"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                          "n": b64(numbers.n), "e": b64(numbers.e)}]}

    def token(self, form: dict) -> tuple[int, dict]:
        grant = self.codes.pop(form.get("code", ""), None)
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET or grant is None:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        id_token = jwt.encode({"iss": self.url, "aud": CLIENT_ID, "sub": grant["sub"], "nonce": grant["nonce"],
                               "iat": now, "exp": now + 300}, self.sign_with, algorithm="RS256",
                              headers={"kid": self.kid})
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["sub"]
        return 200, {"access_token": access, "token_type": "Bearer", "id_token": id_token, "expires_in": 300}


@contextmanager
def running_provider():
    provider = Provider()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            if self.path == "/jwks":
                return self._send(200, provider.jwks())
            if self.path == "/userinfo":
                access = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if access not in provider.tokens:
                    return self._send(401, {"error": "invalid_token"})
                return self._send(200, {"sub": provider.userinfo_sub or provider.tokens[access]})
            return self._send(404, {})

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path == "/token":
                return self._send(*provider.token(form))
            return self._send(404, {})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with override_settings(
            OIDC_INGESCHAKELD=True, OIDC_NAAM="Politie-IdP", OIDC_RP_CLIENT_ID=CLIENT_ID,
            OIDC_RP_CLIENT_SECRET=CLIENT_SECRET, OIDC_OP_AUTHORIZATION_ENDPOINT=f"{provider.url}/authorize",
            OIDC_OP_TOKEN_ENDPOINT=f"{provider.url}/token", OIDC_OP_USER_ENDPOINT=f"{provider.url}/userinfo",
            OIDC_OP_JWKS_ENDPOINT=f"{provider.url}/jwks",
        ):
            yield provider
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def provider(db):
    with running_provider() as running:
        yield running


def login_via_provider(client, provider, sub, next_url="/arrangementen/"):
    start = client.get(reverse("oidc_start"), {"next": next_url})
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/authorize?")
    code, state = provider.authorise(start["Location"], sub)
    return client.get(reverse("oidc_terug"), {"code": code, "state": state})


def test_the_login_page_offers_the_provider(client, provider):
    html = client.get(reverse("login") + "?next=/actiepunten/").content.decode()
    assert "Inloggen via Politie-IdP" in html
    assert 'href="/oidc/inloggen/?next=%2Factiepunten%2F"' in html


def test_a_user_is_matched_on_sub_and_logged_in(client, provider):
    user = GebruikerFactory(oidc_sub="idp-7f3a", email="zelfde@example.invalid")
    lid(user, DriehoekFactory(), Rol.COORDINATOR)
    response = login_via_provider(client, provider, "idp-7f3a")
    assert response.status_code == 302 and response["Location"] == "/arrangementen/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/arrangementen/").status_code == 200
    regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.INLOGGEN).first()
    assert (regel.gebruiker_id, regel.details) == (user.pk, {"methode": "oidc"})


def test_the_second_step_still_follows_for_roles_that_need_it(client, provider):
    user = GebruikerFactory(oidc_sub="idp-teamchef")
    lid(user, DriehoekFactory(), Rol.REVIEWER)
    response = login_via_provider(client, provider, "idp-teamchef")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith("/account/tweestapsverificatie/instellen/")


def test_an_unknown_sub_is_refused_and_no_account_is_made(client, provider):
    GebruikerFactory(oidc_sub="idp-iemand", email="iemand@example.invalid")
    from samenwerking.models import Gebruiker

    count = Gebruiker.objects.count()
    response = login_via_provider(client, provider, "idp-onbekend")
    assert response["Location"] == "/inloggen/?oidc=mislukt"
    assert "_auth_user_id" not in client.session
    assert Gebruiker.objects.count() == count
    page = client.get(response["Location"]).content.decode()
    assert "Inloggen via Politie-IdP is niet gelukt." in page
    regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.INLOGGEN_MISLUKT).first()
    assert regel.details["methode"] == "oidc" and regel.details["sub"] == "idp-onbekend"


def test_a_disabled_account_is_refused(client, provider):
    GebruikerFactory(oidc_sub="idp-uit", is_active=False)
    response = login_via_provider(client, provider, "idp-uit")
    assert response["Location"] == "/inloggen/?oidc=mislukt"
    assert "_auth_user_id" not in client.session


def test_a_token_signed_by_another_key_is_refused(client, provider):
    GebruikerFactory(oidc_sub="idp-7f3a")
    provider.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = login_via_provider(client, provider, "idp-7f3a")
    assert response["Location"] == "/inloggen/?oidc=mislukt"
    assert "_auth_user_id" not in client.session


def test_userinfo_about_someone_else_is_refused(client, provider):
    GebruikerFactory(oidc_sub="idp-7f3a")
    GebruikerFactory(oidc_sub="idp-ander")
    provider.userinfo_sub = "idp-ander"
    response = login_via_provider(client, provider, "idp-7f3a")
    assert response["Location"] == "/inloggen/?oidc=mislukt"
    assert "_auth_user_id" not in client.session


def test_a_replayed_or_forged_callback_is_refused(client, provider):
    GebruikerFactory(oidc_sub="idp-7f3a")
    start = client.get(reverse("oidc_start"))
    code, state = provider.authorise(start["Location"], "idp-7f3a")
    assert client.get(reverse("oidc_terug"), {"code": code, "state": "verzonnen"})["Location"] == (
        "/inloggen/?oidc=mislukt")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("oidc_terug"), {"code": "verzonnen", "state": state})["Location"] == (
        "/inloggen/?oidc=mislukt")
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_is_a_message_not_an_error_page(client, provider):
    GebruikerFactory(oidc_sub="idp-7f3a")
    start = client.get(reverse("oidc_start"))
    code, state = provider.authorise(start["Location"], "idp-7f3a")
    with override_settings(OIDC_OP_TOKEN_ENDPOINT="http://127.0.0.1:9/token"):
        response = client.get(reverse("oidc_terug"), {"code": code, "state": state})
    assert response["Location"] == "/inloggen/?oidc=mislukt"


def test_switched_off_the_routes_do_not_exist(client, db):
    assert client.get(reverse("oidc_start")).status_code == 404
    assert client.get(reverse("oidc_terug"), {"code": "x", "state": "y"}).status_code == 404
    assert "Inloggen via" not in client.get(reverse("login")).content.decode()


def test_switched_on_without_its_settings_the_process_refuses_to_start_and_names_them():
    result = manage("check", **SECRETS, OIDC_INGESCHAKELD="true")
    assert result.returncode != 0
    assert "De instelling OIDC_RP_CLIENT_ID ontbreekt" in result.stderr
