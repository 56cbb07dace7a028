"""Thin, idempotent reminder tasks: the planner claims, one task per batch of claimed reminders sends.

All are safe to run twice: a claim is a unique row, and a sent reminder is never picked up again.
"""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import services, verzending
from .cyclus import services as cyclus_services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def plan_reminders(datum: str | None = None) -> int:
    """Beat: claim what is due today and dispatch one send task per batch of unsent reminders (failures too)."""
    today = datetime.date.fromisoformat(datum) if datum else None
    ids = services.claim_reminders(today=today)
    for batch in verzending.in_batches(ids, verzending.SEND_BATCH_SIZE):
        transaction.on_commit(lambda batch=batch: send_reminders.delay(batch, datum))
    return len(ids)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def send_reminders(herinnering_ids: list[int], datum: str | None = None) -> dict[str, int]:
    """One batch: one transaction and one mail connection (actiepunten.verzending)."""
    today = datetime.date.fromisoformat(datum) if datum else None
    return services.send_reminders(herinnering_ids=herinnering_ids, today=today)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def send_reminder(herinnering_id: int, datum: str | None = None) -> str:
    today = datetime.date.fromisoformat(datum) if datum else None
    return services.send_reminder(herinnering_id=herinnering_id, today=today)


@shared_task(acks_late=True, time_limit=180, soft_time_limit=150, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def send_verslag(verzending_id: int) -> str:
    """Idempotent: only a verzending still 'te verzenden' is sent; its row lock keeps a second run out."""
    return cyclus_services.send_verslag(verzending_id=verzending_id)
