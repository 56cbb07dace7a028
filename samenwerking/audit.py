"""The security audit log: `record()` appends one hash-chained entry; `verify_chain()` finds edits and gaps.

Each entry's hash is an HMAC (key: AUDITLOG_SLEUTEL, never the SECRET_KEY) over its own fields and the previous
entry's hash, so changing or deleting a row breaks the chain from that row on, and rewriting the chain needs
the key. A chain alone cannot show that its newest rows were deleted; for that, every
AUDITLOG_CONTROLEPUNT_INTERVAL entries and every hour a signed checkpoint (Auditcontrolepunt: count, last id,
last hash; chained and HMAC'd the same way) is written to a separate table, and every entry and checkpoint is
also a JSON log line on stdout, so an external log store keeps a second copy.

What an attacker with write access to the database (the owner, who can switch the triggers off) can and
cannot do unnoticed:
- change, insert or delete a row in the middle of the log or of the checkpoints: detected (chain, HMAC);
- delete the newest log rows up to the latest checkpoint: detected ("de laatste N regels ontbreken");
- delete the rows written after the latest checkpoint (at most the interval, or an hour): not detected here;
  the external log lines show them;
- delete the newest rows *and* every checkpoint after them: not detected here; the external log lines and the
  last hash that `controleer_auditlog` prints (keep it elsewhere; `--anker` compares it later) show it;
- forge rows or checkpoints that verify: only with AUDITLOG_SLEUTEL, which lives in the environment, not in
  the database.
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
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions as api_exceptions

from .models import Auditcontrolepunt, Auditregel, Gebruiker

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


def _keys() -> list[bytes]:
    """The chain key, then the previous one (AUDITLOG_VORIGE_SLEUTEL) that older entries may still carry."""
    current = getattr(settings, "AUDITLOG_SLEUTEL", "")
    if not current:
        raise ImproperlyConfigured("De instelling AUDITLOG_SLEUTEL ontbreekt (de sleutel van het beveiligingslogboek).")
    previous = getattr(settings, "AUDITLOG_VORIGE_SLEUTEL", "")
    return [current.encode()] + ([previous.encode()] if previous else [])


def _key() -> bytes:
    return _keys()[0]


def _sign(payload: bytes, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), payload, hashlib.sha256).hexdigest()


def _signed(payload: bytes, stored: str) -> bool:
    return any(hmac.compare_digest(_sign(payload, key), stored) for key in _keys())


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
    return _sign(_payload(regel))


def _checkpoint_payload(punt: Auditcontrolepunt) -> bytes:
    fields = {"tijdstip": punt.tijdstip.isoformat(timespec="microseconds"), "aantal": punt.aantal,
              "laatste_id": punt.laatste_id, "laatste_hash": punt.laatste_hash, "vorige_hash": punt.vorige_hash}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _lock():
    """Serialise appends on PostgreSQL (SQLite serialises writers itself); call inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def _checkpoint(*, every: int) -> Auditcontrolepunt | None:
    """Write a checkpoint when at least `every` entries (>= 1) came after the previous one; under _lock()."""
    previous = Auditcontrolepunt.objects.order_by("-id").first()
    newer = Auditregel.objects.filter(id__gt=previous.laatste_id) if previous else Auditregel.objects.all()
    count = newer.count()
    if count < max(every, 1):
        return None
    last_id, last_hash = newer.order_by("-id").values_list("id", "hash").first()
    punt = Auditcontrolepunt(aantal=(previous.aantal if previous else 0) + count, laatste_id=last_id,
                             laatste_hash=last_hash, vorige_hash=previous.hash if previous else GENESIS)
    punt.hash = _sign(_checkpoint_payload(punt))
    punt.save()
    logger.info("audit-controlepunt", extra={"audit_controlepunt": {
        "id": punt.pk, "aantal": punt.aantal, "laatste_id": punt.laatste_id, "laatste_hash": punt.laatste_hash,
        "hash": punt.hash,
    }})
    return punt


def write_checkpoint() -> Auditcontrolepunt | None:
    """Anchor the log's current length now (the hourly task); None when nothing was added since the last one."""
    with transaction.atomic():
        _lock()
        return _checkpoint(every=1)


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
        _lock()
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
        if interval := getattr(settings, "AUDITLOG_CONTROLEPUNT_INTERVAL", 0):
            _checkpoint(every=interval)
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

    Selectors say which object they refused (samenwerking.toegang.NietZichtbaar); an API viewset's own
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
    checkpoints: int = 0


# The append-only triggers of migrations 0002 and 0007, per database.
PROTECTING_TRIGGERS = {
    "postgresql": ("auditregel_alleen_toevoegen", "auditcontrolepunt_alleen_toevoegen"),
    "sqlite": ("auditregel_geen_wijziging", "auditregel_geen_verwijdering",
               "auditcontrolepunt_geen_wijziging", "auditcontrolepunt_geen_verwijdering"),
}


def _unprotected() -> list[str]:
    """The append-only triggers that are missing or switched off (a table rebuild or an owner can do that)."""
    wanted = PROTECTING_TRIGGERS.get(connection.vendor)
    if not wanted:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled <> 'D'",
                           [list(wanted)])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in wanted if name not in present]


def _verify_checkpoints(problems: list[str]) -> tuple[Auditcontrolepunt | None, int]:
    """Check the checkpoints' own chain and signatures; the newest correctly signed one anchors the log."""
    previous, anchor, count = GENESIS, None, 0
    for punt in Auditcontrolepunt.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if punt.vorige_hash != previous:
            problems.append(f"Controlepunt {punt.pk}: het vorige controlepunt ontbreekt of is gewijzigd.")
        if _signed(_checkpoint_payload(punt), punt.hash):
            anchor = punt
        else:
            problems.append(f"Controlepunt {punt.pk}: de inhoud is gewijzigd of vervalst (hash klopt niet).")
        previous = punt.hash
    return anchor, count


def verify_chain(*, anker: tuple[int, str] | None = None) -> ChainReport:
    """Walk the log in order; report every entry whose content or predecessor does not match its hashes, and
    a log shorter than its latest checkpoint (or than `anker`: an id and hash kept outside, from an earlier run).
    """
    problems: list[str] = []
    anker = anker if anker and anker[0] else None  # "0:…" is the anchor of an empty log
    for name in _unprotected():
        problems.append(f"De beveiliging tegen wijzigen en verwijderen ontbreekt of staat uit (trigger {name}).")
    anchor, checkpoints = _verify_checkpoints(problems)
    watched = {anchor.laatste_id if anchor else None, anker[0] if anker else None}
    seen: dict[int, str] = {}
    previous, checked, last_id, up_to_anchor = GENESIS, 0, None, 0
    for regel in Auditregel.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if regel.vorige_hash != previous:
            problems.append(f"Regel {regel.pk}: de vorige regel ontbreekt of is gewijzigd (keten verbroken).")
        if not _signed(_payload(regel), regel.hash):
            problems.append(f"Regel {regel.pk}: de inhoud is gewijzigd (hash klopt niet).")
        if anchor and regel.pk <= anchor.laatste_id:
            up_to_anchor += 1
        if regel.pk in watched:
            seen[regel.pk] = regel.hash
        previous, last_id = regel.hash, regel.pk
    if anchor and up_to_anchor < anchor.aantal and (last_id or 0) < anchor.laatste_id:
        problems.append(
            f"De laatste {anchor.aantal - up_to_anchor} regels ontbreken (ten minste): controlepunt {anchor.pk} "
            f"telde {anchor.aantal} regels tot en met regel {anchor.laatste_id}, het logboek eindigt bij regel "
            f"{last_id or '-'} na {up_to_anchor} regels.")
    elif anchor and up_to_anchor != anchor.aantal:
        problems.append(f"Controlepunt {anchor.pk} telde {anchor.aantal} regels tot en met regel "
                        f"{anchor.laatste_id}; het logboek heeft er daar {up_to_anchor}.")
    elif anchor and not hmac.compare_digest(seen.get(anchor.laatste_id, ""), anchor.laatste_hash):
        problems.append(f"Regel {anchor.laatste_id} verschilt van controlepunt {anchor.pk}.")
    if anker and anker[0] not in seen:
        problems.append(f"De laatste regels ontbreken: regel {anker[0]} (het opgegeven anker) bestaat niet meer; "
                        f"het logboek eindigt bij regel {last_id or '-'}." if (last_id or 0) < anker[0] else
                        f"Regel {anker[0]} (het opgegeven anker) ontbreekt.")
    elif anker and not hmac.compare_digest(seen[anker[0]], anker[1]):
        problems.append(f"Regel {anker[0]} heeft een andere hash dan het opgegeven anker.")
    return ChainReport(checked=checked, problems=problems, last_id=last_id,
                       last_hash=previous, checkpoints=checkpoints)


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
