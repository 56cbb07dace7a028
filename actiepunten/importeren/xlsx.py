"""Reading an XLSX file within the bounds, before and while openpyxl parses it.

An XLSX file is a zip of XML parts: a file under 1 MB can unpack to gigabytes, or to one row of a million
cells, and openpyxl would build all of it in memory. So before openpyxl sees the file, the zip's directory is
checked (number of parts, sizes, compression ratio), every part is unpacked once in small chunks and checked
against the size it declares, and the XML parts are counted by a streaming parser that refuses document type
definitions. openpyxl then reads the workbook (within those counts); the first sheet is scanned for its used
range and the length of its cells, and only then streamed by openpyxl within the row and column bounds.
"""

import contextlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

from django.utils.translation import gettext as _

from .bestanden import (
    Grenzen,
    Limiet,
    check_row,
    column_index,
    damaged,
    megabytes,
    too_long,
    too_many_columns,
    too_many_rows,
)

CHUNK = 64 * 1024
RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpacked are harmless at any compression ratio
CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


# --- the zip -----------------------------------------------------------------------------------------

def _check_directory(archive: zipfile.ZipFile, grenzen: Grenzen) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > grenzen.members:
        raise Limiet("IMPORT_MAX_ZIP_MEMBERS", grenzen.members, _(
            "Het Excel-bestand bestaat uit meer dan %(max)s onderdelen; zo'n bestand wordt niet gelezen.")
            % {"max": grenzen.members})
    too_big = Limiet("IMPORT_MAX_UNCOMPRESSED_BYTES", grenzen.uncompressed, _(
        "Het Excel-bestand is uitgepakt groter dan %(max)s MB; zo'n bestand wordt niet gelezen. Sla de "
        "actielijst op zonder andere werkbladen en afbeeldingen, of als CSV.")
        % {"max": megabytes(grenzen.uncompressed)})
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > grenzen.uncompressed or total > grenzen.uncompressed:
            raise too_big
        if info.file_size > RATIO_FLOOR and info.file_size > grenzen.ratio * max(info.compress_size, 1):
            raise Limiet("IMPORT_MAX_COMPRESSION_RATIO", grenzen.ratio, _(
                "Het Excel-bestand is ongewoon sterk ingepakt (een onderdeel meer dan %(max)s keer); zo'n "
                "bestand wordt niet gelezen.") % {"max": grenzen.ratio})
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            raise damaged()  # Excel writes deflate only and never encrypts the zip itself
    return infos


def _unpack(data: bytes, info: zipfile.ZipInfo, grenzen: Grenzen) -> Iterator[bytes]:
    """One part's bytes in chunks, unpacked here rather than by zipfile so that a part unpacking to more than
    it declares is noticed (zipfile silently stops at the declared size)."""
    header = data[info.header_offset:info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise damaged()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    raw = data[start:start + info.compress_size]
    produced = crc = 0
    lie = Limiet("IMPORT_MAX_UNCOMPRESSED_BYTES", grenzen.uncompressed, _(
        "Een onderdeel van het Excel-bestand is uitgepakt groter dan het bestand zelf opgeeft; zo'n bestand "
        "wordt niet gelezen."))
    if info.compress_type == zipfile.ZIP_STORED:
        pieces = (raw[i:i + CHUNK] for i in range(0, len(raw), CHUNK))
        complete = True
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pieces = _inflate(inflater, raw)
        complete = False
    try:
        for piece in pieces:
            produced += len(piece)
            if produced > info.file_size:
                raise lie
            crc = zlib.crc32(piece, crc)
            yield piece
        if not complete:
            complete = inflater.eof
    except zlib.error as error:
        raise damaged() from error
    if not complete or produced != info.file_size or crc != info.CRC:
        raise damaged()


def _inflate(inflater, raw: bytes) -> Iterator[bytes]:
    pending = raw
    while True:
        piece = inflater.decompress(pending, CHUNK)
        pending = inflater.unconsumed_tail
        if piece:
            yield piece
        if inflater.eof or not (piece or pending):
            return


# --- the XML parts ----------------------------------------------------------------------------------

class _Telling:
    """Counts over all XML parts of one file."""

    def __init__(self, grenzen: Grenzen):
        self.grenzen = grenzen
        self.elements = 0
        self.shared_strings = 0


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _refuse_dtd(*_args):
    raise Limiet("dtd", None, _("Het Excel-bestand bevat een documenttypedefinitie (DTD); zo'n bestand wordt "
                                "niet gelezen."))


def _parser(telling: _Telling, start=None, end=None, text=None):
    parser = expat.ParserCreate(namespace_separator="}")
    grenzen = telling.grenzen

    def on_start(name, attrs):
        telling.elements += 1
        if telling.elements > grenzen.xml_elements:
            raise Limiet("IMPORT_MAX_XML_ELEMENTS", grenzen.xml_elements, _(
                "Het Excel-bestand is te omvangrijk: het bevat meer dan %(max)s elementen. Sla de actielijst op "
                "als CSV of zonder opmaak.") % {"max": grenzen.xml_elements})
        local = _local(name)
        if local == "si":
            telling.shared_strings += 1
            if telling.shared_strings > grenzen.shared_strings:
                raise Limiet("shared_strings", grenzen.shared_strings, _(
                    "Het Excel-bestand bevat meer dan %(max)s verschillende teksten; zo'n bestand wordt niet "
                    "gelezen.") % {"max": grenzen.shared_strings})
        if start is not None:
            start(local, attrs)

    parser.StartElementHandler = on_start
    if end is not None:
        parser.EndElementHandler = lambda name: end(_local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _scan_parts(data: bytes, infos: list[zipfile.ZipInfo], grenzen: Grenzen) -> None:
    """Unpack every part once and count the XML ones; a part that is not XML is only unpacked."""
    telling = _Telling(grenzen)
    for info in infos:
        parser, is_xml = _parser(telling), True
        for piece in _unpack(data, info, grenzen):
            if not is_xml:
                continue
            try:
                parser.Parse(piece, False)
            except expat.ExpatError:
                is_xml = False  # an image, or XML openpyxl will refuse itself; the counts so far stand
        if is_xml:
            with contextlib.suppress(expat.ExpatError):
                parser.Parse(b"", True)


class _Blad:
    """The first sheet's used range and cell lengths, followed while its XML streams past."""

    def __init__(self, grenzen: Grenzen):
        self.grenzen = grenzen
        self.row = 0
        self.column = 0
        self.in_cell = False
        self.in_text = False
        self.chars = 0
        self.merged: list[tuple[int, int, int]] = []  # (column, first row, last row) of a merge in one column

    def start(self, local: str, attrs: dict):
        grenzen = self.grenzen
        if local == "mergeCell":
            self._merge(attrs.get("ref") or "")
        elif local == "dimension":
            ref = CELL_REF.fullmatch((attrs.get("ref") or "").rpartition(":")[2].replace("$", ""))
            if ref:
                if int(ref[2]) > grenzen.rows + 1:
                    raise Limiet("IMPORT_MAX_ROWS", grenzen.rows, _(
                        "Het werkblad loopt tot rij %(rij)s; er kunnen maximaal %(max)s actiepunten (plus de "
                        "kopregel) tegelijk worden geïmporteerd. Splits de actielijst op, of verwijder lege of "
                        "opgemaakte rijen onder de lijst.") % {"rij": ref[2], "max": grenzen.rows})
                if column_index(ref[1]) > grenzen.columns:
                    raise Limiet("IMPORT_MAX_COLUMNS", grenzen.columns, _(
                        "Het werkblad loopt tot kolom %(kolom)s; er worden maximaal %(max)s kolommen gelezen. "
                        "Verwijder de kolommen naast de lijst.") % {"kolom": ref[1], "max": grenzen.columns})
        elif local == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() and len(r) <= 7 else self.row + 1
            self.column = 0
        elif local == "c":
            ref = CELL_REF.fullmatch(attrs.get("r", ""))
            if ref:
                self.column, self.row = column_index(ref[1]), int(ref[2])
            else:
                self.column += 1
            if self.row > grenzen.rows + 1:
                raise too_many_rows(grenzen, self.row)
            if self.column > grenzen.columns:
                raise too_many_columns(grenzen, self.row, self.column)
            self.in_cell, self.chars = True, 0
        elif local in ("v", "t") and self.in_cell:
            self.in_text = True

    def _merge(self, ref: str):
        """A cell merged down over several rows (a Wie for a group of actions) holds its value in every row;
        merges across columns are title rows and stay as they are."""
        first, _sep, last = ref.partition(":")
        a, b = CELL_REF.fullmatch(first), CELL_REF.fullmatch(last)
        if a and b and a[1] == b[1] and int(a[2]) < int(b[2]) <= self.grenzen.rows + 1:
            self.merged.append((column_index(a[1]), int(a[2]), int(b[2])))

    def end(self, local: str):
        if local == "c":
            self.in_cell = False
        elif local in ("v", "t"):
            self.in_text = False

    def text(self, data: str):
        if self.in_text:
            self.chars += len(data)
            if self.chars > self.grenzen.cell_chars:
                raise too_long(self.grenzen, self.row)


def _scan_sheet(data: bytes, info: zipfile.ZipInfo, grenzen: Grenzen) -> list[tuple[int, int, int]]:
    blad = _Blad(grenzen)
    parser = _parser(_Telling(grenzen), start=blad.start, end=blad.end, text=blad.text)
    for piece in _unpack(data, info, grenzen):
        parser.Parse(piece, False)
    parser.Parse(b"", True)
    return blad.merged


def _fill_merged(rows: dict[int, list], merged: list[tuple[int, int, int]]) -> None:
    for kolom, first, last in merged:
        top = rows.get(first)
        if top is None or kolom > len(top) or top[kolom - 1] is None:
            continue
        for rij in range(first + 1, last + 1):
            if rij in rows and kolom <= len(rows[rij]) and rows[rij][kolom - 1] is None:
                rows[rij][kolom - 1] = top[kolom - 1]


def read_xlsx(data: bytes, grenzen: Grenzen) -> list[tuple[int, list]]:
    """The rows that hold anything, numbered as in the sheet, each cut to the column bound."""
    from openpyxl import load_workbook  # imported on first use: most requests never read a spreadsheet

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = _check_directory(archive, grenzen)
        _scan_parts(data, infos, grenzen)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            merged = _scan_sheet(data, archive.getinfo(sheet._worksheet_path), grenzen)
            rows = {}
            for rij, row in enumerate(sheet.iter_rows(max_row=grenzen.rows + 1, max_col=grenzen.columns,
                                                      values_only=True), start=1):
                check_row(rij, row, grenzen)
                rows[rij] = list(row)
            _fill_merged(rows, merged)
            return [(rij, row) for rij, row in rows.items()
                    if any(value is not None and str(value).strip() for value in row)]
        finally:
            workbook.close()
