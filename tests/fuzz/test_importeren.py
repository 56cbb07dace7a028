"""The actielijst import (`actiepunten.importeren.build_preview`), fuzzed.

Whatever is uploaded, CSV or XLSX, any bytes or any rows: the result is a preview, either clean rows or problems
in Dutch that name their row (the header being row 1), never an exception. And valid rows written to a CSV or
XLSX file come back as exactly those actiepunten.
"""

import csv
import datetime
import io
import re

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from actiepunten.importeren import COLUMNS, Voorbeeld, build_preview, sign, unsign

from .profiel import FUZZ

NAMES = ["lijst.csv", "lijst.xlsx", "lijst.txt", "lijst.xls", "lijst.pdf", "", "LIJST.CSV"]
HEADER_WORDS = sorted(alias for aliases in COLUMNS.values() for alias in aliases) + ["Nr.", "Datum gereed:", "?"]
# Text a cell of a real actielijst holds; XLSX cannot store most control characters, CSV cells may hold anything.
PLAIN = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40)
CELL = st.one_of(st.none(), PLAIN, st.text(max_size=20), st.integers(), st.floats(allow_nan=False),
                 st.dates().map(str), st.sampled_from(["22 februari 2019", "31-02-2019", "22/2/19", "", " ", "x@y.nl"]))
XLSX_CELL = st.one_of(st.none(), PLAIN, st.integers(min_value=-(2**53), max_value=2**53),
                      st.floats(allow_nan=False, allow_infinity=False),
                      st.dates(min_value=datetime.date(1900, 3, 1)), st.sampled_from(["22 februari 2019", ""]))
HEADER = st.lists(st.one_of(st.sampled_from(HEADER_WORDS), PLAIN), max_size=9)


def _csv(rows, delimiter=";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _assert_preview(voorbeeld: Voorbeeld, rows: int | None = None):
    assert isinstance(voorbeeld, Voorbeeld)
    assert voorbeeld.regels or voorbeeld.problemen, "neither rows nor a problem"
    for probleem in voorbeeld.problemen:
        assert isinstance(probleem.tekst, str) and probleem.tekst.strip()
        assert probleem.rij is None or (isinstance(probleem.rij, int) and probleem.rij >= 1)
        if rows is not None and probleem.rij is not None:
            assert probleem.rij <= rows
    if voorbeeld.problemen:
        assert not voorbeeld.is_schoon
    for regel in voorbeeld.regels:
        assert regel.nummer >= 1 and regel.onderwerp and isinstance(regel.datum_gereed, datetime.date)


def _preview(name, data):
    return build_preview(name=name, data=data, members=[], existing_numbers=set())


@FUZZ
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=3000))
def test_any_bytes_give_a_preview(name, data):
    _assert_preview(_preview(name, data))


@FUZZ
@given(name=st.sampled_from(["lijst.xlsx", ""]), data=st.binary(max_size=2000))
def test_any_bytes_behind_a_zip_signature_give_a_preview(name, data):
    _assert_preview(_preview(name, b"PK\x03\x04" + data))


@FUZZ
@given(header=HEADER, rows=st.lists(st.lists(CELL, max_size=9), max_size=25), delimiter=st.sampled_from(";,\t"))
def test_any_csv_rows_give_a_preview_with_numbered_problems(header, rows, delimiter):
    table = [header, *rows]
    _assert_preview(_preview("lijst.csv", _csv(table, delimiter)), rows=len(table))


@FUZZ
@given(header=HEADER, rows=st.lists(st.lists(XLSX_CELL, max_size=9), max_size=25))
def test_any_xlsx_rows_give_a_preview_with_numbered_problems(header, rows):
    table = [header, *rows]
    _assert_preview(_preview("lijst.xlsx", _xlsx(table)), rows=len(table))


# --- a round trip of valid rows ------------------------------------------------------------------------

WORDS = st.text(st.characters(whitelist_categories=["Lu", "Ll", "Nd"], max_codepoint=0x24F), min_size=1,
                max_size=12)
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
EMAIL = st.one_of(st.just(""), st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.nl\Z"))
ROW = st.fixed_dictionaries({
    "onderwerp": TEXT, "wie": TEXT, "email": EMAIL, "toelichting": st.one_of(st.just(""), TEXT),
    "datum": st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2099, 12, 31)),
})
MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]


def _dutch(day: datetime.date, style: int) -> str:
    return [f"{day.day} {MAANDEN[day.month - 1]} {day.year}", f"{day:%d-%m-%Y}", day.isoformat()][style]


@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=15), numbered=st.booleans(), style=st.integers(0, 2),
       fmt=st.sampled_from(["csv", "xlsx"]))
def test_valid_rows_come_back_as_those_actiepunten(rows, numbered, style, fmt):
    header = ["Nr", "Onderwerp", "Wie", "E-mail", "Datum gereed", "Toelichting"]
    table = [header]
    for index, row in enumerate(rows, start=1):
        datum = row["datum"] if fmt == "xlsx" and style == 0 else _dutch(row["datum"], style)
        table.append([index * 10 if numbered else None, row["onderwerp"], row["wie"], row["email"], datum,
                      row["toelichting"]])
    data = _xlsx(table) if fmt == "xlsx" else _csv([["" if v is None else v for v in r] for r in table])
    voorbeeld = _preview(f"lijst.{fmt}", data)
    assert voorbeeld.is_schoon, [p.tekst for p in voorbeeld.problemen]
    assert [(r.rij, r.onderwerp, r.extern_naam, r.extern_email, r.datum_gereed, r.toelichting)
            for r in voorbeeld.regels] == [
        (index + 1, row["onderwerp"], row["wie"], row["email"], row["datum"], row["toelichting"])
        for index, row in enumerate(rows, start=1)]
    assert [r.nummer for r in voorbeeld.regels] == [i * 10 if numbered else i for i in range(1, len(rows) + 1)]
    assert unsign(sign(voorbeeld.regels, scope="1:2"), scope="1:2") == voorbeeld.regels
    assert unsign(sign(voorbeeld.regels, scope="1:2"), scope="1:3") is None


def test_the_problems_are_dutch():
    voorbeeld = _preview("lijst.csv", _csv([["Nr", "Onderwerp", "Wie", "Datum gereed"], ["x", "", "", "morgen"]]))
    teksten = " ".join(p.tekst for p in voorbeeld.problemen)
    assert re.search(r"geen positief geheel getal.*onderwerp is leeg.*eigenaar.*geen datum", teksten), teksten
    assert {p.rij for p in voorbeeld.problemen} == {2}
