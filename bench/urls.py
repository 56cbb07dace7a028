"""Bench-only URL conf (config/settings/bench.py): the product's URLs plus the bare reference view."""

from django.http import HttpResponse
from django.urls import include, path

BARE_PATH = "bench/kaal/"


def bare(request):
    """The reference: the whole middleware stack, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(BARE_PATH, bare, name="bench_kaal"),
    path("", include("config.urls")),
]
