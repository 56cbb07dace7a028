"""Hostile import files for the actielijst import, built in memory, and how a refusal is measured.

Used by the import-limit tests here and by the integration test against gunicorn, which uploads the very same
files (`xlsx_bomb_wide()`, `xlsx_bomb_cell()`, `csv_huge_field()`, ...).
"""

import io
import resource
import struct
import tracemalloc
import zipfile

from actiepunten.models import Actiepunt
from samenwerking.models import Auditregel

from .test_import import upload

MB = 1024 * 1024

# --- crafted inputs ------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Nr</t></is></c><c r="B1" t="inlineStr"><is><t>Onderwerp'
              '</t></is></c><c r="C1" t="inlineStr"><is><t>Wie</t></is></c><c r="D1" t="inlineStr"><is><t>Datum '
              'gereed</t></is></c></row>')


def _parts(shared_strings: bool) -> dict[str, str]:
    shared_type = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    shared_rel = (f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>')
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            f'workbook.xml" ContentType="{_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{_CT}.worksheet+xml"/>{shared_type if shared_strings else ""}</Types>'),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}"><Relationship '
                        f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                            '<sheets><sheet name="Actielijst" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel if shared_strings else ""}'
            '</Relationships>'),
    }


def xlsx_package(sheet, shared_strings=None) -> bytes:
    """A minimal XLSX written part by part; `sheet` and `shared_strings` are a str or an iterable of str pieces,
    streamed into the zip so that a part of hundreds of MB never exists whole in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _parts(shared_strings is not None).items():
            archive.writestr(name, text)
        for name, content in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            if content is None:
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for piece in [content] if isinstance(content, str) else content:
                    part.write(piece.encode())
    return buffer.getvalue()


def _repeat(piece: str, times: int, batch: int = 10_000):
    for start in range(0, times, batch):
        yield piece * min(batch, times - start)


def xlsx_bomb_wide(cells: int = 1_000_000) -> bytes:
    """One row of a million cells (no coordinates, so no column letter limits them): 16 MB unpacked."""
    return xlsx_package([SHEET_START, "<sheetData>", HEADER_ROW, '<row r="2">', *_repeat("<c><v>1</v></c>", cells),
                         "</row></sheetData></worksheet>"])


def xlsx_bomb_dimension() -> bytes:
    """A tiny sheet that declares the largest possible used range."""
    return xlsx_package(f'{SHEET_START}<dimension ref="A1:XFD1048576"/><sheetData>{HEADER_ROW}</sheetData>'
                        '</worksheet>')


def xlsx_far_cell(ref: str = "XFD1048576") -> bytes:
    """A sheet without a dimension, with one cell far away from the list."""
    return xlsx_package(f'{SHEET_START}<sheetData>{HEADER_ROW}<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                        f'<c r="{ref}"><v>1</v></c></row></sheetData></worksheet>')


def xlsx_bomb_cell(size: int = 300 * MB) -> bytes:
    """One cell of `size` characters (300 MB by default), highly compressible: about 300 KB zipped."""
    return xlsx_package([SHEET_START, "<sheetData>", HEADER_ROW, '<row r="2"><c r="B2" t="inlineStr"><is><t>',
                         *_repeat("A" * 1024, size // 1024, batch=1024), "</t></is></c></row></sheetData>",
                         "</worksheet>"])


def xlsx_bomb_shared_strings(strings: int = 1_000_000) -> bytes:
    """A sharedStrings part with a million (empty) texts; the sheet uses only the first."""
    sheet = (f'{SHEET_START}<sheetData>{HEADER_ROW}<row r="2"><c r="B2" t="s"><v>0</v></c></row></sheetData>'
             '</worksheet>')
    return xlsx_package(sheet, [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">',
                                *_repeat("<si><t></t></si>", strings), "</sst>"])


def xlsx_billion_laughs() -> bytes:
    """The classic entity expansion, in sharedStrings."""
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return xlsx_package(
        f'{SHEET_START}<sheetData>{HEADER_ROW}<row r="2"><c r="B2" t="s"><v>0</v></c></row></sheetData></worksheet>',
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="{_MAIN}"><si><t>&a9;</t></si></sst>')


def _patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make the zip's local header and central directory both claim that part `name` unpacks to `size` bytes."""
    data = bytearray(data)
    encoded = name.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length, extra_length = struct.unpack("<HH", data[local + 26:local + 30])
        if data[local + 30:local + 30 + name_length] == encoded:
            if extra_length >= 20 and data[local + 30 + name_length:local + 32 + name_length] == b"\x01\x00":
                zip64 = local + 30 + name_length + 4  # the ZIP64 extra field holds the real sizes
                data[zip64:zip64 + 8] = struct.pack("<Q", size)
            else:
                data[local + 22:local + 26] = struct.pack("<I", size)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length, extra_length = struct.unpack("<HH", data[central + 28:central + 32])
        if data[central + 46:central + 46 + name_length] == encoded:
            if data[central + 24:central + 28] == b"\xff\xff\xff\xff":
                zip64 = central + 46 + name_length + 4
                data[zip64:zip64 + 8] = struct.pack("<Q", size)
            else:
                data[central + 24:central + 28] = struct.pack("<I", size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def xlsx_lying_size(actual: int = 200 * MB, declared: int = 1000) -> bytes:
    """A sheet part that declares `declared` bytes but unpacks to `actual` (200 MB by default)."""
    data = xlsx_package([SHEET_START, "<sheetData>", HEADER_ROW, *_repeat(" " * 1024, actual // 1024, batch=1024),
                         "</sheetData></worksheet>"])
    return _patch_declared_size(data, "xl/worksheets/sheet1.xml", declared)


def xlsx_many_members(members: int = 5000) -> bytes:
    buffer = io.BytesIO()
    small = xlsx_package(f"{SHEET_START}<sheetData>{HEADER_ROW}</sheetData></worksheet>")
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        for index in range(members):
            archive.writestr(f"customXml/item{index}.xml", "<a/>")
    return buffer.getvalue()


def csv_huge_field(size: int = MB) -> bytes:
    """A CSV whose second row has one field of `size` characters (1 MB by default)."""
    return ("Nr;Onderwerp;Wie;Datum gereed\n1;" + "A" * size + ";Ik;22-02-2019\n").encode()


def csv_huge_multiline_field(lines: int = 4000) -> bytes:
    """One quoted field of 200 KB made of short lines: over the csv module's own field limit of 131072."""
    return ('Nr;Onderwerp;Wie;Datum gereed\n1;"' + "regel van vijftig tekens, keer op keer herhaald\n" * lines
            + '";Ik;22-02-2019\n').encode()


def csv_many_rows(rows: int = 2500) -> bytes:
    return ("Nr;Onderwerp;Wie;Datum gereed\n"
            + "".join(f"{i};Actie {i};Ik;22-02-2019\n" for i in range(1, rows + 1))).encode()


def csv_wide(columns: int = 40) -> bytes:
    return ("Nr;Onderwerp;Wie;Datum gereed\n1;a;b;22-02-2019" + ";" * (columns - 5) + ";x\n").encode()


def csv_control_characters() -> bytes:
    return (b"Nr;Onderwerp;Wie;Datum gereed\n1;Goed;Ik;22-02-2019\n2;Met\x00NUL;Ik;22-02-2019\n"
            b"3;Ok;Wie\x07bel;22-02-2019\n")


# --- measuring ---------------------------------------------------------------------------------------------

class Meting:
    cpu: float
    rss_mb: float
    peak_mb: float


def measured(call):
    """Run `call` and return its result and a Meting: CPU seconds, growth of the peak RSS, tracemalloc peak."""
    meting = Meting()
    before = resource.getrusage(resource.RUSAGE_SELF)
    tracemalloc.start()
    try:
        result = call()
        meting.peak_mb = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF)
    meting.cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    meting.rss_mb = (after.ru_maxrss - before.ru_maxrss) / 1024  # kilobytes on Linux
    return result, meting


def assert_bounded(meting: Meting):
    assert meting.cpu < 20, f"{meting.cpu:.1f} s CPU"
    assert meting.rss_mb < 200, f"peak RSS grew {meting.rss_mb:.0f} MB"
    assert meting.peak_mb < 100, f"{meting.peak_mb:.0f} MB allocated at the peak"


def problems_of(response) -> list[tuple]:
    return [(p.rij, p.tekst) for p in response.context["voorbeeld"].problemen]


def refused(client, overleg, name, data, *, limiet) -> tuple[list, Auditregel]:
    """Upload, assert a bounded refusal with nothing saved and one audit entry, and return problems and entry."""
    response, meting = measured(lambda: upload(client, overleg, name, data))
    assert_bounded(meting)
    assert response.status_code == 400
    assert response.context["ondertekend"] == ""
    assert not Actiepunt.objects.exists()
    regel = Auditregel.objects.get(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD)
    assert regel.resultaat == Auditregel.Resultaat.GEWEIGERD
    assert regel.details["limiet"] == limiet
    assert regel.details["bestand"] == name
    assert regel.object_id == str(overleg.pk)
    assert name in response.content.decode(), "the page says which file was refused"
    return problems_of(response), regel
