"""Two-step verification: an authenticator app (TOTP, django-otp) with single-use recovery codes.

Who must use it: everyone who reviews, adopts or signs (roles beoordelaar, driehoeksecretaris, ondertekenaar)
in any driehoek, and beheerders. Others may switch it on; once on, they are asked for it too.

A session is verified by a code at login; the session keeps that fact (`SESSION_KEY`), so ordinary requests
cost no query. Signing, linking another app, new recovery codes and a new API token ask for the password and a
fresh code again, whatever the session says (`confirm_identity`): an open session alone cannot take over the
second factor or hand out a credential.

Recovery codes are stored as a keyed hash (never the code itself), in django-otp's static tokens, which keep
its throttling: each wrong code doubles the wait before the next attempt.
"""

import base64
import hashlib
import hmac
import io
import secrets
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, toegang

SESSION_KEY = "_tweestaps"
# A user without the requirement is looked at again after this long, so a role granted during a session
# asks for the second step within minutes, not at the next login.
RECHECK_SECONDS = 300
# The permissions whose holders must use the second step: reviewing, adopting and signing.
PERMISSIONS_REQUIRING = frozenset({toegang.REVIEW, toegang.ADOPT, toegang.SIGN})
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator-app"
RECOVERY_NAME = "Herstelcodes"


def required_for(user) -> bool:
    """True for beheerders and for anyone who may review, adopt or sign in a driehoek today."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return toegang.holds_anywhere(user, PERMISSIONS_REQUIRING)


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- the session ------------------------------------------------------------------------------------------

def session_state(request) -> str | None:
    """'geverifieerd', 'niet_nodig' (still fresh) or None (unknown: look it up)."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("gebruiker") != request.user.pk:
        return None
    if state.get("status") == "geverifieerd":
        return "geverifieerd"
    if state.get("status") == "niet_nodig" and time.time() - state.get("sinds", 0) < RECHECK_SECONDS:
        return "niet_nodig"
    return None


def mark_verified(request, middel: str) -> None:
    request.session[SESSION_KEY] = {"gebruiker": request.user.pk, "status": "geverifieerd", "middel": middel,
                                    "sinds": time.time()}


def mark_not_needed(request) -> None:
    request.session[SESSION_KEY] = {"gebruiker": request.user.pk, "status": "niet_nodig", "sinds": time.time()}


def needs_step(request) -> str | None:
    """What a logged-in request still needs: 'verificatie', 'instellen' or None (nothing)."""
    state = session_state(request)
    if state is not None:
        return None
    user = request.user
    if has_app(user):
        return "verificatie"
    if required_for(user):
        return "instellen"
    mark_not_needed(request)
    return None


# --- codes ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Uitkomst:
    gelukt: bool
    middel: str = ""  # "app" or "herstelcode"
    melding: str = ""


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _recovery_hash(code: str) -> str:
    key = f"herstelcode:{settings.SECRET_KEY}".encode()
    return hmac.new(key, _normalise(code).encode(), hashlib.sha256).hexdigest()[:16]


def _wait_message(devices) -> str:
    seconds = 1
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            seconds = max(seconds, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
    return _("Te veel onjuiste codes achter elkaar. Wacht %(seconden)s seconden en probeer het dan opnieuw.") % {
        "seconden": seconds}


def check_code(user, code: str, *, device: TOTPDevice | None = None) -> Uitkomst:
    """A code from the app (6 digits) or a recovery code. Each code works once; wrong codes slow down retries."""
    normalised = _normalise(code)
    app = device or app_device(user)
    if not normalised:
        return Uitkomst(False, melding=_("Vul de code in die uw authenticator-app nu toont, of een herstelcode."))
    if normalised.isdigit():
        if app is None:
            return Uitkomst(False, melding=_("Er is geen authenticator-app gekoppeld aan uw account."))
        if not app.verify_is_allowed()[0]:
            return Uitkomst(False, melding=_wait_message([app]))
        if len(normalised) == app.digits and app.verify_token(normalised):
            return Uitkomst(True, "app")
        if len(normalised) != app.digits:
            app.throttle_increment()
        return Uitkomst(False, melding=_(
            "Deze code klopt niet of is al gebruikt. Vul de code in die uw app nu toont; die verandert elke 30 "
            "seconden."))
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None:
        return Uitkomst(False, melding=_("Deze herstelcode klopt niet of is al gebruikt."))
    if not recovery.verify_is_allowed()[0]:
        return Uitkomst(False, melding=_wait_message([recovery]))
    if recovery.verify_token(_recovery_hash(normalised)):
        return Uitkomst(True, "herstelcode")
    return Uitkomst(False, melding=_("Deze herstelcode klopt niet of is al gebruikt."))


@dataclass(frozen=True)
class Herbevestiging:
    gelukt: bool
    veld: str = ""  # the form field the refusal belongs to: "wachtwoord" or "verificatiecode"
    melding: str = ""
    middel: str = ""  # "app" or "herstelcode"


def confirm_identity(request, *, password: str, code: str) -> Herbevestiging:
    """The password and a current code (app or recovery code) of the logged-in user, whatever the session says.

    The password first, so a wrong one does not use up the code. A wrong password counts towards the login
    lockout (django-axes, through the request), a wrong code towards django-otp's growing wait.
    """
    user = request.user
    if authenticate(request, username=user.get_username(), password=password) is None:
        return Herbevestiging(False, "wachtwoord", _("Het wachtwoord klopt niet."))
    uitkomst = check_code(user, code)
    if not uitkomst.gelukt:
        return Herbevestiging(False, "verificatiecode", uitkomst.melding)
    return Herbevestiging(True, middel=uitkomst.middel)


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 16 characters, 80 bits
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace all recovery codes of the user; the codes are returned once and stored only as hashes."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME,
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_recovery_hash(c)) for c in codes)
    return codes


# --- setting up and switching off ------------------------------------------------------------------------

def pending_device(user) -> TOTPDevice:
    """The unconfirmed app device of a set-up in progress (a new secret when there is none)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code (drawn as paths: no script, allowed by the page's CSP)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    label = _("QR-code om de app te koppelen; de sleutel staat er ook als tekst onder")
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="app-qr__code"', 1)


@transaction.atomic
def confirm_setup(request, device: TOTPDevice, code: str, *, herbevestigd_met: str = "") -> tuple[Uitkomst, list[str]]:
    """Confirm a new app with its first code: older apps of the user are removed, new recovery codes made.

    Replacing a linked app needs `herbevestigd_met`: the means (app or recovery code) by which the user just
    confirmed their identity with confirm_identity.
    """
    if has_app(request.user) and not herbevestigd_met:
        return Uitkomst(False, melding=_("Bevestig eerst met uw wachtwoord en een code van uw huidige app.")), []
    uitkomst = check_code(request.user, code, device=device)
    if not uitkomst.gelukt or uitkomst.middel != "app":
        if uitkomst.gelukt:  # a recovery code is no proof that the new app works
            uitkomst = Uitkomst(False, melding=_("Vul de code uit de nieuwe app in, geen herstelcode."))
        return uitkomst, []
    replaced = TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk)
    had_app = replaced.filter(confirmed=True).exists()
    replaced.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(request.user)
    mark_verified(request, "app")
    audit.record(audit.Gebeurtenis.MFA_INGESTELD, request=request, obj=request.user,
                 details={"vervangen": had_app, "herstelcodes": len(codes)})
    if had_app:
        audit.record(audit.Gebeurtenis.MFA_APP_GEKOPPELD, request=request, obj=request.user,
                     details={"herbevestigd_met": herbevestigd_met})
    return uitkomst, codes


@transaction.atomic
def switch_off(*, user, door, request=None, reden: str = "") -> int:
    """Remove the app and the recovery codes. A user's own choice, or a beheerder's reset (lost phone)."""
    removed = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if door.pk != user.pk:
        # A reset for a lost or stolen phone: sessions verified with it end now, on every device.
        type(user).objects.filter(pk=user.pk).update(sessie_generatie=F("sessie_generatie") + 1)
    audit.record(audit.Gebeurtenis.MFA_UITGESCHAKELD, request=request, gebruiker=door, obj=user,
                 details={"door_beheerder": door.pk != user.pk, "reden": reden})
    return removed
