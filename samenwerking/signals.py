"""Memberships start and lapse by date: resync a user's driehoek rows when they log in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import sync_all_permissions


@receiver(user_logged_in)
def resync_on_login(sender, user, **kwargs):
    sync_all_permissions(gebruiker=user)
