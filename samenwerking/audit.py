"""The security audit log: `record()` appends one hash-chained entry; `verify_chain()` finds edits and gaps.

Each entry's hash is an HMAC (key: AUDITLOG_SLEUTEL) over its own fields and the previous entry's hash, so
changing or deleting a row breaks the chain from that row on, and rewriting the chain needs the key.
Every entry is also written as a JSON log line to stdout, so an external log store keeps a second copy
(that copy is what reveals a truncated tail, which a chain alone cannot show).
"""

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions as api_exceptions

from .models import Auditregel, Gebruiker

logger = logging.getLogger("beveiliging.audit")

GENESIS = "0" * 64
# Any constant: serialises appends on PostgreSQL so two writers never chain onto the same predecessor.
_ADVISORY_LOCK_KEY = 0x41554454

Gebeurtenis = Auditregel.Gebeurtenis
Resultaat = Auditregel.Resultaat


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies (TRUSTED_PROXY_COUNT) saw.

    Also used by django-axes, so the lockout and the audit log agree on where a request came from.
    """
    if request is None:
        return ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def _key() -> bytes:
    configured = getattr(settings, "AUDITLOG_SLEUTEL", "")
    return (configured or f"auditlog:{settings.SECRET_KEY}").encode()


def _payload(regel: Auditregel) -> bytes:
    fields = {
        "tijdstip": regel.tijdstip.isoformat(timespec="microseconds"),
        "gebeurtenis": regel.gebeurtenis,
        "resultaat": regel.resultaat,
        "gebruiker_id": regel.gebruiker_id,
        "gebruikersnaam": regel.gebruikersnaam,
        "object_type": regel.object_type,
        "object_id": regel.object_id,
        "object_omschrijving": regel.object_omschrijving,
        "ip_adres": regel.ip_adres,
        "details": regel.details,
        "vorige_hash": regel.vorige_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(regel: Auditregel) -> str:
    return hmac.new(_key(), _payload(regel), hashlib.sha256).hexdigest()


def record(
    gebeurtenis: str,
    *,
    request=None,
    gebruiker=None,
    gebruikersnaam: str = "",
    obj=None,
    resultaat: str = Resultaat.GELUKT,
    details: dict | None = None,
) -> Auditregel:
    """Append one entry. `gebruiker` defaults to the request's logged-in user; `obj` is any model instance.

    Runs inside the caller's transaction: if the action rolls back, so does its entry.
    """
    request = request if request is not None else _current_request()
    if gebruiker is None and request is not None:
        user = getattr(request, "user", None)
        gebruiker = user if user is not None and user.is_authenticated else None
    # Round-trip through JSON so the hash is computed over exactly what the database gives back.
    details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = Auditregel.objects.order_by("-id").values_list("hash", flat=True).first()
        regel = Auditregel(
            gebeurtenis=gebeurtenis,
            resultaat=resultaat,
            gebruiker_id=gebruiker.pk if gebruiker is not None else None,
            gebruikersnaam=(gebruiker.get_username() if gebruiker is not None else gebruikersnaam)[:150],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_omschrijving=str(obj)[:300] if obj is not None else "",
            ip_adres=client_ip(request),
            details=details,
            vorige_hash=last or GENESIS,
        )
        regel.hash = compute_hash(regel)
        regel.save()
    logger.info("audit", extra={"audit": {
        "id": regel.pk, "gebeurtenis": regel.gebeurtenis, "resultaat": regel.resultaat,
        "gebruiker": regel.gebruikersnaam, "object": f"{regel.object_type}:{regel.object_id}",
        "ip": regel.ip_adres, "hash": regel.hash,
    }})
    return regel


def _refusal_actor(request, gebruiker) -> str:
    if gebruiker is not None:
        return f"u{gebruiker.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"ip{client_ip(request)}"


def record_refusal(
    gebeurtenis: str,
    *,
    request=None,
    gebruiker=None,
    gebruikersnaam: str = "",
    obj=None,
    reden: str = "",
    details: dict | None = None,
) -> Auditregel | None:
    """Record a refusal (403/404 on another driehoek's object, a refused transition, signing or import).

    At most AUDIT_WEIGERINGEN_PER_MINUUT entries per actor (user, or address when anonymous) and event per
    minute, so the log cannot be flooded; the refusals left out are counted and the next entry that is written
    says how many (`details["onderdrukt"]`). Returns the entry, or None when it was left out.
    Like record(), it runs in the caller's transaction: call it after the refused work was rolled back (for
    example in the view that caught the refusal), so the entry stays.
    """
    request = request if request is not None else _current_request()
    limit = getattr(settings, "AUDIT_WEIGERINGEN_PER_MINUUT", 20)
    window = int(time.time() // 60)
    actor = _refusal_actor(request, gebruiker)
    counter = f"audit:weigering:{gebeurtenis}:{actor}:{window}"
    suppressed_key = f"audit:weigering:onderdrukt:{gebeurtenis}:{actor}"
    cache.add(counter, 0, timeout=120)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=120)
        count = 1
    if count > limit:
        cache.add(suppressed_key, 0, timeout=24 * 3600)
        try:
            cache.incr(suppressed_key)
        except ValueError:
            cache.set(suppressed_key, 1, timeout=24 * 3600)
        return None
    details = dict(details or {})
    if reden:
        details.setdefault("reden", str(reden)[:500])
    suppressed = cache.get(suppressed_key) or 0
    if suppressed:
        details["onderdrukt"] = suppressed
        cache.delete(suppressed_key)
    return record(gebeurtenis, request=request, gebruiker=gebruiker, gebruikersnaam=gebruikersnaam, obj=obj,
                  resultaat=Resultaat.GEWEIGERD, details=details)


# A database id as the URLs and the API accept it; anything else cannot name an existing object.
_ID = re.compile(r"[0-9]{1,18}")


def _hidden_object(exc, view):
    """The existing object behind a 404 that the user may not see, or None (unknown id, plain missing page).

    Selectors say which object they refused (samenwerking.selectors.NietZichtbaar); an API viewset's own
    lookup does not, so there the object in the URL counts when it exists outside the viewset's scoped queryset.
    """
    model, pk, scoped = getattr(exc, "model", None), getattr(exc, "pk", None), None
    if model is None and view is not None and hasattr(view, "get_queryset"):
        pk = getattr(view, "kwargs", {}).get(getattr(view, "lookup_url_kwarg", None)
                                             or getattr(view, "lookup_field", "pk"))
        if pk is None:
            return None
        scoped = view.get_queryset()
        model = scoped.model
    if model is None or not _ID.fullmatch(str(pk)):
        return None
    obj = model._base_manager.filter(pk=pk).first()
    if obj is None or (scoped is not None and scoped.filter(pk=pk).exists()):
        return None
    return obj


def record_access_refusal(request, exc, *, view=None) -> Auditregel | None:
    """Record a refused request (ASVS 16.3): every 403, and a 404 on an object that exists but that the user
    may not see (another driehoek's arrangement, overleg, actiepunt, driehoek).

    A 404 for an id that exists nowhere, or for a page that does not exist, is not recorded: it reveals no
    attempt on anyone's data, and a crawler or a typo would otherwise fill the log. Called by
    samenwerking.beveiliging.WeigeringenMiddleware (site) and config.api.exception_handler (API), after the
    view's transaction was rolled back. An exception is recorded once (a refused transition already was).
    """
    if getattr(exc, "audit_vastgelegd", False):
        return None
    if isinstance(exc, Http404):
        status, obj = 404, _hidden_object(exc, view)
        if obj is None:
            return None
    elif isinstance(exc, PermissionDenied | api_exceptions.PermissionDenied):
        status, obj = 403, getattr(exc, "obj", None)
    else:
        return None
    exc.audit_vastgelegd = True
    user = getattr(request, "user", None)
    reden = str(getattr(exc, "detail", "") or exc)
    if status == 404 and getattr(exc, "model", None) is None:  # a library's 404 text, in English
        reden = gettext("Dit object bestaat, maar de gebruiker heeft er geen toegang toe.")
    return record_refusal(
        Gebeurtenis.TOEGANG_GEWEIGERD, request=request,
        gebruiker=user if user is not None and user.is_authenticated else None, obj=obj, reden=reden,
        details={"status": status, "methode": request.method, "pad": request.path[:300]},
    )


def record_transition_refusal(*, gebruiker, obj, actie: str, error: Exception) -> Auditregel | None:
    """Record a refused status change (not allowed from this status, or not for this user's role).

    Call it after the transition's transaction was rolled back. Marks the error, so that the 403 it may become
    is not recorded a second time as TOEGANG_GEWEIGERD.
    """
    error.audit_vastgelegd = True
    reden = " ".join(getattr(error, "messages", None) or [str(error)])
    return record_refusal(Gebeurtenis.OVERGANG_GEWEIGERD, gebruiker=gebruiker, obj=obj, reden=reden,
                          details={"actie": str(actie)[:100]})


def membership_snapshot(pk) -> dict | None:
    """The recorded fields of a membership as stored now (None for a new one), to log what a change changed."""
    from .models import Lidmaatschap

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


@dataclass
class ChainReport:
    checked: int
    problems: list[str]
    last_id: int | None
    last_hash: str


def verify_chain() -> ChainReport:
    """Walk the log in order; report every entry whose content or predecessor does not match its hashes."""
    previous = GENESIS
    problems, checked, last_id = [], 0, None
    for regel in Auditregel.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if regel.vorige_hash != previous:
            problems.append(f"Regel {regel.pk}: de vorige regel ontbreekt of is gewijzigd (keten verbroken).")
        if not hmac.compare_digest(compute_hash(regel), regel.hash):
            problems.append(f"Regel {regel.pk}: de inhoud is gewijzigd (hash klopt niet).")
        previous, last_id = regel.hash, regel.pk
    return ChainReport(checked=checked, problems=problems, last_id=last_id, last_hash=previous)


# --- hooks: authentication and accounts ---------------------------------------------------------------

@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender, request, user, **kwargs):
    via_oidc = getattr(user, "backend", "").endswith(".OIDCBackend")
    record(Gebeurtenis.INLOGGEN, request=request, gebruiker=user, details={"methode": "oidc"} if via_oidc else None)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Locked-out attempts are refused before the password is checked; axes marks them on the request.
    locked = getattr(request, "axes_locked_out", False)
    record(Gebeurtenis.INLOGGEN_MISLUKT, request=request, gebruiker=None,
           gebruikersnaam=str(credentials.get("username", "")),
           resultaat=Resultaat.GEWEIGERD if locked else Resultaat.MISLUKT,
           details=getattr(request, "audit_details", None))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Gebeurtenis.UITLOGGEN, request=request, gebruiker=user)


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    record(Gebeurtenis.GEBLOKKEERD, request=request, gebruiker=None, gebruikersnaam=username or "",
           resultaat=Resultaat.GEWEIGERD)


try:  # django-axes is installed in every environment; the guard keeps this module importable without it
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover
    pass
else:
    user_locked_out.connect(_on_locked_out, dispatch_uid="audit_locked_out")


_ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(pre_save, sender=Gebruiker, dispatch_uid="audit_account_before")
def _remember_flags(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(_ACCOUNT_FLAGS)):
        instance._audit_flags = None
        return
    instance._audit_flags = Gebruiker.objects.filter(pk=instance.pk).values(*_ACCOUNT_FLAGS).first()


@receiver(post_save, sender=Gebruiker, dispatch_uid="audit_account_after")
def _record_flag_changes(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_flags", None)
    if created or not before:
        return
    changes = {flag: [before[flag], getattr(instance, flag)] for flag in _ACCOUNT_FLAGS
               if before[flag] != getattr(instance, flag)}
    if changes:
        record(Gebeurtenis.ACCOUNT_GEWIJZIGD, request=_current_request(), obj=instance, details=changes)


@receiver(m2m_changed, sender=Gebruiker.groups.through, dispatch_uid="audit_groups")
def _record_group_changes(sender, instance, action, pk_set, reverse, **kwargs):
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    record(Gebeurtenis.ACCOUNT_GEWIJZIGD, request=_current_request(), obj=instance,
           details={"groepen": {"post_add": "toegevoegd", "post_remove": "verwijderd",
                                "post_clear": "alle verwijderd"}[action], "namen": names})


def _current_request():
    """The request simple_history's middleware keeps for this thread, for hooks that get no request."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)
