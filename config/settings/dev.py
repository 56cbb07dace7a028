"""The embedded default of `make run`: SQLite under var/, tasks in-process, console e-mail."""

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, PRIVATE_STORAGE, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-niet-voor-productie-" + "x" * 32)
AUDITLOG_SLEUTEL = env.str("AUDITLOG_SLEUTEL", default="dev-only-auditlog-niet-voor-productie-" + "a" * 32)
# Logs of an earlier `make run` were chained with a key derived from SECRET_KEY; they keep verifying.
AUDITLOG_VORIGE_SLEUTEL = env.str("AUDITLOG_VORIGE_SLEUTEL", default=f"auditlog:{SECRET_KEY}")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_ALLOWED = True
# The cache here is per process (no CACHES: local memory): a `manage.py` command writing beside runserver could not
# reach runserver's cached national picture, so it is computed every time (arrangementen.beeldcache).
BEELD_CACHE = env.bool("BEELD_CACHE", default=False)
# runserver and the test live server serve static files themselves; whitenoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]

# The embedded default signs with a TEST PKI that `manage.py demo` creates under var/pki.
PLATFORM_SIGNING_PKCS12 = env.str("PLATFORM_SIGNING_PKCS12", default=str(VAR_DIR / "pki" / "platform.p12"))
PLATFORM_SIGNING_PASSPHRASE = env.str("PLATFORM_SIGNING_PASSPHRASE",
                                      default="bestand:" + str(VAR_DIR / "pki" / "wachtwoord.txt"))
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[str(VAR_DIR / "pki" / "test-ca.pem")])
SIGNING_TEST_PKI = True
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="plain")
