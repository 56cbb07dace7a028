"""Refusals in the security audit log: rate-limited per actor and event, so the log cannot be flooded."""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions as api_exceptions

from ..models import Auditregel
from .vastleggen import Gebeurtenis, Resultaat, client_ip, current_request, record


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
    request = request if request is not None else current_request()
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
    samenwerking.beveiliging.WeigeringenMiddleware (site) and samenwerking.apibasis.exception_handler (API), after the
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
