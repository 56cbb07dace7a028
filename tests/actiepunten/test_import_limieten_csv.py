"""The actielijst import under hostile files (CSV): every bound refuses in Dutch, saves nothing, is in the
security log, and the work it takes stays bounded in CPU time and memory (measured in this process). The files
come from tests/actiepunten/importbestanden.py.
"""



from samenwerking.models import Auditregel

from .importbestanden import (
    HEADER_ROW,
    SHEET_START,
    csv_control_characters,
    csv_huge_field,
    csv_huge_multiline_field,
    csv_many_rows,
    csv_wide,
    refused,
    xlsx_package,
)
from .test_import import SEED_HEADER, csv_bytes, upload

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
