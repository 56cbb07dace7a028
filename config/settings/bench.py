"""`make bench`: the production settings, unchanged except for what a loopback benchmark needs.

- ROOT_URLCONF: bench/urls.py, which is config.urls plus the bare reference view (so the product's URL conf,
  and the permission matrix generated from it, stay as they are).
- STATIC_ROOT: a throwaway directory for collectstatic (production serves the manifest from it through whitenoise).

HTTPS stays as in production: the load generator sends `X-Forwarded-Proto: https`, the header production trusts
from its TLS-terminating proxy, so SECURE_SSL_REDIRECT, secure cookies and HSTS behave exactly as behind that proxy.
"""

from .production import *  # noqa: F403
from .production import STATIC_ROOT, env

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = env.path("BENCH_STATIC_ROOT", default=STATIC_ROOT)
