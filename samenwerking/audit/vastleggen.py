"""Appending to the security audit log: `record()` writes one hash-chained entry (samenwerking.audit.keten)."""

import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from simple_history.models import HistoricalRecords

from ..models import Auditregel
from . import keten

logger = logging.getLogger("beveiliging.audit")

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
    request = request if request is not None else current_request()
    if gebruiker is None and request is not None:
        user = getattr(request, "user", None)
        gebruiker = user if user is not None and user.is_authenticated else None
    # Round-trip through JSON so the hash is computed over exactly what the database gives back.
    details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        keten.lock()
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
            vorige_hash=last or keten.GENESIS,
        )
        regel.hash = keten.compute_hash(regel)
        regel.save()
        if interval := getattr(settings, "AUDITLOG_CONTROLEPUNT_INTERVAL", 0):
            keten.checkpoint(every=interval)
    logger.info("audit", extra={"audit": {
        "id": regel.pk, "gebeurtenis": regel.gebeurtenis, "resultaat": regel.resultaat,
        "gebruiker": regel.gebruikersnaam, "object": f"{regel.object_type}:{regel.object_id}",
        "ip": regel.ip_adres, "hash": regel.hash,
    }})
    return regel


def current_request():
    """The request simple_history's middleware keeps for this thread, for hooks that get no request."""
    return getattr(HistoricalRecords.context, "request", None)
