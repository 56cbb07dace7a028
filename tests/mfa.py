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
