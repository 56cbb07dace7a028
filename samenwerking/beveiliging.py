"""Security plumbing: response headers, the health endpoint, session lifetimes, the lockout page, Dutch error
pages (bad request, CSRF), the API body limit and the double-submit guard."""

import hashlib
import logging
import time
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from . import audit, tweestaps

HEALTH_PATH = "/gezondheid/"
LOGIN_STARTED = "_ingelogd_sinds"
LAST_SEEN = "_laatst_actief"

LOCKOUT_MESSAGE = _(
    "Te veel mislukte inlogpogingen. Inloggen met deze gebruikersnaam vanaf dit adres is tijdelijk geblokkeerd. "
    "Probeer het later opnieuw of neem contact op met de beheerder van uw organisatie."
)


class SecurityHeadersMiddleware:
    """Outermost: every response, including errors and the health check, carries the security headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Django's own middleware sets these too, but the health probe is answered before it runs.
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages of a logged-in user hold confidential data: no browser or proxy keeps a copy.
            response.setdefault("Cache-Control", "no-store")
        return response


class HealthCheckMiddleware:
    """Answers /gezondheid/ before host validation and the HTTPS redirect, so container probes on 127.0.0.1 work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH:
            return gezondheid(request)
        return self.get_response(request)


def gezondheid(request):
    """Liveness and readiness: the process answers and the database does too. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"; the cause is in the logs
        logging.getLogger(__name__).exception("Gezondheidscontrole: database onbereikbaar")
        response = JsonResponse({"status": "fout"}, status=503)
    else:
        response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_INACTIVITY_TIMEOUT without requests, or SESSION_ABSOLUTE_LIFETIME after login.

    The last-activity mark is written at most once a minute, so ordinary requests add no session write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(LOGIN_STARTED)
            last_seen = request.session.get(LAST_SEEN, started)
            if started is None:  # a session from before this middleware: start counting now
                request.session[LOGIN_STARTED] = request.session[LAST_SEEN] = now
            elif (now - started > settings.SESSION_ABSOLUTE_LIFETIME
                  or now - last_seen > settings.SESSION_INACTIVITY_TIMEOUT):
                audit.record(audit.Gebeurtenis.SESSIE_VERLOPEN, request=request, gebruiker=user,
                             details={"ingelogd_sinds": started, "laatst_actief": last_seen})
                logout(request)
            elif now - last_seen > 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def mark_login(*, request) -> None:
    """At login (samenwerking.signals): the session's absolute lifetime and inactivity start now."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_STARTED] = request.session[LAST_SEEN] = time.time()


class AxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check; re-authentication without a request (before signing) is left to the others."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The login page with one Dutch message, the same whether or not the account exists."""
    return render(request, "samenwerking/vergrendeld.html", {"melding": LOCKOUT_MESSAGE},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


class TweestapsMiddleware:
    """Sends a logged-in user to the second step (or to setting it up) until the session is verified.

    The session remembers a verification, so this costs no query once done. API requests get a 403 instead
    of a redirect. The second step's own pages, logging out and the "about" page stay reachable.
    """

    EXEMPT_NAMES = ("login", "logout", "login_verificatie", "account:tweestaps_instellen", "samenwerking:over")

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: frozenset[str] | None = None

    def exempt_paths(self) -> frozenset[str]:
        if self._exempt is None:
            self._exempt = frozenset(reverse(name) for name in self.EXEMPT_NAMES)
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and request.path not in self.exempt_paths()
                and not request.path.startswith(settings.STATIC_URL)):
            step = tweestaps.needs_step(request)
            if step is not None:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": str(_("Rond eerst de tweestapsverificatie af in de browser."))},
                                        status=403)
                target = "login_verificatie" if step == "verificatie" else "account:tweestaps_instellen"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class WeigeringenMiddleware:
    """Puts refusals of the site's views in the security log (ASVS 16.3): every 403, and every 404 on an existing
    object the user may not see (samenwerking.audit.record_access_refusal decides which 404s count).

    process_exception runs after the view's transaction was rolled back, so the entry stays; the API answers
    its own exceptions, and samenwerking.apibasis.exception_handler records those.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied):
            audit.record_access_refusal(request, exception)
        return None  # the normal 403/404 page follows


# --- Dutch error answers that reveal nothing internal -----------------------------------------------------

API_PREFIX = "/api/"
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
TOO_LARGE_MESSAGE = _("Het verzoek is te groot. Stuur minder of kortere gegevens.")
BAD_REQUEST_MESSAGE = _("Dit verzoek kan niet worden verwerkt. Controleer het adres in de adresbalk en probeer het "
                        "opnieuw.")
CSRF_MESSAGE = _("Het verzoek is geweigerd: de beveiligingscontrole (CSRF) van uw sessie ontbreekt of klopt niet. "
                 "Laad de pagina opnieuw en probeer het nog eens.")


def _page(template: str, status: int, **context) -> HttpResponse:
    # Rendered without the request: a bad Host header must not reach context processors or {% url %} lookups.
    return HttpResponse(loader.get_template(template).render(context), status=status)


def bad_request(request, exception=None):
    """handler400: a bad Host header, a body over Django's limits, any other suspicious request; in Dutch."""
    too_large = isinstance(exception, TOO_LARGE)
    match, user = getattr(request, "resolver_match", None), getattr(request, "user", None)
    if too_large and match and getattr(match.func, "te_groot", None) and user and user.is_authenticated:
        # A page may answer in place, e.g. the import page saying the paste limit; access is checked there.
        try:
            return match.func.te_groot(request, exception, **match.kwargs)
        except (Http404, PermissionDenied):
            pass
    status, message = (413, TOO_LARGE_MESSAGE) if too_large else (400, BAD_REQUEST_MESSAGE)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": str(message)}, status=status)
    return _page("400.html", status, melding=message)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's page mentions DEBUG and the internal reason; this one only says what to do."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": str(CSRF_MESSAGE)}, status=403)
    return _page("403_csrf.html", 403)


class ApiBodyLimitMiddleware:
    """An API body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in Dutch JSON before anything reads it.

    DRF's JSON parser reads the request stream itself, so Django's own limit (which guards request.body and
    request.POST) would not stop a huge JSON body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path.startswith(API_PREFIX):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads an invalid length as no body at all
            if length > limit:
                return JsonResponse({"detail": str(TOO_LARGE_MESSAGE)}, status=413)
        return self.get_response(request)


# --- double submits ---------------------------------------------------------------------------------------

# An identical form POST within this many seconds is answered with the first one's redirect.
DOUBLE_SUBMIT_WINDOW = 10
# How long a simultaneous twin waits for the first to finish before it is told to wait.
DOUBLE_SUBMIT_WAIT = 20
DOUBLE_SUBMIT_BUSY = _("Dit formulier wordt al verwerkt. Wacht even en open de pagina dan opnieuw.")


class DoubleSubmitMiddleware:
    """A second identical form POST (same session, path and fields) within seconds creates nothing new.

    The first POST holds a cache lock while it runs; when it answers with a redirect (a form that succeeded),
    the redirect is remembered for DOUBLE_SUBMIT_WINDOW seconds and an identical POST gets that redirect without
    running the view. A twin arriving while the first still runs waits for it. Only redirects are remembered: a
    form re-rendered with errors, or a wrong code, runs again (and counts again). Forms carrying a file, the
    API, login, the second step, account security pages, signing and the import (which guard themselves) are
    left alone; so is a herziening, which answers a repeat with the version it made.
    """

    EXEMPT_NAMES = ("login", "login_verificatie", "logout", "oidc_start", "oidc_terug", "verifieer",
                    "arrangementen:document_ondertekenen", "arrangementen:herziening", "actiepunten:importeren")
    EXEMPT_PREFIXES = (API_PREFIX, "/account/")
    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def exempt(self, request) -> bool:
        if request.path.startswith(self.EXEMPT_PREFIXES):
            return True
        try:
            return resolve(request.path_info).view_name in self.EXEMPT_NAMES
        except Resolver404:
            return True  # nothing to protect: the view answers 404

    def key(self, request) -> str | None:
        user = getattr(request, "user", None)
        if (request.method != "POST" or user is None or not user.is_authenticated
                or request.content_type not in self.FORM_TYPES or self.exempt(request)):
            return None
        if request.FILES:
            return None  # an upload is never replayed from memory; the views that take files guard themselves
        fields = sorted((name, values) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken")
        digest = hashlib.sha256(repr((user.pk, request.session.session_key, request.get_full_path(), fields))
                                .encode()).hexdigest()
        return f"dubbel:{digest}"

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        answer, lock = f"{key}:antwoord", f"{key}:bezig"
        deadline = time.monotonic() + DOUBLE_SUBMIT_WAIT
        while True:
            if (location := cache.get(answer)) is not None:
                return HttpResponseRedirect(location)
            if cache.add(lock, 1, timeout=DOUBLE_SUBMIT_WAIT + 60):
                break
            if time.monotonic() > deadline:
                return _page("400.html", 409, melding=DOUBLE_SUBMIT_BUSY)
            time.sleep(0.05)
        try:
            response = self.get_response(request)
            if response.status_code in (301, 302, 303) and response.get("Location"):
                cache.set(answer, response["Location"], timeout=DOUBLE_SUBMIT_WINDOW)
            return response
        finally:
            cache.delete(lock)
