"""samenwerking.tabellen: the one table writer behind every export (CSV that Excel opens as is, XLSX)."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from samenwerking import tabellen

HEADERS = ["Naam", "Datum", "Aantal"]
ROWS = [["=1+1", datetime.date(2019, 2, 22), 3], ["Gewoon; met puntkomma", None, -2], ["@SUM(A1)", "", 0]]


def test_csv_has_a_bom_semicolons_dutch_dates_and_no_formulas():
    text = tabellen.to_csv(headers=HEADERS, rows=ROWS).decode("utf-8")
    assert text.startswith("\ufeffNaam;Datum;Aantal\r\n")
    lines = text.removeprefix("\ufeff").splitlines()
    assert lines[1:] == ["'=1+1;22-02-2019;3", '"Gewoon; met puntkomma";;-2', "'@SUM(A1);;0"]


def test_csv_writes_decimals_with_a_comma_and_whole_numbers_without_a_fraction():
    rows = [[Decimal("8.0"), Decimal("1.50"), Decimal("-0.25"), 2.0, Decimal("0.0"), 4]]
    text = tabellen.to_csv(headers=["a", "b", "c", "d", "e", "f"], rows=rows).decode("utf-8")
    assert text.removeprefix("\ufeff").splitlines()[1] == "8;1,5;-0,25;2;0;4"  # a negative number is no formula


def test_xlsx_writes_decimals_as_numbers():
    sheet = load_workbook(io.BytesIO(tabellen.to_xlsx(headers=["fte"], rows=[[Decimal("1.5")], [Decimal("4.0")]],
                                                      title="t"))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [1.5, 4]


def test_xlsx_keeps_dates_and_numbers_and_neutralises_formulas():
    title = "Een heel lange titel die Excel niet toestaat"
    sheet = load_workbook(io.BytesIO(tabellen.to_xlsx(headers=HEADERS, rows=ROWS, title=title))).active
    assert sheet.title == title[:31] and len(sheet.title) == 31
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Naam", "Datum", "Aantal")
    assert rows[1][0] == "'=1+1" and rows[1][1].date() == datetime.date(2019, 2, 22) and rows[1][2] == 3
    assert rows[3][0] == "'@SUM(A1)"


def test_download_names_the_file_and_sets_the_type():
    response = tabellen.download(formaat="xlsx", headers=HEADERS, rows=[], title="Lijst", filename="lijst-20260101")
    assert response["Content-Type"] == tabellen.CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"] == 'attachment; filename="lijst-20260101.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 1
