"""Mail backends for the reminder tests.

`FailingBackend` always fails like an unreachable SMTP server. `DirectoryBackend` writes each message as a
JSON file to $TEST_MAIL_DIR, so a test can count what a separate worker process sent; while the file
$TEST_MAIL_DIR/fail exists it fails instead.
"""

import json
import os
import smtplib
import uuid
from pathlib import Path

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
