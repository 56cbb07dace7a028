"""Settings shared by every environment, read from the environment (django-environ).

The defaults here are the safe production ones; dev and test switch conveniences on explicitly.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def require(name: str) -> str:
    """Return a mandatory setting or refuse to start, saying which one is missing."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"De instelling {name} ontbreekt. Zet {name} in de omgeving (zie .env.example); "
            "zonder deze instelling start de applicatie niet."
        )
    return value


DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "samenwerking",
    "arrangementen",
    "actiepunten",
]

MIDDLEWARE = [
    # Outermost: security headers on every response; then the health probe, before host checks and redirects.
    "samenwerking.beveiliging.SecurityHeadersMiddleware",
    "samenwerking.beveiliging.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "samenwerking.beveiliging.ApiBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samenwerking.beveiliging.SessionLifetimeMiddleware",
    # After authentication: a session of a user who needs the second step goes there first.
    "samenwerking.beveiliging.TweestapsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the second step and messages: an identical form POST within seconds replays the first redirect.
    "samenwerking.beveiliging.DoubleSubmitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Records 403s and 404s on objects of another driehoek in the security log (process_exception only).
    "samenwerking.beveiliging.WeigeringenMiddleware",
    # Last, as django-axes requires: turns a lockout during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samenwerking.context_processors.omgeving",
                "samenwerking.context_processors.overzicht",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under concurrent requests: WAL lets readers and a writer run together; IMMEDIATE
    # takes the write lock at BEGIN (a read that later writes cannot deadlock); others wait up to `timeout` s.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "samenwerking.Gebruiker"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before any password is checked.
    "samenwerking.beveiliging.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Login through the organisation's identity provider; inert unless OIDC_INGESCHAKELD.
    "samenwerking.oidc.OIDCBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "samenwerking:dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Guardian: no anonymous user row; object permissions live in direct foreign-key tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")  # tests/integration: a throwaway one
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# Private files (PDFs, keys) are never served by URL; views check permissions and stream them.
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# PDF and signing. The platform certifies each document with its own key; each party signs with the
# key of its organisation (Ondertekeningssleutel). Passphrases come from the environment or secret files.
PLATFORM_SIGNING_PKCS12 = env.str("PLATFORM_SIGNING_PKCS12", default="")
PLATFORM_SIGNING_PASSPHRASE = env.str("PLATFORM_SIGNING_PASSPHRASE", default="")  # env:NAAM or bestand:/pad
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])  # PEM files of trusted CAs
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TEST_PKI = False  # True: the PKI under var/pki is a TEST PKI, labelled as such everywhere
# The national picture (/beeld/, its API) cached on a version every relevant write replaces (arrangementen.beeldcache);
# false computes it on every request (`make bench` compares both in one run).
BEELD_CACHE = env.bool("BEELD_CACHE", default=True)
VERIFICATION_MAX_UPLOAD = env.int("VERIFICATION_MAX_UPLOAD", default=20 * 1024 * 1024)
# /verifieer/ is anonymous: limits checked before any signature is validated (arrangementen.pdf_limits), far
# above what an arrangement of this application needs (4–35 signatures, one revision per signature).
VERIFICATIE_MAX_HANDTEKENINGEN = env.int("VERIFICATIE_MAX_HANDTEKENINGEN", default=50)
VERIFICATIE_MAX_REVISIES = env.int("VERIFICATIE_MAX_REVISIES", default=100)
VERIFICATIE_MAX_OBJECTEN = env.int("VERIFICATIE_MAX_OBJECTEN", default=50_000)
VERIFICATIE_MAX_STREAM_BYTES = env.int("VERIFICATIE_MAX_STREAM_BYTES", default=16 * 1024 * 1024)  # one, decoded
VERIFICATIE_MAX_GEDECODEERD = env.int("VERIFICATIE_MAX_GEDECODEERD", default=64 * 1024 * 1024)  # all, decoded
# The verification itself runs in a child process with these bounds (arrangementen.sandbox); the wall-clock
# bound stays below gunicorn's worker timeout (30 s), the memory is on top of what the worker already maps.
VERIFICATIE_MAX_SECONDEN = env.int("VERIFICATIE_MAX_SECONDEN", default=20)
# A convenant of 31 gemeenten (34 signatures) takes some 11 s of CPU: pyHanko compares every later revision
# with each signed one, so the cost grows with the cube of the number of signatures.
VERIFICATIE_MAX_CPU_SECONDEN = env.int("VERIFICATIE_MAX_CPU_SECONDEN", default=20)
VERIFICATIE_MAX_GEHEUGEN = env.int("VERIFICATIE_MAX_GEHEUGEN_MB", default=384) * 1024 * 1024
# Uploads to /verifieer/ per client address (samenwerking.audit.client_ip) per window; over it: HTTP 429.
VERIFICATIE_MAX_PER_ADRES = env.int("VERIFICATIE_MAX_PER_ADRES", default=10)
VERIFICATIE_VENSTER_SECONDEN = env.int("VERIFICATIE_VENSTER_SECONDEN", default=600)
PDF_TASK_TIME_LIMIT = env.int("PDF_TASK_TIME_LIMIT", default=300)

SESSION_COOKIE_HTTPONLY = True
# Both enforced by samenwerking.beveiliging.SessionLifetimeMiddleware: a session ends after this much
# inactivity, and however active, this long after login (the cookie and server-side row expire then too).
SESSION_INACTIVITY_TIMEOUT = env.int("SESSIE_INACTIVITEIT_MINUTEN", default=30) * 60
SESSION_ABSOLUTE_LIFETIME = env.int("SESSIE_MAXIMUM_UREN", default=10) * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A Dutch page (JSON under /api/) instead of Django's, which names its internals and mentions DEBUG.
CSRF_FAILURE_VIEW = "samenwerking.beveiliging.csrf_failure"
# No inline scripts or styles anywhere (templates/arrangementen/pdf.html is rendered to PDF, never served).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Login throttling (django-axes): ten failures lock that username from that address only, for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_BLOKKADE_MINUTEN", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samenwerking.beveiliging.lockout_response"
AXES_CLIENT_IP_CALLABLE = "samenwerking.audit.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successes go to the security audit log; axes only keeps failures
AXES_ENABLE_ADMIN = False  # unlock with `manage.py axes_reset_username <naam>`; locks also lapse by themselves
# Reverse proxies in front of gunicorn whose X-Forwarded-For is trusted (0: use the connecting address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Key of the audit log's hash chain, never the SECRET_KEY: required in production, own defaults in dev/test.
AUDITLOG_SLEUTEL = env.str("AUDITLOG_SLEUTEL", default="")
# The previous chain key, only to verify entries written before a key change (see README).
AUDITLOG_VORIGE_SLEUTEL = env.str("AUDITLOG_VORIGE_SLEUTEL", default="")
# A signed checkpoint of the log's length every this many entries (and hourly), so a deleted tail shows.
AUDITLOG_CONTROLEPUNT_INTERVAL = env.int("AUDITLOG_CONTROLEPUNT_INTERVAL", default=100)
# Refusals (403/404, refused transitions, signing, imports) recorded per user or address and event per minute.
AUDIT_WEIGERINGEN_PER_MINUUT = env.int("AUDIT_WEIGERINGEN_PER_MINUUT", default=20)
# Two-step verification (django-otp): the issuer shown in authenticator apps; TOTP codes may be one step
# (30 s) early or late; each wrong code doubles the wait before the next attempt (1, 2, 4 … seconds).
OTP_TOTP_ISSUER = env.str("TWEESTAPS_UITGEVER", default="Handhavingsarrangementen")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Optional login through the organisation's identity provider (OpenID Connect, authorisation code flow with
# PKCE). Users are matched on the provider's `sub` (Gebruiker.oidc_sub, set by a beheerder); none are created.
OIDC_INGESCHAKELD = env.bool("OIDC_INGESCHAKELD", default=False)
OIDC_NAAM = env.str("OIDC_NAAM", default="uw organisatie")  # on the button: "Inloggen via <naam>"
OIDC_VEREIST = ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT",
                "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT")
for _name in OIDC_VEREIST:
    globals()[_name] = require(_name) if OIDC_INGESCHAKELD else env.str(_name, default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_terug"
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@handhavingsarrangementen.invalid")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: without a broker, tasks run in-process (the embedded default of `make run`).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "lidmaatschappen-bijwerken": {
        "task": "samenwerking.tasks.sync_membership_permissions",
        "schedule": crontab(hour=0, minute=5),
    },
    # Anchors the security log's length outside its table (samenwerking.audit.write_checkpoint).
    "auditlog-controlepunt": {
        "task": "samenwerking.tasks.write_audit_checkpoint",
        "schedule": crontab(minute=17),
    },
    # Hourly in office hours: reminders are claimed once per period, so later runs only retry failures.
    "actiepunten-herinneringen": {
        "task": "actiepunten.tasks.plan_reminders",
        "schedule": crontab(hour="7-18", minute=0),
    },
    # The same hours for an arrangement's evaluatie and einde: each signal once per recipient.
    "arrangementen-signaleringen": {
        "task": "arrangementen.tasks.plan_signals",
        "schedule": crontab(hour="7-18", minute=0),
    },
    # Before office hours: each arrangement's change of levensfase into its history, and its life's signals.
    "arrangementen-levensloop": {
        "task": "arrangementen.tasks.daily_lifecycle",
        "schedule": crontab(hour=6, minute=45),
    },
    # Reminders to sign: each signer once per ONDERTEKENING_HERINNERING_DAGEN until their partij has signed.
    "ondertekening-herinneringen": {
        "task": "arrangementen.tasks.plan_signing_reminders",
        "schedule": crontab(hour="7-18", minute=30),
    },
    # Notifications of transitions that failed or were never queued (broker down) are sent late, not never.
    "meldingen-opnieuw": {
        "task": "arrangementen.tasks.resend_notifications",
        "schedule": crontab(minute="*/15"),
    },
}
# Days before datum gereed that the eigenaar of an actiepunt is reminded (and "binnenkort" starts).
ACTIEPUNT_HERINNERING_DAGEN = env.int("ACTIEPUNT_HERINNERING_DAGEN", default=7)
# Days after "uw beurt om te tekenen" (and after each reminder) that a signer who has not signed is reminded.
ONDERTEKENING_HERINNERING_DAGEN = env.int("ONDERTEKENING_HERINNERING_DAGEN", default=3)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Own tokens (samenwerking.api_tokens): stored hashed, expiring, issued after a fresh second step.
        "samenwerking.api_tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "samenwerking.apibasis.Paginering",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "samenwerking.apibasis.exception_handler",
}
# API tokens: validity when none is chosen, and the longest allowed (days).
API_TOKEN_GELDIGHEID_DAGEN = env.int("API_TOKEN_GELDIGHEID_DAGEN", default=90)
API_TOKEN_MAXIMUM_DAGEN = env.int("API_TOKEN_MAXIMUM_DAGEN", default=365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Handhavingsarrangementen API",
    "DESCRIPTION": "Driehoeken en handhavingsarrangementen, met dezelfde afscherming per driehoek als de site.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Public on purpose (README, API): the contract only, the same for every visitor, never any data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_PUBLIC": True,
}

# Action-list import (actiepunten.importeren): what one upload may make the server read, before and while parsing.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2 * 1024 * 1024)  # the uploaded file
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=2000)  # actiepunten, the header row not counted
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=30)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=5000)
IMPORT_MAX_LINE_CHARS = env.int("IMPORT_MAX_LINE_CHARS", default=100_000)  # one line of a CSV file
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=20 * 1024 * 1024)  # XLSX unzipped
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)  # per part above 1 MB
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=200)
IMPORT_MAX_XML_ELEMENTS = env.int("IMPORT_MAX_XML_ELEMENTS", default=400_000)  # all XML parts of an XLSX together

# Demo users are a development convenience; production never creates them.
DEMO_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "samenwerking.logboek.JsonFormatter"},
    },
    # Structured (one JSON object per line) to stdout by default; LOG_FORMAT=plain for reading by eye.
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": env.str("LOG_FORMAT", default="json")}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
