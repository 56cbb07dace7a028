"""Logging in has one receiver in samenwerking (samenwerking.signals), which keeps the order of its effects."""

from django.contrib.auth.signals import user_logged_in
from django.urls import reverse

from samenwerking import audit, beveiliging, signals
from samenwerking.models import Auditregel

from ..factories import TEST_PASSWORD, GebruikerFactory


def _project_receivers(signal) -> list:
    live = [ref() for _key, ref, *_ in signal.receivers]
    return [f for f in live if f is not None and f.__module__.split(".")[0] in ("samenwerking", "arrangementen",
                                                                               "actiepunten")]


def test_logging_in_has_exactly_one_project_receiver():
    assert _project_receivers(user_logged_in) == [signals.on_login]


def test_a_login_records_the_entry_then_starts_the_session_then_resyncs(db, client, monkeypatch):
    user = GebruikerFactory(username="volgorde")
    order = []
    for module, name in ((audit, "record_login"), (beveiliging, "mark_login"), (signals, "sync_all_permissions")):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _n=name, _o=original, **kw: (order.append(_n), _o(*a, **kw))[1])
    response = client.post(reverse("login"), {"username": "volgorde", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert order == ["record_login", "mark_login", "sync_all_permissions"]
    assert Auditregel.objects.filter(gebeurtenis=audit.Gebeurtenis.INLOGGEN, gebruiker_id=user.pk).count() == 1
    assert beveiliging.LOGIN_STARTED in client.session
