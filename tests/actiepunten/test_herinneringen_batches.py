"""The reminder planner claims in batches: a constant number of queries per batch, and history for every claim."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actiepunten import services
from actiepunten.models import Actiepunt, Herinnering

from ..factories import DriehoekFactory, vandaag

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def add_due(driehoek, count):
    """`count` due actiepunten (on the day, soon, overdue) with an external owner."""
    start = Actiepunt.objects.filter(driehoek=driehoek).count()
    offsets = [0, 3, -8, -20, 30]  # the last one is not due yet: read, but not claimed
    Actiepunt.objects.bulk_create([  # test setup only; the planner does not care how they were made
        Actiepunt(driehoek=driehoek, nummer=start + i + 1, onderwerp=f"Punt {start + i + 1}",
                  extern_naam="Extern", extern_email="extern@example.invalid",
                  datum_gereed=vandaag() + offsets[i % len(offsets)] * DAY)
        for i in range(count)
    ])


def claim_queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.claim_reminders(today=vandaag(), **kwargs)
    return len(queries)


def forget_claims():
    Herinnering.history.all().delete()
    Herinnering.objects.all().delete()


def test_one_batch_costs_the_same_queries_for_50_and_500_actiepunten():
    driehoek = DriehoekFactory()
    add_due(driehoek, 50)
    small = claim_queries(batch_size=1000)
    assert Herinnering.objects.count() == 40
    forget_claims()
    add_due(driehoek, 450)
    large = claim_queries(batch_size=1000)
    assert Herinnering.objects.count() == 400
    assert small == large


def test_queries_grow_per_batch_not_per_actiepunt():
    driehoek = DriehoekFactory()
    counts = []
    for _ in range(3):
        add_due(driehoek, 100)
        counts.append(claim_queries(batch_size=100))
        forget_claims()
    assert counts[2] - counts[1] == counts[1] - counts[0] <= 8


def test_every_claim_gets_one_creation_history_row_and_a_second_run_adds_none():
    driehoek = DriehoekFactory()
    add_due(driehoek, 25)
    services.claim_reminders(today=vandaag(), batch_size=7)
    services.claim_reminders(today=vandaag(), batch_size=7)
    claimed = set(Herinnering.objects.values_list("pk", flat=True))
    assert len(claimed) == 20
    history = list(Herinnering.history.values_list("id", "history_type"))
    assert sorted(history) == sorted((pk, "+") for pk in claimed)


def test_a_second_run_the_same_day_claims_nothing_new_and_reads_no_more_than_a_batch_each():
    driehoek = DriehoekFactory()
    add_due(driehoek, 30)
    first = services.claim_reminders(today=vandaag(), batch_size=10)
    second = services.claim_reminders(today=vandaag(), batch_size=10)
    assert first == second and len(first) == 24
    assert Herinnering.objects.count() == 24
