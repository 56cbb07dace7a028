"""The actielijst import under hostile files (XLSX): every bound refuses in Dutch, saves nothing, is in the
security log, and the work it takes stays bounded in CPU time and memory (measured in this process). The files
come from tests/actiepunten/importbestanden.py.
"""


import io
import zipfile

import pytest

from samenwerking.models import Auditregel

from .importbestanden import (
    _MAIN,
    HEADER_ROW,
    MB,
    SHEET_START,
    _repeat,
    assert_bounded,
    csv_many_rows,
    measured,
    problems_of,
    refused,
    xlsx_billion_laughs,
    xlsx_bomb_cell,
    xlsx_bomb_dimension,
    xlsx_bomb_shared_strings,
    xlsx_bomb_wide,
    xlsx_far_cell,
    xlsx_lying_size,
    xlsx_many_members,
    xlsx_package,
)
from .test_import import SEED_HEADER, upload, xlsx_bytes

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
