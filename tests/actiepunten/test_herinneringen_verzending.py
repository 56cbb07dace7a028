"""Claimed reminders go out in batches: one transaction and one mail connection per batch, a fixed number of
queries per batch, history rows in bulk, and still exactly once — also after a crash halfway."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actiepunten import services, verzending
from actiepunten.models import Actiepunt, Herinnering, Status

from ..factories import DriehoekFactory, GebruikerFactory, vandaag
from .mailbackend import CountingBackend, CrashingBackend, Onderbreking

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def due_points(count: int, *, driehoek=None) -> list[int]:
    """`count` actiepunten due today, half with a user as eigenaar, half external; returns the claimed ids."""
    driehoek = driehoek or DriehoekFactory()
    start = Actiepunt.objects.filter(driehoek=driehoek).count()
    eigenaren = [GebruikerFactory() for _ in range(3)]
    Actiepunt.objects.bulk_create([  # test setup only: the sender reads the rows, not how they were made
        Actiepunt(driehoek=driehoek, nummer=start + i + 1, onderwerp=f"Punt {start + i + 1}",
                  eigenaar=eigenaren[i % 3] if i % 2 else None,
                  extern_naam="" if i % 2 else "Extern", extern_email="" if i % 2 else f"extern{i}@example.invalid",
                  datum_gereed=vandaag())
        for i in range(count)
    ])
    return [pk for pk in services.claim_reminders(today=vandaag())
            if Herinnering.objects.get(pk=pk).onderwerp_type == Herinnering.OnderwerpType.ACTIEPUNT]


def send_queries(ids, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        outcomes = services.send_reminders(herinnering_ids=ids, today=vandaag(), **kwargs)
    assert outcomes == {"verzonden": len(ids)}
    return len(queries)


def test_a_batch_costs_the_same_queries_for_5_and_60_reminders():
    small = send_queries(due_points(5))
    mail.outbox.clear()
    large = send_queries(due_points(60))
    assert len(mail.outbox) == 60
    assert small == large <= 8


def test_every_batch_shares_one_mail_connection(settings):
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.CountingBackend"
    ids = due_points(25)
    CountingBackend.opened = 0
    assert services.send_reminders(herinnering_ids=ids, today=vandaag(), batch_size=10) == {"verzonden": 25}
    assert CountingBackend.opened == 3
    assert len(mail.outbox) == 25


def test_each_reminder_goes_to_its_own_owner_once_with_history_by_the_system():
    ids = due_points(12)
    services.send_reminders(herinnering_ids=ids, today=vandaag(), batch_size=5)
    herinneringen = {h.pk: h for h in Herinnering.objects.filter(pk__in=ids).order_by()}
    punten = Actiepunt.objects.select_related("eigenaar").in_bulk([h.onderwerp_id for h in herinneringen.values()])
    expected = sorted(punten[h.onderwerp_id].eigenaar_email for h in herinneringen.values())
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert all(len(m.to) == 1 and m.subject.endswith("is vandaag gereed") for m in mail.outbox)
    assert {(h.status, h.pogingen, h.ontvangers) for h in herinneringen.values()} == {
        ("verzonden", 1, punten[h.onderwerp_id].eigenaar_email) for h in herinneringen.values()}
    changes = list(Herinnering.history.filter(id__in=ids, history_type="~").values_list("id", "status",
                                                                                       "history_user"))
    assert sorted(changes) == sorted((pk, "verzonden", None) for pk in ids)


def test_a_second_send_of_the_same_batch_sends_nothing():
    ids = due_points(8)
    services.send_reminders(herinnering_ids=ids, today=vandaag())
    assert services.send_reminders(herinnering_ids=ids, today=vandaag()) == {"al_afgehandeld": 8}
    assert services.claim_reminders(today=vandaag()) == []
    assert len(mail.outbox) == 8


def test_a_point_completed_after_its_claim_is_skipped_and_the_rest_of_its_batch_goes_out():
    ids = due_points(6)
    gereed = Herinnering.objects.get(pk=ids[2]).onderwerp_id
    Actiepunt.objects.filter(pk=gereed).update(status=Status.GEREED)  # test setup: the point was completed
    assert services.send_reminders(herinnering_ids=ids, today=vandaag()) == {"verzonden": 5, "overgeslagen": 1}
    assert Herinnering.objects.get(pk=ids[2]).status == "overgeslagen"
    assert len(mail.outbox) == 5


def test_a_failing_server_fails_each_message_of_the_batch_and_a_later_run_sends_each_once(settings):
    ids = due_points(7)
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.FailingBackend"
    assert services.send_reminders(herinnering_ids=ids, today=vandaag()) == {"mislukt": 7}
    assert set(Herinnering.objects.filter(pk__in=ids).values_list("status", "pogingen")) == {("mislukt", 1)}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    pending = services.claim_reminders(today=vandaag())
    assert sorted(pending) == sorted(ids)
    assert services.send_reminders(herinnering_ids=pending, today=vandaag()) == {"verzonden": 7}
    assert services.send_reminders(herinnering_ids=pending, today=vandaag()) == {"al_afgehandeld": 7}
    assert len(mail.outbox) == 7


def test_a_crash_halfway_leaves_the_unsent_claims_to_a_later_run_and_sends_nothing_twice(settings):
    """The process dies as it hands over the first message of the second batch: the first batch stays sent, the
    second and third stay claimed and unsent, and the next run sends exactly those."""
    ids = due_points(30)
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.CrashingBackend"
    CrashingBackend.crash_at = 11
    with pytest.raises(Onderbreking):
        services.send_reminders(herinnering_ids=ids, today=vandaag(), batch_size=10)
    statuses = dict(Herinnering.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [statuses[pk] for pk in sorted(ids)] == ["verzonden"] * 10 + ["te_verzenden"] * 20
    assert not Herinnering.objects.filter(pk__in=sorted(ids)[10:]).exclude(pogingen=0).exists()
    first = [m.to[0] for m in mail.outbox]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for pk in services.claim_reminders(today=vandaag()):
        services.send_reminder(herinnering_id=pk, today=vandaag())
    assert len(first) == 10 and len(mail.outbox) == 30
    assert set(Herinnering.objects.filter(pk__in=ids).values_list("status", "pogingen")) == {("verzonden", 1)}
    assert Herinnering.history.filter(id__in=ids, history_type="~").count() == 30


def test_the_planner_dispatches_one_send_task_per_batch(monkeypatch, django_capture_on_commit_callbacks):
    from actiepunten import tasks

    due_points(5)
    Herinnering.objects.all().delete()
    monkeypatch.setattr(verzending, "SEND_BATCH_SIZE", 2)
    sent = []
    monkeypatch.setattr(tasks.send_reminders, "delay", lambda ids, datum: sent.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.plan_reminders() == 5
    assert [len(batch) for batch in sent] == [2, 2, 1]
    assert sorted(pk for batch in sent for pk in batch) == sorted(
        Herinnering.objects.filter(onderwerp_type="actiepunt").values_list("pk", flat=True))
