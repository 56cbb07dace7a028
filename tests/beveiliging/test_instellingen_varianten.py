"""The production settings' A/B flags (issue 19): each loads and gives exactly the engine or options it names."""

import json

import pytest

from .test_instellingen import SECRETS, manage

SHOW = ("from django.conf import settings as s; import json; d = s.DATABASES['default']; "
        "print(json.dumps([s.SESSION_ENGINE, d.get('OPTIONS', {}).get('pool'), d['CONN_MAX_AGE']]))")


def settings_with(**env):
    result = manage("shell", "-c", SHOW, **SECRETS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_keeps_sessions_in_the_database_and_persistent_connections_by_default():
    assert settings_with() == ["django.contrib.sessions.backends.db", None, 60]


@pytest.mark.parametrize(("opslag", "engine"), [
    ("db", "django.contrib.sessions.backends.db"),
    ("cache", "django.contrib.sessions.backends.cache"),
    ("cached_db", "django.contrib.sessions.backends.cached_db"),
])
def test_the_session_store_follows_sessie_opslag(opslag, engine):
    assert settings_with(SESSIE_OPSLAG=opslag)[0] == engine


def test_an_unknown_session_store_refuses_to_start_in_dutch():
    result = manage("check", SESSIE_OPSLAG="bestand", **SECRETS)
    assert result.returncode != 0
    assert "SESSIE_OPSLAG moet db, cache of cached_db zijn, niet 'bestand'." in result.stderr


def test_db_pool_turns_on_psycopgs_pool_and_drops_persistent_connections_as_django_requires():
    engine, pool, max_age = settings_with(DB_POOL="4", DB_CONN_MAX_AGE="60")
    assert pool == {"min_size": 1, "max_size": 4, "timeout": 10}
    assert max_age == 0
