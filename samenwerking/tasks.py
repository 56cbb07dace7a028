"""Thin Celery tasks for samenwerking; the work lives in services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True,
             max_retries=5)
def sync_membership_permissions() -> int:
    """Daily: memberships that started or lapsed by date gain or lose their driehoek rows."""
    return services.sync_all_permissions()
