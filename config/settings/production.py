"""Production: PostgreSQL, Redis + Celery, SMTP. Every secret is required; nothing insecure by default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, require

# Defaults of the dev and test settings and of `django-admin startproject`: never a production key.
WEAK_SECRET_KEY_PREFIXES = ("dev-only-", "test-only-", "django-insecure-")
# Half the characters distinct (5 per 10), but a random hex key (16 symbols) must still pass.
SECRET_KEY_MIN_DISTINCT = 12


def strong_secret_key(value: str) -> str:
    """Refuse to start with a SECRET_KEY that is short, a known default, or repetitive (sessions, CSRF and
    password reset links are only as strong as this key)."""
    reason = None
    if len(value) < 50:
        reason = "korter dan 50 tekens"
    elif value.startswith(WEAK_SECRET_KEY_PREFIXES):
        reason = "een standaardwaarde voor ontwikkeling of tests"
    elif len(set(value)) < min(len(value) // 2, SECRET_KEY_MIN_DISTINCT):
        reason = "te voorspelbaar (te weinig verschillende tekens)"
    if reason:
        raise ImproperlyConfigured(
            f"De instelling SECRET_KEY is {reason}. Zet in SECRET_KEY een willekeurige waarde van minstens 50 "
            "tekens, bijvoorbeeld uit `python -c \"import secrets; print(secrets.token_urlsafe(50))\"`."
        )
    return value


SECRET_KEY = strong_secret_key(require("SECRET_KEY"))
# The audit chain's own key: whoever learns the SECRET_KEY (sessions, signing) must not be able to rewrite the log.
AUDITLOG_SLEUTEL = require("AUDITLOG_SLEUTEL")
if len(AUDITLOG_SLEUTEL) < 32 or AUDITLOG_SLEUTEL == SECRET_KEY:
    raise ImproperlyConfigured("AUDITLOG_SLEUTEL moet ten minste 32 tekens lang zijn en verschillen van SECRET_KEY.")
DEBUG = False
ALLOWED_HOSTS = [host.strip() for host in require("DJANGO_ALLOWED_HOSTS").split(",")]
DATABASES = {"default": env.db_url_config(require("DATABASE_URL"))}
# Keep each worker's database connection between requests (a new PostgreSQL connection per request costs a
# backend process start and authentication, measured by `make bench`); checked before reuse after an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DB_POOL=N: psycopg's connection pool (N connections per process) instead of persistent connections; Django
# requires CONN_MAX_AGE 0 with a pool. Needs the psycopg_pool package, which this project does not install.
DB_POOL = env.int("DB_POOL", default=0)
if DB_POOL:
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),
                                       "pool": {"min_size": 1, "max_size": DB_POOL, "timeout": 10}}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
CELERY_BROKER_URL = require("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
# One cache shared by every worker (rate limits, refusal counters, cached diffs): Redis, by default the broker's.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": env.str("CACHE_URL", default=CELERY_BROKER_URL),
                      "KEY_PREFIX": "handhaving"}}
# Where sessions live (SESSIE_OPSLAG: db, cache or cached_db). `make bench` compares them side by side; the
# database stays the default: the session read is a few per cent of a page (README, Metingen).
SESSION_ENGINES = {"db": "django.contrib.sessions.backends.db", "cache": "django.contrib.sessions.backends.cache",
                   "cached_db": "django.contrib.sessions.backends.cached_db"}
_sessie_opslag = env.str("SESSIE_OPSLAG", default="db")
if _sessie_opslag not in SESSION_ENGINES:
    raise ImproperlyConfigured(f"SESSIE_OPSLAG moet db, cache of cached_db zijn, niet '{_sessie_opslag}'.")
SESSION_ENGINE = SESSION_ENGINES[_sessie_opslag]

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: only over HTTPS, only for this exact host, never for a (sub)domain.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
DEMO_ALLOWED = False

# SMTP from one URL, e.g. smtp+tls://user:password@mail.example.nl:587
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
