"""Second-factor codes for tests: real TOTP codes from a user's own device, as an authenticator app makes them.

django-otp refuses a code for a time step at or before the last one used (replay protection), so a test that
verifies twice in one 30-second window gets the code of the next step, which the device accepts within its
tolerance; when even that is used up, it waits for the clock.
"""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def next_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    target = max(totp.t(), device.last_t + 1)
    while target > totp.t() + device.tolerance:
        time.sleep(1)
    totp.time = device.t0 + (target - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def code_for(user) -> str:
    device = device_for(user)
    assert device is not None, f"{user} heeft geen bevestigde authenticator-app"
    return next_code(device)


def complete_second_step(client, user) -> None:
    """Mark a test client's session as the login flow would after the second step (or as not needing one)."""
    from samenwerking import tweestaps

    needs_app = tweestaps.required_for(user) or tweestaps.has_app(user)
    if needs_app and not tweestaps.has_app(user):
        TOTPDevice.objects.create(user=user, name=tweestaps.APP_NAME, confirmed=True)
    state = {"gebruiker": user.pk, "status": "geverifieerd" if needs_app else "niet_nodig", "sinds": time.time()}
    if needs_app:
        state["middel"] = "app"
    session = client.session
    session[tweestaps.SESSION_KEY] = state
    session.save()


def unverified(client) -> None:
    """Forget the second step of the client's session, as right after the password."""
    from samenwerking import tweestaps

    session = client.session
    session.pop(tweestaps.SESSION_KEY, None)
    session.save()


def app_code(user) -> str:
    """A fresh code from the user's app, linking one first when the user has none (for service-level tests)."""
    if device_for(user) is None:
        TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)
    return code_for(user)
