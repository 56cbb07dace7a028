"""Reminders exactly once, through Redis, a real Celery worker and PostgreSQL.

The worker is started like the one in tests/integration/conftest.py, but with a mail backend that writes each
message to a directory (tests.actiepunten.mailbackend.DirectoryBackend), so this process can count what the
worker sent, and make it fail on demand.
"""

import datetime
import json
import math
import os
import re
import subprocess
import sys
import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection

from actiepunten import services, tasks, verzending
from actiepunten.models import Herinnering
from tests.integration.conftest import (  # noqa: F401 (broker_dispatch is a fixture)
    READY_TIMEOUT,
    Worker,
    _test_database_url,
    broker_dispatch,
    wait_for,
)

from ..factories import ActiepuntFactory, DriehoekFactory, vandaag

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("broker_dispatch")]
TIMEOUT = 30
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="module")
def mail_worker(django_db_setup, tmp_path_factory, mail_dir):
    if not settings.INTEGRATION_BROKER_URL or connection.vendor != "postgresql":
        pytest.fail("Draai de integratietests via `make test` (Redis en PostgreSQL nodig).")
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    nodename = f"herinneringen-{uuid.uuid4().hex[:8]}@localhost"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": _test_database_url(),
           "CELERY_BROKER_URL": settings.INTEGRATION_BROKER_URL, "DJANGO_DEBUG": "false", "PYTHONUNBUFFERED": "1",
           "EMAIL_BACKEND": "tests.actiepunten.mailbackend.DirectoryBackend", "TEST_MAIL_DIR": str(mail_dir)}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
               "--loglevel=INFO", f"--hostname={nodename}", "--without-mingle", "--without-gossip",
               "--without-heartbeat"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    worker = Worker(process, log_path, nodename)
    try:
        if not wait_for(lambda: f"{nodename} ready." in worker.log() or process.poll() is not None,
                        timeout=READY_TIMEOUT) or process.poll() is not None:
            pytest.fail(f"De worker startte niet:\n{worker.log_tail()}")
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def mails(mail_dir, monkeypatch):
    """Start each test with an empty mail directory; the returned function lists what was sent."""
    for path in mail_dir.iterdir():
        path.unlink()
    monkeypatch.setenv("TEST_MAIL_DIR", str(mail_dir))
    return lambda: [json.loads(p.read_text("utf-8")) for p in sorted(mail_dir.glob("*.json"))]


def run_on_worker(worker, expected_sent: int | None = None) -> int:
    """Publish one planner run and wait until it and the send tasks it dispatched (one per batch) have finished."""
    result = tasks.plan_reminders.delay()
    done = re.compile(rf"plan_reminders\[{re.escape(result.id)}\] succeeded in [\d.]+s: (\d+)")
    assert wait_for(lambda: bool(done.search(worker.log())), timeout=TIMEOUT), worker.log_tail()
    dispatched = int(done.search(worker.log())[1])
    batches = math.ceil(dispatched / verzending.SEND_BATCH_SIZE)
    assert wait_for(lambda: not Herinnering.objects.filter(status="te_verzenden").exists()
                    and worker.log().count("send_reminders[") >= 2 * batches, timeout=TIMEOUT), worker.log_tail()
    return dispatched


def test_due_in_seven_days_one_mail_and_a_repeated_run_still_one(mail_worker, mails):
    punt = ActiepuntFactory(overleg=None, driehoek=DriehoekFactory(), datum_gereed=vandaag() + 7 * DAY,
                            extern_email="eigenaar@example.invalid")
    run_on_worker(mail_worker)
    # The number comes from a factory sequence, which other tests in the same process may have advanced.
    assert [(m["to"], m["subject"].split(" is ")[0]) for m in mails()] == [(["eigenaar@example.invalid"],
                                                                            f"Actiepunt {punt.nummer}")]
    assert run_on_worker(mail_worker) == 0
    assert len(mails()) == 1
    assert Herinnering.objects.get().status == "verzonden"


def test_two_concurrent_runs_send_once(mail_worker, mails, settings):
    """The worker and two threads of this process all claim and send the same reminder at the same time."""
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.DirectoryBackend"
    ActiepuntFactory(overleg=None, driehoek=DriehoekFactory(), datum_gereed=vandaag(),
                     extern_email="eigenaar@example.invalid")
    barrier = threading.Barrier(3)
    errors = []

    def local_run():
        try:
            barrier.wait(timeout=10)
            for pk in services.claim_reminders():
                services.send_reminder(herinnering_id=pk)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=local_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=10)
    run_on_worker(mail_worker)
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert errors == []
    assert len(mails()) == 1
    assert Herinnering.objects.count() == 1


def test_completed_actiepunten_get_nothing(mail_worker, mails):
    ActiepuntFactory(overleg=None, driehoek=DriehoekFactory(), datum_gereed=vandaag(), status="gereed")
    ActiepuntFactory(overleg=None, driehoek=DriehoekFactory(), datum_gereed=vandaag() - 14 * DAY, status="vervallen")
    assert run_on_worker(mail_worker) == 0
    assert mails() == []
    assert not Herinnering.objects.exists()


def test_a_failing_mail_server_is_recorded_and_a_later_run_sends_once(mail_worker, mails, mail_dir):
    ActiepuntFactory(overleg=None, driehoek=DriehoekFactory(), datum_gereed=vandaag(),
                     extern_email="eigenaar@example.invalid")
    (mail_dir / "fail").touch()
    try:
        run_on_worker(mail_worker)
    finally:
        (mail_dir / "fail").unlink()
    herinnering = Herinnering.objects.get()
    assert herinnering.status == "mislukt"
    assert "SMTPServerDisconnected" in herinnering.laatste_fout
    assert mails() == []
    assert run_on_worker(mail_worker) == 1
    assert run_on_worker(mail_worker) == 0
    assert len(mails()) == 1
    herinnering.refresh_from_db()
    assert (herinnering.status, herinnering.pogingen) == ("verzonden", 2)
