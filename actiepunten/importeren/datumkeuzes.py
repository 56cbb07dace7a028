"""The date answers of a long list: one whole-list default and, per deviating row, a line in one text field.

A list where hundreds of rows need a date answer would otherwise post two fields per row and exceed Django's
DATA_UPLOAD_MAX_NUMBER_FIELDS (the generic 400 page); the preview shows per-row inputs only for a short list.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ONBEKEND, DATUM = "onbekend", "datum"
PER_RIJ_MAX = 150  # date questions shown as per-row inputs (two fields each); above this, one text field
REGELS_MAX_CHARS = 60_000  # the deviations text; ~2,000 lines of 'rij: datum'
LINE = re.compile(r"\s*(?:rij\s*)?(\d{1,7})\s*[:=;\t]\s*(.*?)\s*", re.IGNORECASE)
GEEN_DATUM = {"onbekend", "geen datum", "datum onbekend", "geen", "-"}


@dataclass
class Afwijkingen:
    """The text field read: per row an answer, and the lines that could not be read."""

    datums: dict[int, tuple[str, str]] = field(default_factory=dict)
    fouten: list[str] = field(default_factory=list)


def read_lines(tekst: str) -> Afwijkingen:
    """'14: 01-10-2025' or '14: geen datum' per line; a later line for the same row wins."""
    result = Afwijkingen()
    if len(tekst) > REGELS_MAX_CHARS:
        result.fouten.append(_("De andere datums zijn langer dan %(max)s tekens; gebruik de keuze voor de hele "
                               "lijst en noem alleen de rijen die afwijken.") % {"max": REGELS_MAX_CHARS})
        return result
    for nummer, line in enumerate(tekst.splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.fullmatch(line)
        if not match or not match[2]:
            result.fouten.append(_("Regel %(nr)s van de andere datums ('%(tekst)s') is niet te lezen: schrijf "
                                   "'rijnummer: datum', bijvoorbeeld '14: 01-10-2025' of '14: geen datum'.")
                                 % {"nr": nummer, "tekst": line.strip()[:60]})
            continue
        waarde = match[2][:40]
        keuze = ONBEKEND if waarde.lower() in GEEN_DATUM else DATUM
        result.datums[int(match[1])] = (keuze, "" if keuze == ONBEKEND else waarde)
    return result


def as_lines(datums: dict[int, tuple[str, str]]) -> str:
    """The per-row answers as the text field shows them again."""
    return "\n".join(f"{rij}: {tekst if keuze == DATUM else _('geen datum')}"
                     for rij, (keuze, tekst) in sorted(datums.items()))
