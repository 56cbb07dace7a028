"""End to end through Redis and a real worker: the daily membership sync removes lapsed access."""

import datetime
import re

import pytest

from samenwerking.models import DriehoekGebruikerRecht, Lidmaatschap, Rol
from samenwerking.tasks import sync_membership_permissions
from samenwerking.toegang import visible_driehoeken
from tests.factories import DriehoekFactory, GebruikerFactory, lid, vandaag

from .conftest import wait_for

OUTCOME_TIMEOUT = 30  # seconds for the worker to pick the task up and finish it

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def rechten(gebruiker) -> set[str]:
    """The codenames of the user's direct guardian rows (on any driehoek)."""
    return set(
        DriehoekGebruikerRecht.objects.filter(user=gebruiker).values_list("permission__codename", flat=True)
    )


def test_worker_revokes_access_of_a_membership_that_lapsed_by_date(celery_worker, broker_dispatch):
    # transaction=True: every write below is committed at once, so the worker's own connection sees it.
    driehoek = DriehoekFactory()
    vertrekker = GebruikerFactory()
    blijver = GebruikerFactory()
    lidmaatschap = lid(vertrekker, driehoek, Rol.COORDINATOR)
    lid(blijver, driehoek, Rol.LEZER)
    rechten_blijver = rechten(blijver)
    assert rechten_blijver

    # A membership lapsing by the calendar: nobody calls a service on the day actief_tot passes, so the
    # guardian rows stay until the daily task resyncs. A queryset update writes the dates without that
    # resync (and without history or validation), just as the passing of time would.
    Lidmaatschap.objects.filter(pk=lidmaatschap.pk).update(
        actief_van=vandaag() - datetime.timedelta(days=10),
        actief_tot=vandaag() - datetime.timedelta(days=1),
    )
    assert driehoek in visible_driehoeken(vertrekker), "the stale rows should still grant access"

    result = sync_membership_permissions.delay()

    # No result backend is configured (CELERY_RESULT_BACKEND = None), so watch the database instead.
    gone = wait_for(lambda: not rechten(vertrekker), timeout=OUTCOME_TIMEOUT)
    assert gone, f"the worker did not remove the rows in {OUTCOME_TIMEOUT} s:\n{celery_worker.log_tail()}"
    assert driehoek not in visible_driehoeken(vertrekker)

    # The rows disappear inside the task, so give the worker a moment to log that it finished. The
    # line names this task id, which proves this worker ran this very message and it did not fail.
    succeeded = re.compile(
        rf"Task samenwerking\.tasks\.sync_membership_permissions\[{re.escape(result.id)}\] succeeded"
    )
    assert wait_for(lambda: bool(succeeded.search(celery_worker.log())), timeout=10), celery_worker.log_tail()

    # The task has finished, so the member whose membership is still active was resynced too: unchanged.
    assert driehoek in visible_driehoeken(blijver)
    assert rechten(blijver) == rechten_blijver
