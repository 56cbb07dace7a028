"""The last two parties approving at the same moment: exactly one of them makes the arrangement goedgekeurd."""

import threading

from django.db import close_old_connections, connection

from arrangementen import workflow
from arrangementen.models import Beoordeling, Status, Statusovergang

from .beoordelwereld import build, required_names


def test_the_last_two_approvals_at_once_make_one_transition(transactional_db, monkeypatch):
    w = build(gemeenten=1)  # required: politie and OM
    names = required_names(w.arrangement)
    assert len(names) == 2
    together = threading.Barrier(2, timeout=60)

    # Both enter perform() together; the second one waits on the row lock inside.
    original_perform = workflow._perform_locked

    def perform_together(**kwargs):
        together.wait()
        return original_perform(**kwargs)

    monkeypatch.setattr(workflow, "_perform_locked", perform_together)
    errors: list = []

    def run(name):
        try:
            workflow.perform(arrangement=w.arrangement, action="goedkeuren", user=w.reviewers[name])
        except Exception as error:  # noqa: BLE001 - any failure is the test's finding
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    assert errors == []
    w.arrangement.refresh_from_db()
    assert w.arrangement.status == Status.GOEDGEKEURD
    assert Beoordeling.objects.filter(besluit=Beoordeling.Besluit.GOEDGEKEURD, vervallen=False).count() == 2
    assert Statusovergang.objects.filter(arrangement=w.arrangement, naar=Status.GOEDGEKEURD).count() == 1
