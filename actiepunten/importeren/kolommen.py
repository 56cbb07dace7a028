"""Which row of a list is its header, which column holds what, and what a status word means.

The header is found, not assumed: title rows, merged title cells and blank rows may stand above it. Columns are
recognised by Dutch synonyms and by what the driehoek chose before (ImportToewijzing); the user can correct
both in the preview. Onderwerp, Wie and Datum gereed are never guessed from a column's contents.
"""

import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Status

FIELDS = {
    "nummer": gettext_lazy("Nr"), "onderwerp": gettext_lazy("Onderwerp"), "wie": gettext_lazy("Wie"),
    "datum_gereed": gettext_lazy("Datum gereed"), "status": gettext_lazy("Status"),
    "toelichting": gettext_lazy("Toelichting"), "overleg": gettext_lazy("Overleg"),
    "email": gettext_lazy("E-mail"), "organisatie": gettext_lazy("Organisatie"),
}
REQUIRED = ("onderwerp", "wie", "datum_gereed")
COLUMNS = {
    "nummer": {"nr", "nummer", "no", "#", "actienummer", "volgnummer", "actienr", "actiepuntnummer", "nr actie",
               "actiepunt nr", "actie nr", "actie-nr", "id", "num"},
    "onderwerp": {"onderwerp", "actiepunt", "actie", "omschrijving", "wat", "actiepunten", "taak", "beschrijving",
                  "toezegging", "omschrijving actie", "actie omschrijving", "onderwerp actie"},
    "wie": {"wie", "eigenaar", "actiehouder", "verantwoordelijke", "trekker", "door", "uitvoerder", "actienemer",
            "houder", "verantwoordelijk", "wie doet het", "actie door"},
    "datum_gereed": {"datum gereed", "gereed", "datum", "deadline", "streefdatum", "uiterlijk", "datum_gereed",
                     "gereed op", "wanneer", "einddatum", "termijn", "gereed per", "planning", "uiterlijke datum",
                     "te gereed", "afspraak gereed", "datum klaar"},
    "status": {"status", "stand", "status actie", "actiestatus", "open/gesloten", "afgerond?"},
    "toelichting": {"toelichting", "opmerking", "opmerkingen", "stand van zaken", "voortgang", "notitie",
                    "notities", "bijzonderheden", "commentaar", "toelichting/stand van zaken"},
    "overleg": {"overleg", "vergadering", "datum overleg", "overlegdatum", "afkomstig uit", "ingebracht",
                "ingebracht in", "bron"},
    "email": {"e-mail", "email", "e-mailadres", "emailadres", "mail"},
    "organisatie": {"organisatie", "organisatie eigenaar", "partij"},
}
HEADER_ALIASES = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
HEADER_SCAN = 30  # candidate header rows looked at; a title block is never longer

STATUS_WORDS = {
    Status.OPEN: {"open", "nieuw", "te doen", "nog niet gestart", "niet gestart", "openstaand", "nog open",
                  "todo", "gepland"},
    Status.IN_UITVOERING: {"lopend", "loopt", "in uitvoering", "in behandeling", "bezig", "doorlopend",
                           "gestart", "onderhanden", "in progress", "in voorbereiding", "uitvoering"},
    Status.GEREED: {"gereed", "afgerond", "klaar", "afgehandeld", "voltooid", "gedaan", "done", "gesloten",
                    "uitgevoerd", "ja"},
    Status.VERVALLEN: {"vervallen", "geannuleerd", "ingetrokken", "niet meer nodig", "komt te vervallen",
                       "vervalt", "geschrapt"},
}
STATUS_ALIASES = {word: status for status, words in STATUS_WORDS.items() for word in words}


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"[ \t]+", " ", str(value)).strip()


def normalise(name) -> str:
    text = unicodedata.normalize("NFKC", cell_text(name)).lower()
    text = re.sub(r"\(.*?\)", " ", text).replace("*", " ").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip().rstrip(".:").strip()


def field_of(title, remembered: dict[str, str]) -> str | None:
    key = normalise(title)
    if not key:
        return None
    if key in remembered:
        return remembered[key] or None
    return HEADER_ALIASES.get(key) or HEADER_ALIASES.get(key.replace(" ", ""))


def header_score(row: list, remembered: dict[str, str]) -> int:
    """How many different fields a row names: a header names several, a title or data row hardly any."""
    fields = {field_of(cell, remembered) for cell in row if isinstance(cell, str)}
    fields.discard(None)
    return len(fields) + (2 if "onderwerp" in fields else 0)


def find_header(rows: list[tuple[int, list]], remembered: dict[str, str]) -> int | None:
    """The row number (as in the file) of the header among the first rows; None for a file without rows."""
    candidates = rows[:HEADER_SCAN]
    if not candidates:
        return None
    best_rij, best = None, 0
    for rij, row in candidates:
        score = header_score(row, remembered)
        if score > best:
            best_rij, best = rij, score
    if best_rij is not None:
        return best_rij
    # Nothing is recognised: the first row with more than one filled cell is most likely the header.
    wide = [rij for rij, row in candidates if sum(1 for v in row if cell_text(v)) > 1]
    return wide[0] if wide else candidates[0][0]


def map_columns(header: list, remembered: dict[str, str], chosen: dict[int, str] | None) -> dict[int, str]:
    """Column index → field. `chosen` (the user's choice in the preview) wins; else the remembered choice or a
    synonym. A field is given to the first column that claims it automatically."""
    if chosen is not None:
        return {index: field for index, field in chosen.items() if field in FIELDS and index < len(header)}
    mapping, taken = {}, set()
    for index, title in enumerate(header):
        field = field_of(title, remembered)
        if field and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping


def check_mapping(mapping: dict[int, str], header: list) -> list[str]:
    """What is wrong with a mapping, in Dutch: a field chosen twice, or a required field left out."""
    problems, seen = [], {}
    for index in sorted(mapping):
        field = mapping[index]
        if field in seen:
            problems.append(_("De kolommen '%(a)s' en '%(b)s' zijn allebei gekoppeld aan %(veld)s; kies er één.")
                            % {"a": column_name(header, seen[field]), "b": column_name(header, index),
                               "veld": FIELDS[field]})
        seen.setdefault(field, index)
    missing = [f"'{FIELDS[f]}'" for f in REQUIRED if f not in seen]
    if missing:
        found = ", ".join(f"'{cell_text(t)}'" for t in header if cell_text(t)) or _("geen")
        problems.append(_("Kolom %(kolommen)s ontbreekt. Verwacht worden Nr, Onderwerp, Wie en Datum gereed; "
                          "gevonden: %(gevonden)s. Kies hieronder bij 'Kolommen' welke kolom wat bevat, of wijs "
                          "een andere kopregel aan.") % {"kolommen": ", ".join(missing), "gevonden": found})
    return problems


def column_name(header: list, index: int) -> str:
    title = cell_text(header[index]) if index < len(header) else ""
    return title or _("kolom %(n)s") % {"n": index + 1}


def read_status(value) -> str | None:
    """A status word → a Status value; '' for an empty cell; None for a word that is not known."""
    text = normalise(value)
    if not text:
        return ""
    return STATUS_ALIASES.get(text) or STATUS_ALIASES.get(text.rstrip("!"))
