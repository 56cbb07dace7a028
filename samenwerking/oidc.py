"""Optional login through an organisation's identity provider (OpenID Connect, mozilla-django-oidc).

Switched on by OIDC_INGESCHAKELD. Accounts are matched on the provider's `sub` only (stored in
Gebruiker.oidc_sub by a beheerder); an unknown `sub` is refused, never created, because roles in a driehoek are
granted deliberately. The product's own two-step verification still follows for the roles that need it.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import audit

logger = logging.getLogger(__name__)
FAILURE_URL = "/inloggen/?oidc=mislukt"


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_INGESCHAKELD", False))


class OIDCBackend(OIDCAuthenticationBackend):
    """Listed among the authentication backends always; does nothing while OIDC is switched off."""

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(oidc_sub=claims["sub"])

    def describe_user_by_claims(self, claims):
        return f"sub {claims.get('sub')}"

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            # OpenID Connect Core 5.3.2: the userinfo `sub` must be the id token's.
            raise SuspiciousOperation("userinfo sub wijkt af van het id-token")
        return self._match(user_info)

    def _match(self, claims):
        if not self.verify_claims(claims):
            raise SuspiciousOperation("geen sub in de gegevens van de identiteitsprovider")
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) == 1:
            return users[0]
        # Django then signals a failed login; the audit log's entry for it carries these details.
        self.request.audit_details = {"methode": "oidc", "reden": "geen account gekoppeld aan dit sub",
                                      "sub": str(claims["sub"])[:255]}
        return None


class OIDCStart(OIDCAuthenticationRequestView):
    """To the identity provider (with state, nonce and PKCE); 404 while OIDC is switched off."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OIDCTerug(OIDCAuthenticationCallbackView):
    """Back from the identity provider. Whatever goes wrong there ends on the login page with a Dutch message."""

    @property
    def failure_url(self):
        return FAILURE_URL

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        try:
            return super().dispatch(request, *args, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError) as error:
            logger.warning("OIDC-login mislukt: %s", error)
            audit.record(audit.Gebeurtenis.INLOGGEN_MISLUKT, request=request, resultaat=audit.Resultaat.MISLUKT,
                         details={"methode": "oidc", "reden": type(error).__name__})
            return HttpResponseRedirect(FAILURE_URL)


def start_url(next_url: str = "") -> str:
    url = reverse("oidc_start")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
