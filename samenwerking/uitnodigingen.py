"""Invitations: a new account gets an e-mail with a one-time link to choose its own password.

The beheerder never types or sees another person's password. The link carries the moment it was made and an
HMAC (key: SECRET_KEY, with its fallbacks) over that moment and the account's password hash, last login, active
flag and e-mail address. Nothing is stored, so the database holds no token at all; setting the password and the
login that follows change the hash, so a link works once, and it expires after UITNODIGING_GELDIG_UREN (72) hours.
A new invitation does not void an older unused link, which still expires in time.

After the password, the person is logged in and TweestapsMiddleware asks for the second step where the role or
the beheer role needs it.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.mail import EmailMessage
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import base36_to_int, int_to_base36, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import audit, berichten
from .models import Gebruiker

logger = logging.getLogger(__name__)

KEY_SALT = "samenwerking.uitnodigingen"
SESSION_KEY = "_uitnodiging"
# Stands in for the token in the address once it is checked, so it never lands in history or a Referer.
CHECKED = "wachtwoord"


def hours_valid() -> int:
    return getattr(settings, "UITNODIGING_GELDIG_UREN", 72)


def _digest(gebruiker: Gebruiker, issued: int, secret: str) -> str:
    last_login = "" if gebruiker.last_login is None else gebruiker.last_login.replace(microsecond=0, tzinfo=None)
    state = f"{gebruiker.pk}|{gebruiker.password}|{last_login}|{gebruiker.is_active}|{gebruiker.email}|{issued}"
    return salted_hmac(KEY_SALT, state, secret=secret, algorithm="sha256").hexdigest()[:40]


def make_token(*, gebruiker: Gebruiker, now: datetime.datetime | None = None) -> str:
    issued = int((now or timezone.now()).timestamp())
    return f"{int_to_base36(issued)}-{_digest(gebruiker, issued, settings.SECRET_KEY)}"


def check_token(*, gebruiker: Gebruiker, token: str, now: datetime.datetime | None = None) -> str:
    """'geldig', 'verlopen' (genuine but too old) or 'ongeldig' (used, replaced, forged or malformed)."""
    issued_b36, _sep, digest = (token or "").partition("-")
    try:
        issued = base36_to_int(issued_b36)
    except ValueError:
        return "ongeldig"
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(_digest(gebruiker, issued, secret), digest) for secret in secrets):
        return "ongeldig"
    age = (now or timezone.now()).timestamp() - issued
    return "geldig" if 0 <= age <= hours_valid() * 3600 else "verlopen"


def link_for(*, gebruiker: Gebruiker) -> str:
    path = reverse("account:uitnodiging", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(gebruiker.pk)),
                                                  "token": make_token(gebruiker=gebruiker)})
    return settings.SITE_URL.rstrip("/") + path


def can_invite(gebruiker: Gebruiker) -> bool:
    """People log in; system accounts only use API tokens, and a deactivated account cannot use a link."""
    return gebruiker.is_active and not gebruiker.is_systeemaccount and bool(gebruiker.email)


def send_invitation(*, gebruiker: Gebruiker, door: Gebruiker, request=None) -> bool:
    """Mail the invitation; True when the mail server took it. Recorded in the security log either way."""
    if not can_invite(gebruiker):
        return False
    verloopt = timezone.localtime() + datetime.timedelta(hours=hours_valid())
    body = render_to_string("registration/uitnodiging_email.txt", {
        "gebruiker": gebruiker, "door": door, "link": link_for(gebruiker=gebruiker), "uren": hours_valid(),
        "verloopt": date_format(verloopt, "j F Y H:i"),
    })
    message = EmailMessage(berichten.subject_line(_("Uitnodiging voor Handhavingsarrangementen")), body,
                           to=[gebruiker.email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Uitnodiging voor gebruiker %s niet verstuurd", gebruiker.pk)
        audit.record(audit.Gebeurtenis.UITNODIGING_VERSTUURD, request=request, gebruiker=door, obj=gebruiker,
                     resultaat=audit.Resultaat.MISLUKT, details={"aan": gebruiker.email})
        return False
    audit.record(audit.Gebeurtenis.UITNODIGING_VERSTUURD, request=request, gebruiker=door, obj=gebruiker,
                 details={"aan": gebruiker.email, "geldig_uren": hours_valid()})
    return True


# --- accepting ----------------------------------------------------------------------------------------------

def _user_from(uidb64: str) -> Gebruiker | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    return Gebruiker.objects.filter(pk=pk, is_systeemaccount=False).first()


def _refused(request, gebruiker: Gebruiker | None, status: str):
    # Whoever opened the link is not known to be the invited person: the account is the object, not the actor.
    audit.record_refusal(audit.Gebeurtenis.UITNODIGING_GEBRUIKT, request=request, obj=gebruiker,
                         reden="link verlopen" if status == "verlopen" else "link ongeldig of al gebruikt")
    return render(request, "registration/uitnodiging_ongeldig.html", {"verlopen": status == "verlopen"},
                  status=410)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accepteren(request, uidb64: str, token: str):
    """The link from the e-mail: checked, then the password form at an address without the token."""
    gebruiker = _user_from(uidb64)
    if token == CHECKED:
        token = request.session.get(SESSION_KEY, {}).get(uidb64, "")
    elif gebruiker is not None:
        request.session[SESSION_KEY] = {uidb64: token}
        if check_token(gebruiker=gebruiker, token=token) == "geldig":
            return HttpResponseRedirect(reverse("account:uitnodiging", kwargs={"uidb64": uidb64, "token": CHECKED}))
    status = check_token(gebruiker=gebruiker, token=token) if gebruiker is not None else "ongeldig"
    if status != "geldig":
        request.session.pop(SESSION_KEY, None)
        return _refused(request, gebruiker, status)
    form = SetPasswordForm(gebruiker, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session.pop(SESSION_KEY, None)
        audit.record(audit.Gebeurtenis.UITNODIGING_GEBRUIKT, request=request, gebruiker=gebruiker, obj=gebruiker)
        # The link proved the e-mail address; the second step still follows where the role needs it.
        login(request, gebruiker, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(reverse("samenwerking:dashboard"))
    return render(request, "registration/uitnodiging.html", {"form": form, "gebruiker": gebruiker})
