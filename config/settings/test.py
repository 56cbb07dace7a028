"""Fast test settings. `make test` points DATABASE_URL and CELERY_BROKER_URL at throwaway servers."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, env

SECRET_KEY = "test-only-" + "y" * 40
AUDITLOG_SLEUTEL = "test-only-auditlog-" + "z" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Generated PDFs and keys of a test run go to a throwaway folder, never into var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="handhaving-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks in-process; tests/integration starts a real worker on the broker instead.
CELERY_TASK_ALWAYS_EAGER = True
INTEGRATION_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Under pytest-xdist every test process gets its own Redis database, so a worker started by one process never
# takes a task published by another (which works on another test database).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if INTEGRATION_BROKER_URL and _XDIST_WORKER.startswith("gw"):
    INTEGRATION_BROKER_URL = f"{INTEGRATION_BROKER_URL.rsplit('/', 1)[0]}/{int(_XDIST_WORKER[2:]) + 1}"
    CELERY_BROKER_URL = INTEGRATION_BROKER_URL
    # Celery reads its broker from this variable before any setting.
    os.environ["CELERY_BROKER_URL"] = INTEGRATION_BROKER_URL
DEMO_ALLOWED = True
# runserver and the test live server serve static files themselves; whitenoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]
LOGGING["handlers"]["console"]["formatter"] = "plain"
