"""The actielijst import under hostile files: every bound refuses in Dutch, saves nothing, is in the security log,
and the work it takes stays bounded in CPU time and memory (measured in this process).

The crafted inputs are built by the module-level functions below (`xlsx_bomb_wide()`, `xlsx_bomb_cell()`, ...),
so an integration test against gunicorn can import and upload the very same files.
"""

import io
import resource
import struct
import threading
import time
import tracemalloc
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from actiepunten import importeren
from actiepunten.models import Actiepunt
from samenwerking.models import Auditregel

from .test_import import SEED_HEADER, SEED_ROWS, confirm, csv_bytes, upload, xlsx_bytes

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


# --- XLSX --------------------------------------------------------------------------------------------------

def test_a_row_of_a_million_cells_is_refused_before_parsing(client, overleg, secretaris):
    data = xlsx_bomb_wide()
    assert len(data) < MB
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "breed.xlsx", data, limiet="IMPORT_MAX_COMPRESSION_RATIO")
    assert problems == [(None, "Het Excel-bestand is ongewoon sterk ingepakt (een onderdeel meer dan 100 keer); "
                               "zo'n bestand wordt niet gelezen.")]
    assert regel.details["maximum"] == 100


def test_a_row_of_a_million_cells_is_counted_when_the_zip_passes(client, overleg, secretaris, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000  # as if the zip checks let it through: the XML count holds
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "breed.xlsx", xlsx_bomb_wide(), limiet="IMPORT_MAX_XML_ELEMENTS")
    assert problems == [(None, "Het Excel-bestand is te omvangrijk: het bevat meer dan 400000 elementen. Sla de "
                               "actielijst op als CSV of zonder opmaak.")]
    assert regel.details["maximum"] == 400_000


def test_a_wide_row_within_the_zip_and_xml_bounds_is_refused_at_the_column_bound(
        client, overleg, secretaris, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "breed.xlsx", xlsx_bomb_wide(cells=100_000),
                              limiet="IMPORT_MAX_COLUMNS")
    assert problems == [(2, "Deze rij heeft een cel in kolom AE; er worden maximaal 30 kolommen gelezen. "
                            "Verwijder de kolommen naast de lijst.")]
    assert regel.details["rij"] == 2


def test_a_huge_declared_dimension_is_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "groot.xlsx", xlsx_bomb_dimension(), limiet="IMPORT_MAX_ROWS")
    (rij, tekst), = problems
    assert rij is None
    assert tekst.startswith("Het werkblad loopt tot rij 1048576; er kunnen maximaal 2000 actiepunten")


def test_a_huge_declared_width_is_refused(client, overleg, secretaris):
    data = xlsx_package(f'{SHEET_START}<dimension ref="A1:AH10"/><sheetData>{HEADER_ROW}</sheetData></worksheet>')
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "breed.xlsx", data, limiet="IMPORT_MAX_COLUMNS")
    assert problems == [(None, "Het werkblad loopt tot kolom AH; er worden maximaal 30 kolommen gelezen. "
                               "Verwijder de kolommen naast de lijst.")]


@pytest.mark.parametrize(("ref", "limiet", "rij"), [("XFD2", "IMPORT_MAX_COLUMNS", 2),
                                                    ("B1048576", "IMPORT_MAX_ROWS", 1048576)])
def test_a_cell_far_from_the_list_is_refused_without_a_dimension(client, overleg, secretaris, ref, limiet, rij):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "ver.xlsx", xlsx_far_cell(ref), limiet=limiet)
    assert [r for r, _ in problems] == [rij]


def test_a_cell_of_300_mb_is_refused_before_unpacking(client, overleg, secretaris):
    data = xlsx_bomb_cell()
    assert len(data) < 2 * MB
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "cel.xlsx", data, limiet="IMPORT_MAX_UNCOMPRESSED_BYTES")
    assert problems == [(None, "Het Excel-bestand is uitgepakt groter dan 20 MB; zo'n bestand wordt niet gelezen. "
                               "Sla de actielijst op zonder andere werkbladen en afbeeldingen, of als CSV.")]
    assert regel.details["maximum"] == 20 * MB


def test_a_long_cell_within_the_zip_bounds_is_refused_with_its_row(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "cel.xlsx", xlsx_bomb_cell(size=512 * 1024),
                               limiet="IMPORT_MAX_CELL_CHARS")
    assert problems == [(2, "Een cel is langer dan 5000 tekens.")]


def test_a_long_shared_string_is_refused_with_its_row(client, overleg, secretaris):
    sheet = (f'{SHEET_START}<sheetData>{HEADER_ROW}<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c>'
             '</row></sheetData></worksheet>')
    data = xlsx_package(sheet, f'<sst xmlns="{_MAIN}"><si><t>{"x" * 6000}</t></si></sst>')
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "tekst.xlsx", data, limiet="IMPORT_MAX_CELL_CHARS")
    assert problems == [(2, "Een cel is langer dan 5000 tekens.")]


def test_a_shared_strings_bomb_is_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "teksten.xlsx", xlsx_bomb_shared_strings(),
                               limiet="IMPORT_MAX_COMPRESSION_RATIO")
    assert "ongewoon sterk ingepakt" in problems[0][1]


def test_a_shared_strings_bomb_is_counted_when_the_zip_passes(client, overleg, secretaris, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "teksten.xlsx", xlsx_bomb_shared_strings(), limiet="shared_strings")
    assert problems == [(None, "Het Excel-bestand bevat meer dan 60030 verschillende teksten; zo'n bestand wordt "
                               "niet gelezen.")]
    assert regel.details["maximum"] == 2001 * 30


def test_too_many_xml_elements_are_refused(client, overleg, secretaris, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    settings.IMPORT_MAX_XML_ELEMENTS = 50_000
    data = xlsx_package([SHEET_START, "<sheetData>", HEADER_ROW, "</sheetData><mergeCells>",
                         *_repeat('<mergeCell ref="A1:A2"/>', 200_000), "</mergeCells></worksheet>"])
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "opmaak.xlsx", data, limiet="IMPORT_MAX_XML_ELEMENTS")
    assert "meer dan 50000 elementen" in problems[0][1]


def test_a_document_type_definition_is_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "lach.xlsx", xlsx_billion_laughs(), limiet="dtd")
    assert problems == [(None, "Het Excel-bestand bevat een documenttypedefinitie (DTD); zo'n bestand wordt niet "
                               "gelezen.")]


def test_a_part_lying_about_its_size_is_refused(client, overleg, secretaris):
    data = xlsx_lying_size()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "leugen.xlsx", data, limiet="IMPORT_MAX_UNCOMPRESSED_BYTES")
    assert problems == [(None, "Een onderdeel van het Excel-bestand is uitgepakt groter dan het bestand zelf "
                               "opgeeft; zo'n bestand wordt niet gelezen.")]


def test_too_many_parts_are_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "delen.xlsx", xlsx_many_members(), limiet="IMPORT_MAX_ZIP_MEMBERS")
    assert problems == [(None, "Het Excel-bestand bestaat uit meer dan 200 onderdelen; zo'n bestand wordt niet "
                               "gelezen.")]


def test_a_file_over_the_upload_bound_is_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "groot.csv", csv_many_rows(100_000), limiet="IMPORT_MAX_BYTES")
    assert problems == [(None, "Het bestand is groter dan 2 MB. Splits de actielijst op.")]


def test_a_handmade_package_within_bounds_is_imported(client, overleg, secretaris):
    """The crafted packages are real XLSX files: within the bounds, the same builder gives a clean preview."""
    sheet = (f'{SHEET_START}<dimension ref="A1:D2"/><sheetData>{HEADER_ROW}<row r="2"><c r="A2"><v>1</v></c>'
             '<c r="B2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t>Lieke Sievers</t></is></c>'
             '<c r="D2" t="inlineStr"><is><t>22-02-2019</t></is></c></row></sheetData></worksheet>')
    data = xlsx_package(sheet, f'<sst xmlns="{_MAIN}"><si><t>Basisteams bezoeken</t></si></sst>')
    client.force_login(secretaris)
    preview = upload(client, overleg, "lijst.xlsx", data)
    assert problems_of(preview) == []
    assert [(r.nummer, r.onderwerp, r.extern_naam) for r in preview.context["voorbeeld"].regels] == [
        (1, "Basisteams bezoeken", "Lieke Sievers")]
    assert not Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD).exists()


def test_a_full_sheet_at_the_bounds_is_read_within_bounds(client, overleg, secretaris):
    rows = [SEED_HEADER + [f"Kolom {i}" for i in range(5, 31)]]
    rows += [[i, f"Actie {i} " + "x" * 200, "Lieke Sievers", "22-02-2019"] + ["y" * 50] * 26 for i in range(1, 2001)]
    data = xlsx_bytes(rows)
    client.force_login(secretaris)
    response, meting = measured(lambda: upload(client, overleg, "vol.xlsx", data))
    assert_bounded(meting)
    assert response.status_code == 200
    assert len(response.context["voorbeeld"].regels) == 2000


# --- CSV ---------------------------------------------------------------------------------------------------

def test_a_csv_field_of_1_mb_is_refused_in_dutch(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "veld.csv", csv_huge_field(), limiet="IMPORT_MAX_LINE_CHARS")
    assert problems == [(2, "Een regel van het bestand is langer dan 100000 tekens.")]
    assert regel.details["rij"] == 2


def test_a_csv_field_over_the_csv_module_limit_is_refused_in_dutch(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "veld.csv", csv_huge_multiline_field(),
                               limiet="IMPORT_MAX_CELL_CHARS")
    assert problems == [(2, "Een cel is langer dan 5000 tekens.")]
    assert "field limit" not in str(problems)


def test_a_csv_field_over_the_cell_bound_is_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "veld.csv", csv_huge_field(6000), limiet="IMPORT_MAX_CELL_CHARS")
    assert problems == [(2, "Een cel is langer dan 5000 tekens.")]


def test_too_many_csv_rows_are_refused_at_the_first_row_over(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "lang.csv", csv_many_rows(), limiet="IMPORT_MAX_ROWS")
    (rij, tekst), = problems
    assert rij == 2002
    assert tekst.startswith("Er kunnen maximaal 2000 actiepunten (plus de kopregel) tegelijk worden geïmporteerd.")


def test_exactly_the_row_bound_is_accepted(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lang.csv", csv_many_rows(2000))
    assert response.status_code == 200
    assert len(response.context["voorbeeld"].regels) == 2000


def test_too_many_csv_columns_are_refused(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "breed.csv", csv_wide(), limiet="IMPORT_MAX_COLUMNS")
    assert problems == [(2, "Deze rij heeft een cel in kolom AN; er worden maximaal 30 kolommen gelezen. "
                            "Verwijder de kolommen naast de lijst.")]


def test_empty_trailing_csv_columns_are_no_problem(client, overleg, secretaris):
    client.force_login(secretaris)
    data = ("Nr;Onderwerp;Wie;Datum gereed" + ";" * 60 + "\n1;a;b;22-02-2019" + ";" * 60 + "\n").encode()
    response = upload(client, overleg, "breed.csv", data)
    assert response.status_code == 200


def test_nul_and_control_characters_are_refused_with_their_rows(client, overleg, secretaris):
    client.force_login(secretaris)
    problems, regel = refused(client, overleg, "tekens.csv", csv_control_characters(), limiet="stuurtekens")
    assert problems == [
        (3, "Kolom 'Onderwerp' bevat een teken dat niet is toegestaan (U+0000, een NUL- of stuurteken)."),
        (4, "Kolom 'Wie' bevat een teken dat niet is toegestaan (U+0007, een NUL- of stuurteken)."),
    ]
    assert regel.details["rij"] == 3


def test_control_characters_in_an_xlsx_are_refused(client, overleg, secretaris):
    # XML 1.0 cannot hold U+0000-U+001F, but it does hold DEL and the C1 controls, such as U+009B.
    sheet = (f'{SHEET_START}<sheetData>{HEADER_ROW}<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is>'
             '<t>Met\u009bteken</t></is></c><c r="C2" t="inlineStr"><is><t>Ik</t></is></c><c r="D2" '
             't="inlineStr"><is><t>22-02-2019</t></is></c></row></sheetData></worksheet>')
    client.force_login(secretaris)
    problems, _regel = refused(client, overleg, "tekens.xlsx", xlsx_package(sheet), limiet="stuurtekens")
    assert problems == [(2, "Kolom 'Onderwerp' bevat een teken dat niet is toegestaan (U+009B, een NUL- of "
                            "stuurteken).")]


def test_tabs_and_line_breaks_in_a_cell_are_allowed(client, overleg, secretaris):
    client.force_login(secretaris)
    data = b'Nr;Onderwerp;Wie;Datum gereed\n1;"Eerste regel\r\n\ttweede regel";Ik;22-02-2019\n'
    response = upload(client, overleg, "lijst.csv", data)
    assert response.status_code == 200
    assert not Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD).exists()


def test_a_utf16_export_is_read(client, overleg, secretaris):
    client.force_login(secretaris)
    data = "Nr\tOnderwerp\tWie\tDatum gereed\r\n1\tCafé\tIk\t22-02-2019\r\n".encode("utf-16")
    response = upload(client, overleg, "lijst.txt", data)
    assert [r.onderwerp for r in response.context["voorbeeld"].regels] == ["Café"]


def test_an_ordinary_problem_is_not_a_refusal_in_the_security_log(client, overleg, secretaris):
    client.force_login(secretaris)
    response = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, ["1", "", "Ik", "morgen"]]))
    assert response.status_code == 400
    assert not Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD).exists()


# --- confirming twice --------------------------------------------------------------------------------------

def test_confirming_the_same_preview_twice_imports_once(client, overleg, secretaris):
    client.force_login(secretaris)
    preview = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS]))
    first = confirm(client, overleg, preview)
    assert first.status_code == 302
    second = client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                         {"stap": "bevestigen", "voorbeeld": preview.context["ondertekend"]}, follow=True)
    assert second.status_code == 200
    assert second.redirect_chain == [(reverse("actiepunten:overleg", args=[overleg.pk]), 302)]
    page = second.content.decode()
    assert "Deze import is al verwerkt" in page
    assert SEED_ROWS[1][1] in page, "the result is shown"
    assert Actiepunt.objects.filter(overleg=overleg).count() == len(SEED_ROWS)


def test_a_second_tab_with_its_own_preview_of_the_same_file_imports_nothing_more(client, overleg, secretaris):
    client.force_login(secretaris)
    data = csv_bytes([SEED_HEADER, *SEED_ROWS])
    tab_a, tab_b = upload(client, overleg, "lijst.csv", data), upload(client, overleg, "lijst.csv", data)
    confirm(client, overleg, tab_a)
    response = confirm(client, overleg, tab_b)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Deze import is al verwerkt; de actiepunten staan hieronder.")
    assert Actiepunt.objects.filter(overleg=overleg).count() == len(SEED_ROWS)


def test_a_preview_whose_numbers_were_taken_otherwise_still_refuses(client, overleg, secretaris, maak_punt):
    client.force_login(secretaris)
    preview = upload(client, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS]))
    maak_punt(onderwerp="Intussen aangemaakt")  # takes number 1 with another onderwerp
    response = client.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                           {"stap": "bevestigen", "voorbeeld": preview.context["ondertekend"]}, follow=True)
    assert response.redirect_chain == [(reverse("actiepunten:importeren", args=[overleg.pk]), 302)]
    assert "Rij 2: Nummer 1 bestaat al." in response.content.decode()
    assert Actiepunt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_import_once(overleg, secretaris):
    starter = Client()
    starter.force_login(secretaris)
    token = upload(starter, overleg, "lijst.csv", csv_bytes([SEED_HEADER, *SEED_ROWS])).context["ondertekend"]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def post():
        try:
            tab = Client()
            tab.force_login(secretaris)
            barrier.wait(timeout=10)
            response = tab.post(reverse("actiepunten:importeren", args=[overleg.pk]),
                                {"stap": "bevestigen", "voorbeeld": token})
            results.append((response.status_code, [str(m) for m in get_messages(response.wsgi_request)]))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert time.monotonic() - started < 60
    assert errors == []
    assert sorted(results) == [(302, ["4 actiepunten zijn geïmporteerd."]),
                               (302, ["Deze import is al verwerkt; de actiepunten staan hieronder."])]
    assert Actiepunt.objects.filter(overleg=overleg).count() == len(SEED_ROWS)


def test_confirm_is_idempotent_at_the_service_level(overleg, secretaris):
    preview = importeren.build_preview(name="l.csv", data=csv_bytes([SEED_HEADER, *SEED_ROWS]), members=[],
                                       existing_numbers=set())
    first = importeren.confirm(overleg=overleg, user=secretaris, regels=preview.regels)
    second = importeren.confirm(overleg=overleg, user=secretaris, regels=preview.regels)
    assert (len(first.actiepunten), first.al_verwerkt) == (4, False)
    assert (second.actiepunten, second.al_verwerkt) == ([], True)
