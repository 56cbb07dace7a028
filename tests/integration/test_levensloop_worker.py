"""The daily lifecycle task through Redis, a real Celery worker and PostgreSQL: a worker killed (SIGKILL) while it
sends the "in werking" signals, a new worker and the next beat — each recipient gets each signal exactly once and
each change of fase is written into the history once."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from arrangementen import tasks
from arrangementen.models import Arrangement, Signalering, Status
from samenwerking.models import Rol
from tests.integration.conftest import (  # noqa: F401 (broker_dispatch is a fixture)
    READY_TIMEOUT,
    Worker,
    _test_database_url,
    broker_dispatch,
    wait_for,
)

from ..factories import ArrangementFactory, DriehoekFactory, GebruikerFactory, lid, vandaag

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("broker_dispatch")]
TIMEOUT = 90
ARRANGEMENTEN = 25


def start_worker(log_dir, mail_dir) -> Worker:
    """A solo worker (one process: the pid we started is all there is to kill) that writes mails to mail_dir."""
    nodename = f"levensloop-{uuid.uuid4().hex[:8]}@localhost"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": _test_database_url(),
           "CELERY_BROKER_URL": settings.INTEGRATION_BROKER_URL, "DJANGO_DEBUG": "false", "PYTHONUNBUFFERED": "1",
           "EMAIL_BACKEND": "tests.actiepunten.mailbackend.DirectoryBackend", "TEST_MAIL_DIR": str(mail_dir)}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
               "--loglevel=INFO", f"--hostname={nodename}", "--without-mingle", "--without-gossip",
               "--without-heartbeat"]
    log_path = log_dir / f"{nodename.partition('@')[0]}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    worker = Worker(process, log_path, nodename)
    if not wait_for(lambda: f"{nodename} ready." in worker.log() or process.poll() is not None,
                    timeout=READY_TIMEOUT) or process.poll() is not None:
        worker.stop()
        pytest.fail(f"De worker startte niet:\n{worker.log_tail()}")
    return worker


def sent() -> int:
    return Signalering.objects.filter(soort=Signalering.Soort.IN_WERKING,
                                      status=Signalering.Verzending.VERZONDEN).count()


def test_a_worker_killed_mid_run_and_the_next_beat_send_each_signal_once(tmp_path):
    if not settings.INTEGRATION_BROKER_URL:
        pytest.fail("CELERY_BROKER_URL ontbreekt: draai de integratietests via `make test`.")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    driehoek = DriehoekFactory()
    ontvangers = [GebruikerFactory(), GebruikerFactory()]
    lid(ontvangers[0], driehoek, Rol.SECRETARIS)
    lid(ontvangers[1], driehoek, Rol.COORDINATOR)
    for n in range(ARRANGEMENTEN):
        ArrangementFactory(driehoek=driehoek, titel=f"Arrangement {n:02d}", status=Status.ONDERTEKEND,
                           geldig_van=vandaag())
    expected = 2 * ARRANGEMENTEN

    first = start_worker(tmp_path, mail_dir)
    try:
        tasks.daily_lifecycle.delay()
        assert wait_for(lambda: sent() >= 3, timeout=TIMEOUT, interval=0.02), first.log_tail()
        first.process.kill()  # SIGKILL our own worker pid: no warm shutdown, no acknowledgement
        first.process.wait(timeout=10)
    finally:
        first.stop()
    assert sent() < expected, "everything was sent before the kill, so nothing was interrupted"

    second = start_worker(tmp_path, mail_dir)
    try:
        for _beat in range(2):  # the next beat, twice: what the killed worker left is sent, nothing twice
            tasks.daily_lifecycle.delay()
        assert wait_for(lambda: sent() == expected and not Signalering.objects.exclude(
            status=Signalering.Verzending.VERZONDEN).exists(), timeout=TIMEOUT), second.log_tail()
        assert wait_for(lambda: second.log().count("daily_lifecycle[") >= 4, timeout=TIMEOUT), second.log_tail()
    finally:
        second.stop()

    mails = [json.loads(p.read_text("utf-8")) for p in mail_dir.glob("*.json")]
    per_recipient = sorted((m["to"][0], m["subject"]) for m in mails)
    assert len(per_recipient) == expected
    assert len(set(per_recipient)) == expected
    assert {address for address, _subject in per_recipient} == {u.email for u in ontvangers}
    for arrangement in Arrangement.objects.filter(driehoek=driehoek):
        assert arrangement.history.filter(history_change_reason="Levensfase: in werking",
                                          history_user__isnull=True).count() == 1
