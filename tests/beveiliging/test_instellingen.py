"""Production settings: the deployment checklist, required secrets, session lifetimes, health endpoint."""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from samenwerking.beveiliging import LAST_SEEN, LOGIN_STARTED

from ..factories import GebruikerFactory

ROOT = Path(__file__).resolve().parent.parent.parent
SECRETS = {
    "SECRET_KEY": "Zq8!vR2#kLm9@tY4$wXe7%pN3^bH6&jU1*cF5(dG0)sA-oI_" + "r" * 20,
    "AUDITLOG_SLEUTEL": "Kp4!nW8#tQ2@vX6$" + "s" * 24,
    "DJANGO_ALLOWED_HOSTS": "arrangementen.example.nl",
    "DATABASE_URL": "postgres://u@127.0.0.1:1/db",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in SECRETS}
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_with_production_settings_gives_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **SECRETS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", list(SECRETS))
def test_production_without_a_secret_refuses_to_start_and_names_it(missing):
    result = manage("check", **{k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0
    assert f"De instelling {missing} ontbreekt" in result.stderr


@pytest.mark.parametrize("sleutel", ["te-kort-" + "x" * 20, SECRETS["SECRET_KEY"]])
def test_production_refuses_a_short_audit_key_or_the_secret_key(sleutel):
    result = manage("check", **{**SECRETS, "AUDITLOG_SLEUTEL": sleutel})
    assert result.returncode != 0
    assert "AUDITLOG_SLEUTEL moet ten minste 32 tekens lang zijn en verschillen van SECRET_KEY" in result.stderr


def test_production_settings_are_hardened():
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_NAME, "
            "s.SESSION_INACTIVITY_TIMEOUT, s.SESSION_ABSOLUTE_LIFETIME, 'whitenoise.middleware.WhiteNoiseMiddleware' "
            "in s.MIDDLEWARE, s.LOGGING['handlers']['console']['formatter'])")
    result = manage("shell", "-c", code, **SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "False", "True", "True", "True", "31536000", "True", "__Host-sessionid", "1800", "36000", "True", "json"]


def test_session_inactivity_timeout_is_configurable():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.SESSION_INACTIVITY_TIMEOUT)",
                    SESSIE_INACTIVITEIT_MINUTEN="15", **SECRETS)
    assert result.stdout.splitlines()[-1] == "900", result.stderr


def test_health_endpoint_answers_any_host_without_redirect(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["arrangementen.example.nl"]
    response = client.get("/gezondheid/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Security-Policy"]


def test_other_pages_still_refuse_unknown_hosts(db, client, settings):
    settings.ALLOWED_HOSTS = ["arrangementen.example.nl"]
    assert client.get(reverse("login"), HTTP_HOST="evil.example").status_code == 400


def _logged_in(client, **session):
    user = GebruikerFactory()
    client.force_login(user)
    s = client.session
    s.update(session)
    s.save()
    return user


def test_session_ends_after_inactivity(db, client, settings):
    settings.SESSION_INACTIVITY_TIMEOUT = 30 * 60
    _logged_in(client, **{LAST_SEEN: time.time() - 31 * 60})
    response = client.get(reverse("samenwerking:dashboard"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_active_session_ends_after_its_absolute_lifetime(db, client, settings):
    settings.SESSION_ABSOLUTE_LIFETIME = 10 * 3600
    _logged_in(client, **{LOGIN_STARTED: time.time() - 10 * 3600 - 1, LAST_SEEN: time.time() - 5})
    response = client.get(reverse("samenwerking:dashboard"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_recently_active_session_continues(db, client):
    _logged_in(client, **{LOGIN_STARTED: time.time() - 3600, LAST_SEEN: time.time() - 29 * 60})
    assert client.get(reverse("samenwerking:dashboard")).status_code == 200


def test_disabled_account_loses_its_session_at_once(db, client):
    user = _logged_in(client)
    assert client.get(reverse("samenwerking:dashboard")).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(reverse("samenwerking:dashboard"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_post_without_csrf_token_is_refused(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    GebruikerFactory(username="csrf-test")
    response = client.post(reverse("login"), {"username": "csrf-test", "password": "x"})
    assert response.status_code == 403


def test_env_example_documents_every_setting_read_from_the_environment():
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r'(?:env(?:\.\w+)?|require)\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names, "no settings found: the pattern is wrong"
    assert not names - documented, f"not in .env.example: {sorted(names - documented)}"


@pytest.mark.parametrize("key", [
    "kort-maar-willekeurig-Zq8!vR2#kLm9",  # shorter than 50
    "k" * 60,  # one character
    "abcd" * 20,  # four distinct characters
    "django-insecure-" + "Zq8!vR2#kLm9@tY4$wXe7%pN3^bH6&jU1*cF5(dG0)sA",  # startproject's placeholder
    "dev-only-niet-voor-productie-" + "x" * 32,  # the dev default
    "test-only-" + "y" * 40,  # the test default
])
def test_production_refuses_a_weak_secret_key_in_dutch(key):
    result = manage("check", **{**SECRETS, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured: De instelling SECRET_KEY is " in result.stderr
    assert key not in result.stderr  # the key itself is never printed


def test_production_accepts_a_generated_secret_key():
    for key in (secrets.token_urlsafe(50), secrets.token_hex(32)):
        result = manage("check", **{**SECRETS, "SECRET_KEY": key})
        assert result.returncode == 0, result.stderr
