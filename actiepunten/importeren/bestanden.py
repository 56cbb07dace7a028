"""The bounds of the import (IMPORT_MAX_* settings), the refusals, and reading a CSV file within them.

A bound that is exceeded raises `Limiet`: a Dutch message that names the limit (and the row where it applies),
and the setting it comes from, for the security log. A file that is not what it claims raises `Onleesbaar`.
A CSV file is bounded in line length, field size, rows and columns; an XLSX file is read by `xlsx`.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

DELIMITER_LINES = 40  # lines looked at to choose between tab, semicolon and comma


@dataclass(frozen=True)
class Grenzen:
    """The IMPORT_MAX_* settings, read once per upload."""

    bytes: int
    rows: int
    columns: int
    cell_chars: int
    line_chars: int
    uncompressed: int
    ratio: int
    members: int
    xml_elements: int

    @classmethod
    def from_settings(cls) -> "Grenzen":
        return cls(
            bytes=settings.IMPORT_MAX_BYTES, rows=settings.IMPORT_MAX_ROWS, columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS, line_chars=settings.IMPORT_MAX_LINE_CHARS,
            uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_BYTES, ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            members=settings.IMPORT_MAX_ZIP_MEMBERS, xml_elements=settings.IMPORT_MAX_XML_ELEMENTS,
        )

    @property
    def shared_strings(self) -> int:
        # A sheet within bounds cannot use more distinct texts than it has cells.
        return (self.rows + 1) * self.columns


class Limiet(Exception):  # noqa: N818 - a Dutch domain noun, like the other refusals here
    """A bound of the import was exceeded: `tekst` says which in Dutch; `limiet` names the setting."""

    def __init__(self, limiet: str, maximum: int | None, tekst: str, rij: int | None = None):
        super().__init__(tekst)
        self.limiet, self.maximum, self.tekst, self.rij = limiet, maximum, tekst, rij

    @property
    def details(self) -> dict:
        return {"limiet": self.limiet, "maximum": self.maximum, "rij": self.rij}


class Onleesbaar(Exception):  # noqa: N818
    """The file cannot be read as what it claims to be; `tekst` says so in Dutch."""

    def __init__(self, tekst: str):
        super().__init__(tekst)
        self.tekst = tekst


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def too_many_rows(grenzen: Grenzen, rij: int) -> Limiet:
    return Limiet("IMPORT_MAX_ROWS", grenzen.rows, _(
        "Er kunnen maximaal %(max)s actiepunten (plus de kopregel) tegelijk worden geïmporteerd. Splits de "
        "actielijst op, of verwijder lege of opgemaakte rijen onder de lijst.") % {"max": grenzen.rows}, rij)


def too_many_columns(grenzen: Grenzen, rij: int, kolom: int) -> Limiet:
    return Limiet("IMPORT_MAX_COLUMNS", grenzen.columns, _(
        "Deze rij heeft een cel in kolom %(kolom)s; er worden maximaal %(max)s kolommen gelezen. Verwijder de "
        "kolommen naast de lijst.") % {"kolom": column_letters(kolom), "max": grenzen.columns}, rij)


def too_long(grenzen: Grenzen, rij: int | None) -> Limiet:
    return Limiet("IMPORT_MAX_CELL_CHARS", grenzen.cell_chars,
                  _("Een cel is langer dan %(max)s tekens.") % {"max": grenzen.cell_chars}, rij)


def damaged() -> Onleesbaar:
    return Onleesbaar(_("Het bestand kan niet als Excel-bestand (.xlsx) worden gelezen."))


def check_size(data: bytes, grenzen: Grenzen) -> None:
    if len(data) > grenzen.bytes:
        raise Limiet("IMPORT_MAX_BYTES", grenzen.bytes, _(
            "Het bestand is groter dan %(max)s MB. Splits de actielijst op.") % {"max": megabytes(grenzen.bytes)})


def check_row(rij: int, row, grenzen: Grenzen) -> None:
    """Every cell of a row read within the column bound is at most IMPORT_MAX_CELL_CHARS long."""
    for value in row:
        if isinstance(value, str) and len(value) > grenzen.cell_chars:
            raise too_long(grenzen, rij)


# --- CSV -------------------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode-tekst" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # maps every byte; stray control bytes are refused per cell later


def _lines(text: str, grenzen: Grenzen, rows_read: list) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        if len(line) > grenzen.line_chars:
            raise Limiet("IMPORT_MAX_LINE_CHARS", grenzen.line_chars, _(
                "Een regel van het bestand is langer dan %(max)s tekens.") % {"max": grenzen.line_chars},
                len(rows_read) + 1)
        yield line


def _delimiter(text: str, grenzen: Grenzen) -> str:
    """The separator of the first line that uses one at least twice (a header of three columns or more): title
    rows above the header have none, and a quoted text below it may hold commas on every line."""
    fallback = ""
    for line in text[:grenzen.line_chars].splitlines()[:DELIMITER_LINES]:
        best = max("\t;,", key=line.count)
        if line.count(best) >= 2:
            return best
        fallback = fallback or (best if line.count(best) else "")
    return fallback or ";"


def read_csv(data: bytes, grenzen: Grenzen, *, delimiter: str | None = None) -> list[tuple[int, list]]:
    """The rows that hold anything, numbered as in the file (the first line being row 1), cut to the column
    bound. A table pasted from Word or Excel is tab separated."""
    text = _decode(data)
    delimiter = delimiter or _delimiter(text, grenzen)
    rows: list[tuple[int, list]] = []
    seen: list = []  # one entry per record read, for the row number of a refusal
    reader = csv.reader(_lines(text, grenzen, seen), delimiter=delimiter)
    try:
        for rij, row in enumerate(reader, start=1):
            seen.append(None)
            if not any(cell.strip() for cell in row):
                continue
            for kolom in range(len(row), grenzen.columns, -1):
                if row[kolom - 1].strip():
                    raise too_many_columns(grenzen, rij, kolom)
            row = row[:grenzen.columns]
            check_row(rij, row, grenzen)
            rows.append((rij, row))
            if len(rows) > grenzen.rows + 1:
                raise too_many_rows(grenzen, rij)
    except csv.Error as error:
        # With the default dialect the csv module only refuses a field over its own size limit (131072).
        raise too_long(grenzen, len(seen) + 1) from error
    return rows
