"""E-mail plumbing shared by every app: one sanitised subject line, and a check for control characters in text.

A subject with a line break makes Django refuse the whole message (BadHeaderError); a title is user input, so
every mail subject goes through `subject_line()` instead of trusting it.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Long enough for a title and a status, short enough for every mail client's subject column.
MAX_SUBJECT = 150

_LINE_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}
_SPACES = re.compile(r"\s+")

STUURTEKENS_MELDING = _("Gebruik geen stuurtekens (zoals een regeleinde of tab) in dit veld.")


def _is_control(char: str) -> bool:
    # Cc: C0/C1 control characters; Cf would also catch soft hyphens, which are harmless.
    return char in _LINE_BREAKS or unicodedata.category(char) == "Cc"


def subject_line(text: str, *, max_length: int = MAX_SUBJECT) -> str:
    """One line, no control characters, at most `max_length` characters (shortened with '…')."""
    line = "".join(" " if _is_control(char) else char for char in str(text))
    line = _SPACES.sub(" ", line).strip()
    if len(line) > max_length:
        line = line[:max_length - 1].rstrip() + "…"
    return line


def has_control_characters(text: str) -> bool:
    return any(_is_control(char) for char in text)


def refuse_control_characters(text: str) -> str:
    """A validator for one-line fields (titles): a line break or other control character is refused in Dutch."""
    if has_control_characters(text):
        raise ValidationError(STUURTEKENS_MELDING, code="stuurtekens")
    return text
