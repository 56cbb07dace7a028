"""Signals about an arrangement's dates (arrangementen.signaleringen): evaluatie and einde geldigheid, 90, 30
and 7 days before, each to each coördinator and secretaris of the driehoek exactly once."""

import datetime
import inspect
import re

import pytest
from django.conf import settings
from django.core import mail

from arrangementen import signaleringen, tasks
from arrangementen.models import Signalering
from samenwerking import services as samenwerking_services
from samenwerking.models import Rol

from ..factories import ArrangementFactory, GebruikerFactory, lid, vandaag

DAY = datetime.timedelta(days=1)


@pytest.fixture
def secretaris(driehoek):
    user = GebruikerFactory(username="secretaris", first_name="Sanne", last_name="Secretaris")
    lid(user, driehoek, Rol.SECRETARIS)
    return user


@pytest.fixture
def coordinator(driehoek):
    user = GebruikerFactory(username="coordinator", first_name="Carla", last_name="Coördinator")
    lid(user, driehoek, Rol.COORDINATOR)
    return user


def run(today):
    """One beat run: claim, then send every pending signal (as the send tasks would)."""
    for pk in signaleringen.claim_signals(today=today):
        signaleringen.send_signal(signalering_id=pk, today=today)


def days_in_subjects(to: str) -> list[str]:
    return [re.search(r"(\d+) dagen", m.subject)[1] for m in mail.outbox if m.to == [to]]


def test_beat_runs_the_planner_and_its_arguments_fit():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["arrangementen-signaleringen"]
    app.loader.import_default_modules()
    task = app.tasks[entry["task"]]
    assert task.name == "arrangementen.tasks.plan_signals"
    inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))
    assert task.acks_late and task.time_limit and task.soft_time_limit
    assert tasks.send_signal.acks_late and tasks.send_signal.time_limit


@pytest.mark.parametrize("field", ["evaluatiedatum", "geldig_tot"])
def test_arrangementen_are_signalled_90_30_and_7_days_before(driehoek, secretaris, coordinator, field):
    today = vandaag()
    ArrangementFactory(driehoek=driehoek, status="ondertekend", geldig_van=today - 400 * DAY,
                       **{field: today + 100 * DAY})
    for offset in range(0, 101):
        run(today + offset * DAY)
    # One mail per recipient per threshold, to exactly the driehoek's secretaris and coördinator.
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert sorted({m.to[0] for m in mail.outbox}) == sorted([secretaris.email, coordinator.email])
    assert days_in_subjects(secretaris.email) == ["90", "30", "7"]
    assert days_in_subjects(coordinator.email) == ["90", "30", "7"]


def test_a_concept_arrangement_is_not_signalled(driehoek, coordinator):
    ArrangementFactory(driehoek=driehoek, evaluatiedatum=vandaag() + 7 * DAY)
    run(vandaag())
    assert mail.outbox == []
    assert not Signalering.objects.exists()


def test_a_double_beat_and_a_retried_send_task_send_nothing_twice(driehoek, secretaris, coordinator,
                                                                   django_capture_on_commit_callbacks):
    today = vandaag()
    ArrangementFactory(driehoek=driehoek, status="vastgesteld", evaluatiedatum=today + 30 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.plan_signals(today.isoformat()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.plan_signals(today.isoformat()) == 0
    for signalering in Signalering.objects.all():
        assert tasks.send_signal(signalering.pk, today.isoformat()) == "al_afgehandeld"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([secretaris.email, coordinator.email])
    assert set(Signalering.objects.values_list("status", flat=True)) == {Signalering.Verzending.VERZONDEN}
    assert all(s.history.count() >= 1 for s in Signalering.objects.all())


def test_a_failed_send_is_retried_for_that_recipient_only(driehoek, secretaris, coordinator, settings):
    today = vandaag()
    ArrangementFactory(driehoek=driehoek, status="ondertekend", geldig_tot=today + 7 * DAY)
    ids = signaleringen.claim_signals(today=today)
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.FailingBackend"
    failed = signaleringen.send_signal(signalering_id=ids[0], today=today)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert failed == Signalering.Verzending.MISLUKT
    run(today)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([secretaris.email, coordinator.email])
    assert Signalering.objects.get(pk=ids[0]).pogingen == 2


def test_a_member_who_left_before_the_send_is_skipped(driehoek, secretaris, coordinator):
    today = vandaag()
    ArrangementFactory(driehoek=driehoek, status="ondertekend", evaluatiedatum=today + 7 * DAY)
    ids = signaleringen.claim_signals(today=today)
    lidmaatschap = coordinator.lidmaatschappen.get(driehoek=driehoek)
    samenwerking_services.end_membership(lidmaatschap=lidmaatschap)
    for pk in ids:
        signaleringen.send_signal(signalering_id=pk, today=today)
    assert [m.to for m in mail.outbox] == [[secretaris.email]]
    skipped = Signalering.objects.get(ontvanger=coordinator)
    assert skipped.status == Signalering.Verzending.OVERGESLAGEN


def test_a_moved_date_does_not_send_the_stale_signal(driehoek, secretaris):
    today = vandaag()
    arrangement = ArrangementFactory(driehoek=driehoek, status="ondertekend", evaluatiedatum=today + 7 * DAY)
    ids = signaleringen.claim_signals(today=today)
    arrangement.evaluatiedatum = today + 200 * DAY
    arrangement.save()
    for pk in ids:
        assert signaleringen.send_signal(signalering_id=pk, today=today) == Signalering.Verzending.OVERGESLAGEN
    assert mail.outbox == []
