"""API tokens: issued to a user themself (after a fresh second step) or by a beheerder to a system account.

The key is `hh_<8 hex>_<43 characters>`: 256 random bits after a short prefix that only serves to recognise a
token in a list. The database keeps the prefix and a SHA-256 of the whole key, never the key; a request's key is
looked up by its hash alone, so nothing is compared character by character and the prefix reveals no timing.

Requests send `Authorization: Token <key>` (or `Bearer <key>`). A token is refused, in Dutch JSON, when it is
unknown, revoked or expired, or when its user is no longer active.

Security log: creation and revocation each get an entry. Use gets one entry per token per hour (the first use in
that hour), which counts the requests since the previous entry (this one included), so a busy integration cannot
flood the log while every hour of use stays visible; `laatst_gebruikt` is kept to the minute. Refused uses
(unknown, revoked, expired) go through `audit.record_refusal`, rate-limited per user or address.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import audit
from .models import ApiToken, Gebruiker

KEY_PREFIX = "hh_"
# Far longer than any key this module makes; longer headers are refused before hashing.
MAX_KEY_LENGTH = 100
LAST_USED_EVERY = datetime.timedelta(minutes=1)
USE_LOGGED_EVERY_SECONDS = 3600
KEYWORDS = (b"token", b"bearer")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def default_days() -> int:
    return settings.API_TOKEN_GELDIGHEID_DAGEN


def max_days() -> int:
    return settings.API_TOKEN_MAXIMUM_DAGEN


def _new_key() -> tuple[str, str]:
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def create_token(*, gebruiker: Gebruiker, door: Gebruiker, naam: str, dagen: int | None = None,
                 request=None) -> tuple[ApiToken, str]:
    """A new token and its key (returned once). Only for oneself, or by a beheerder for a system account.

    The caller has checked the password and a fresh code (own token) or the beheer role (system account).
    """
    if gebruiker.pk != door.pk and not gebruiker.is_systeemaccount:
        raise PermissionDenied(_("Een API-token wordt alleen uitgegeven aan de gebruiker zelf of aan een "
                                 "systeemaccount."))
    if not gebruiker.is_active:
        raise ValidationError(_("Dit account is niet actief; het krijgt geen API-token."))
    dagen = default_days() if dagen is None else dagen
    if not 1 <= dagen <= max_days():
        raise ValidationError({"dagen": _("Kies een geldigheid van 1 tot en met %(max)s dagen.") % {
            "max": max_days()}})
    prefix, key = _new_key()
    token = ApiToken(gebruiker=gebruiker, naam=naam.strip(), prefix=prefix, sleutel_hash=hash_key(key),
                     aangemaakt_door=door, verloopt_op=timezone.now() + datetime.timedelta(days=dagen))
    token.full_clean()
    token._history_user = door
    token.save()
    audit.record(audit.Gebeurtenis.API_TOKEN_AANGEMAAKT, request=request, gebruiker=door, obj=token,
                 details={"voor": gebruiker.get_username(), "prefix": prefix, "systeemaccount":
                          gebruiker.is_systeemaccount, "verloopt_op": token.verloopt_op})
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, door: Gebruiker, request=None) -> bool:
    """Revoke now; False when it already was. The row stays, so the list still shows when it was used."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.ingetrokken_op is not None:
        return False
    locked.ingetrokken_op = timezone.now()
    locked._history_user = door
    locked.save(update_fields=["ingetrokken_op"])
    audit.record(audit.Gebeurtenis.API_TOKEN_INGETROKKEN, request=request, gebruiker=door, obj=locked,
                 details={"van": locked.gebruiker.get_username(), "prefix": locked.prefix})
    token.ingetrokken_op = locked.ingetrokken_op
    return True


def tokens_of(user):
    return ApiToken.objects.filter(gebruiker=user).order_by("-aangemaakt_op", "-id")


# --- authentication -----------------------------------------------------------------------------------------

def _refuse(request, melding: str, *, token: ApiToken | None = None, reden: str):
    # The Django request: DRF's own would authenticate again when the log asks for its user.
    audit.record_refusal(audit.Gebeurtenis.API_TOKEN_GEBRUIKT, request=request,
                         gebruiker=token.gebruiker if token else None, obj=token, reden=reden,
                         details={"prefix": token.prefix} if token else None)
    raise exceptions.AuthenticationFailed(melding)


def _record_use(request, token: ApiToken) -> None:
    now = timezone.now()
    if token.laatst_gebruikt is None or now - token.laatst_gebruikt >= LAST_USED_EVERY:
        # Not save(): the last use is no change of the token and stays out of its history.
        ApiToken.objects.filter(pk=token.pk).update(laatst_gebruikt=now)
    uses = f"apitoken:gebruik:aantal:{token.pk}"
    cache.add(uses, 0, timeout=2 * USE_LOGGED_EVERY_SECONDS)
    try:
        cache.incr(uses)
    except ValueError:  # expired between add and incr
        cache.set(uses, 1, timeout=2 * USE_LOGGED_EVERY_SECONDS)
    if cache.add(f"apitoken:gebruik:gelogd:{token.pk}", 1, timeout=USE_LOGGED_EVERY_SECONDS):
        count = cache.get(uses) or 1
        cache.delete(uses)
        audit.record(audit.Gebeurtenis.API_TOKEN_GEBRUIKT, request=request, gebruiker=token.gebruiker, obj=token,
                     details={"prefix": token.prefix, "methode": request.method, "pad": request.path[:200],
                              "gebruikt_sinds_vorige_regel": count})


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` or `Bearer <key>`, checked against the hashes of ApiToken."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        django_request = request._request
        if len(parts) != 2 or len(parts[1]) > MAX_KEY_LENGTH:
            _refuse(django_request, _("Ongeldige tokenkop: zet na 'Token' één sleutel, zonder spaties."),
                    reden="ongeldige kop")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            _refuse(django_request, _("Ongeldige token."), reden="onbekende token")
        token = (ApiToken.objects.select_related("gebruiker").filter(sleutel_hash=hash_key(key)).first())
        if token is None:
            _refuse(django_request, _("Ongeldige token."), reden="onbekende token")
        if token.ingetrokken:
            _refuse(django_request, _("Deze API-token is ingetrokken. Vraag een nieuwe aan."), token=token,
                    reden="ingetrokken")
        if token.verlopen:
            _refuse(django_request, _("Deze API-token is verlopen. Maak een nieuwe aan."), token=token,
                    reden="verlopen")
        if not token.gebruiker.is_active:
            _refuse(django_request, _("Het account van deze API-token is niet actief."), token=token,
                    reden="account niet actief")
        _record_use(django_request, token)
        return token.gebruiker, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token header."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "API-token van uw account: `Token <sleutel>` (of `Bearer <sleutel>`)."}
