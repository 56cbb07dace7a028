"""Thin Celery tasks for samenwerking; the work lives in services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def sync_membership_permissions() -> int:
    """Daily: memberships that started or lapsed by date gain or lose their driehoek rows."""
    return services.sync_all_permissions()
