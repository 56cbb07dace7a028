"""Thin Celery tasks for samenwerking; the work lives in services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import audit, services


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True,
             max_retries=5)
def sync_membership_permissions() -> int:
    """Daily: memberships that started or lapsed by date gain or lose their driehoek rows."""
    return services.sync_all_permissions()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True,
             max_retries=5, time_limit=300)
def write_audit_checkpoint() -> int | None:
    """Hourly: a signed checkpoint of the security log's length (idempotent: nothing new, nothing written)."""
    punt = audit.write_checkpoint()
    if punt is None:
        return None
    audit.record(audit.Gebeurtenis.AUDIT_CONTROLEPUNT, gebruikersnaam="systeem",
                 details={"controlepunt": punt.pk, "aantal": punt.aantal, "laatste_id": punt.laatste_id})
    return punt.pk
