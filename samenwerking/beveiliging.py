"""Security plumbing: response headers, the health endpoint, session lifetimes, the lockout page."""

import logging
import time
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.dispatch import receiver
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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


@receiver(user_logged_in, dispatch_uid="session_login_started")
def _mark_login(sender, request, user, **kwargs):
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
    its own exceptions, and config.api.exception_handler records those.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied):
            audit.record_access_refusal(request, exception)
        return None  # the normal 403/404 page follows
