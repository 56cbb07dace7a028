"""Every signal receiver of samenwerking, in one place; each one calls the module that does the work.

Logging in has one receiver, so its effects keep their order: the audit entry, the session's start (absolute
lifetime), then the resync of the user's driehoek rows (memberships start and lapse by date).
"""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_save
from django.dispatch import receiver

from . import audit, beveiliging, navigatie, permissions_setup
from .models import Gebruiker
from .services import sync_all_permissions


@receiver(user_logged_in, dispatch_uid="samenwerking_login")
def on_login(sender, request, user, **kwargs):
    audit.record_login(request=request, user=user)
    beveiliging.mark_login(request=request)
    navigatie.remember(request, user)
    sync_all_permissions(gebruiker=user)


@receiver(post_migrate, dispatch_uid="samenwerking_beheer_group")
def on_migrated(sender, using="default", **kwargs):
    """After the last app's permissions exist: an existing Beheer group gets the models added since (a new
    reference table in BEHEER_MODELS is maintainable after `migrate`, without anyone re-running a setup step)."""
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        permissions_setup.refresh_beheer_group(using=using)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit.record_login_failed(request=request, credentials=credentials)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    audit.record_logout(request=request, user=user)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record_lockout(request=request, username=username)


try:  # django-axes is installed in every environment; the guard keeps this module importable without it
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover
    pass
else:
    user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")


@receiver(pre_save, sender=Gebruiker, dispatch_uid="audit_account_before")
def before_account_save(sender, instance, update_fields=None, **kwargs):
    audit.remember_account_flags(instance=instance, update_fields=update_fields)


@receiver(post_save, sender=Gebruiker, dispatch_uid="audit_account_after")
def after_account_save(sender, instance, created, **kwargs):
    audit.record_account_flag_changes(instance=instance, created=created)


@receiver(m2m_changed, sender=Gebruiker.groups.through, dispatch_uid="audit_groups")
def after_group_change(sender, instance, action, pk_set, reverse, **kwargs):
    audit.record_group_changes(instance=instance, action=action, pk_set=pk_set, reverse=reverse)
