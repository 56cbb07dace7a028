"""Signing mails exactly once, through Redis, a real Celery worker and PostgreSQL: the "uw beurt" mails the
worker sends after the PDF is ready, and reminders, stay one per signer and period when the tasks run again."""

import datetime
import re

import pytest
from django.utils import timezone

from arrangementen import documenten, tasks
from arrangementen.models import Document, Signalering
from tests.actiepunten.test_herinneringen_worker import (  # noqa: F401 (fixtures)
    mail_dir,
    mail_worker,
    mails,
)
from tests.documenten.wereld import build_world
from tests.integration.conftest import broker_dispatch, wait_for  # noqa: F401 (broker_dispatch is a fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("broker_dispatch")]
TIMEOUT = 60
BEURT = re.compile(r"U kunt '.*' ondertekenen")
HERINNERING = re.compile(r"Herinnering: '.*' wacht op uw handtekening")


def finished(worker, result) -> bool:
    return bool(re.search(rf"\[{re.escape(result.id)}\] succeeded", worker.log()))


def settled(worker, result) -> None:
    """Wait until the task ran and no claimed signing mail is left unsent."""
    assert wait_for(lambda: finished(worker, result) and not Signalering.objects.filter(
        status=Signalering.Verzending.TE_VERZENDEN).exists(), timeout=TIMEOUT), worker.log_tail()


def per_recipient(mails_sent, pattern) -> list[str]:
    return sorted(address for m in mails_sent if pattern.search(m["subject"]) for address in m["to"])


def test_turn_mails_and_reminders_once_per_signer_however_often_the_tasks_run(mail_worker, mails,  # noqa: F811
                                                                               signing_setup, settings, monkeypatch):
    world = build_world(signing_setup)
    # This worker has no signing keys: render here, so that only the announcement goes through the broker.
    with monkeypatch.context() as patched:
        patched.setattr(documenten.taken, "start", lambda **kwargs: None)
        document = documenten.request_document(arrangement=world.arrangement, user=world.secretaris,
                                               volgorde=Document.Volgorde.PARALLEL)
    assert documenten.render_and_certify(document.pk)
    # Its commit dispatched the announcement, which the worker runs, claiming and sending each mail.
    assert wait_for(lambda: Signalering.objects.filter(soort=Signalering.Soort.TEKENBEURT,
                                                       status=Signalering.Verzending.VERZONDEN).count() == 3,
                    timeout=3 * TIMEOUT), mail_worker.log_tail()
    for _run in range(2):  # the announcement again: nothing new
        settled(mail_worker, tasks.announce_signing.delay(document.pk))
    signers = sorted(u.email for u in world.ondertekenaars)
    assert per_recipient(mails(), BEURT) == signers

    # Three days on: the reminders of the first period, once, however often the beat runs.
    sent_at = timezone.now() - datetime.timedelta(days=settings.ONDERTEKENING_HERINNERING_DAGEN, minutes=1)
    Signalering.objects.filter(soort=Signalering.Soort.TEKENBEURT).update(verzonden_op=sent_at)
    for _run in range(2):
        settled(mail_worker, tasks.plan_signing_reminders.delay())
    assert per_recipient(mails(), HERINNERING) == signers
    assert per_recipient(mails(), BEURT) == signers
