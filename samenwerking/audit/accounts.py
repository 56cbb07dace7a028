"""Named audit events about accounts: logging in and out, lockouts, account flags, groups and memberships.

The signal receivers that call these live in samenwerking/signals.py.
"""

from django.contrib.auth.models import Group

from ..models import Auditregel, Gebruiker, Lidmaatschap
from .vastleggen import Gebeurtenis, Resultaat, current_request, record

_ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


def record_login(*, request, user) -> Auditregel:
    via_oidc = getattr(user, "backend", "").endswith(".OIDCBackend")
    return record(Gebeurtenis.INLOGGEN, request=request, gebruiker=user,
                  details={"methode": "oidc"} if via_oidc else None)


def record_login_failed(*, request, credentials: dict) -> Auditregel:
    # Locked-out attempts are refused before the password is checked; axes marks them on the request.
    locked = getattr(request, "axes_locked_out", False)
    return record(Gebeurtenis.INLOGGEN_MISLUKT, request=request, gebruiker=None,
                  gebruikersnaam=str(credentials.get("username", "")),
                  resultaat=Resultaat.GEWEIGERD if locked else Resultaat.MISLUKT,
                  details=getattr(request, "audit_details", None))


def record_logout(*, request, user) -> Auditregel | None:
    if user is None:
        return None
    return record(Gebeurtenis.UITLOGGEN, request=request, gebruiker=user)


def record_lockout(*, request, username: str | None) -> Auditregel:
    return record(Gebeurtenis.GEBLOKKEERD, request=request, gebruiker=None, gebruikersnaam=username or "",
                  resultaat=Resultaat.GEWEIGERD)


def remember_account_flags(*, instance: Gebruiker, update_fields=None) -> None:
    """Before a save: keep the stored flags on the instance, so the save can record what it changed."""
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(_ACCOUNT_FLAGS)):
        instance._audit_flags = None
        return
    instance._audit_flags = Gebruiker.objects.filter(pk=instance.pk).values(*_ACCOUNT_FLAGS).first()


def record_account_flag_changes(*, instance: Gebruiker, created: bool) -> Auditregel | None:
    before = getattr(instance, "_audit_flags", None)
    if created or not before:
        return None
    changes = {flag: [before[flag], getattr(instance, flag)] for flag in _ACCOUNT_FLAGS
               if before[flag] != getattr(instance, flag)}
    if not changes:
        return None
    return record(Gebeurtenis.ACCOUNT_GEWIJZIGD, request=current_request(), obj=instance, details=changes)


def record_group_changes(*, instance: Gebruiker, action: str, pk_set, reverse: bool) -> Auditregel | None:
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return None
    names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    return record(Gebeurtenis.ACCOUNT_GEWIJZIGD, request=current_request(), obj=instance,
                  details={"groepen": {"post_add": "toegevoegd", "post_remove": "verwijderd",
                                       "post_clear": "alle verwijderd"}[action], "namen": names})


def membership_snapshot(pk) -> dict | None:
    """The recorded fields of a membership as stored now (None for a new one), to log what a change changed."""
    if pk is None:
        return None
    return Lidmaatschap.objects.filter(pk=pk).values("gebruiker_id", "driehoek_id", "rol", "actief_van",
                                                      "actief_tot").first()


def record_membership(gebeurtenis: str, lidmaatschap, *, before: dict | None = None) -> Auditregel:
    details = {
        "gebruiker": lidmaatschap.gebruiker.get_username(),
        "driehoek": str(lidmaatschap.driehoek),
        "rol": lidmaatschap.rol,
        "actief_van": lidmaatschap.actief_van,
        "actief_tot": lidmaatschap.actief_tot,
    }
    if before:
        details["voorheen"] = before
    return record(gebeurtenis, obj=lidmaatschap, details=details)
