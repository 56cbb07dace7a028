"""record_refusal: refusals go to the security log, at most N per actor and event per minute."""

import pytest

from samenwerking import audit
from samenwerking.models import Auditregel
from tests.factories import GebruikerFactory

pytestmark = pytest.mark.django_db


def test_refusal_is_recorded_as_refused_with_reason():
    user = GebruikerFactory()
    regel = audit.record_refusal(Auditregel.Gebeurtenis.TOEGANG_GEWEIGERD, gebruiker=user, reden="niet zichtbaar")
    regel.refresh_from_db()
    assert regel.resultaat == Auditregel.Resultaat.GEWEIGERD
    assert regel.gebruikersnaam == user.username
    assert regel.details["reden"] == "niet zichtbaar"


def test_refusals_are_rate_limited_per_actor_and_the_left_out_ones_are_counted(settings):
    settings.AUDIT_WEIGERINGEN_PER_MINUUT = 3
    user, other = GebruikerFactory(), GebruikerFactory()
    results = [audit.record_refusal(Auditregel.Gebeurtenis.TOEGANG_GEWEIGERD, gebruiker=user) for _ in range(10)]
    assert sum(r is not None for r in results) == 3
    # Another user is not silenced by the first one's flood.
    assert audit.record_refusal(Auditregel.Gebeurtenis.TOEGANG_GEWEIGERD, gebruiker=other) is not None
    assert Auditregel.objects.filter(gebeurtenis="toegang_geweigerd").count() == 4
    assert audit.verify_chain().problems == []


def test_the_next_written_refusal_says_how_many_were_left_out(settings, monkeypatch):
    import time

    settings.AUDIT_WEIGERINGEN_PER_MINUUT = 1
    user = GebruikerFactory()
    for _ in range(4):
        audit.record_refusal(Auditregel.Gebeurtenis.IMPORT_GEWEIGERD, gebruiker=user)
    now = time.time()
    monkeypatch.setattr(audit.weigeringen.time, "time", lambda: now + 60)  # the next minute
    regel = audit.record_refusal(Auditregel.Gebeurtenis.IMPORT_GEWEIGERD, gebruiker=user)
    assert regel is not None
    assert regel.details["onderdrukt"] == 3
