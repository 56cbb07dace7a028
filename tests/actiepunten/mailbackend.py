"""Mail backends for the reminder tests.

`FailingBackend` always fails like an unreachable SMTP server. `DirectoryBackend` writes each message as a
JSON file to $TEST_MAIL_DIR, so a test can count what a separate worker process sent; while the file
$TEST_MAIL_DIR/fail exists it fails instead. `CountingBackend` and `CrashingBackend` are locmem with a count of
opened connections and a crash at the n-th message.
"""

import json
import os
import smtplib
import uuid
from pathlib import Path

from django.core import mail
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("verbinding met de mailserver verbroken")


class DirectoryBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_MAIL_DIR"])
        if (directory / "fail").exists():
            raise smtplib.SMTPServerDisconnected("verbinding met de mailserver verbroken")
        for message in email_messages:
            (directory / f"{uuid.uuid4().hex}.json").write_text(
                json.dumps({"to": message.to, "subject": message.subject, "body": message.body}), "utf-8")
        return len(email_messages)


class CountingBackend(locmem.EmailBackend):
    """locmem that counts the connections opened (`opened`), to show a batch shares one."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return True


class Onderbreking(BaseException):
    """The process dying mid-send (not an Exception: nothing in the sender may catch and record it)."""


class CrashingBackend(locmem.EmailBackend):
    """locmem that dies when it is about to hand over message number `crash_at` (1-based) of this process."""

    crash_at = 0

    def send_messages(self, email_messages):
        if len(mail.outbox) + 1 == CrashingBackend.crash_at:
            raise Onderbreking
        return super().send_messages(email_messages)
