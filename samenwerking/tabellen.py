"""A table (headers and rows) as a download: CSV that Excel opens as is (semicolons, UTF-8 with BOM) or XLSX.

Shared by every export of the product, so the formula-injection guard and the date and number formats live in one
place. Numbers in the CSV are written as Dutch Excel reads them: a decimal comma and no trailing zeros (8, 1,5), never
"8.0", which Dutch Excel takes for text or 80. XLSX keeps numbers as numbers, shown in the reader's own locale."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A cell starting with one of these would be run as a formula by a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def dutch_number(value: Decimal | float) -> str:
    """A decimal number as Dutch Excel reads it: 8, 1,5, -0,25 (no thousands separator, no trailing zeros)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text.replace(".", ",")


def _csv_cell(value):
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d-m-Y")
    if isinstance(value, Decimal | float):
        return dutch_number(value)  # a number, not text: no formula guard needed, and "-1,5" must stay a number
    return safe(value)


def to_csv(*, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(*, headers: Sequence[str], rows: Iterable[Sequence], title: str) -> bytes:
    """One sheet named `title`; dates stay dates, so a spreadsheet can sort and filter on them."""
    from openpyxl import Workbook  # loaded only when someone exports: it is large

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # the longest sheet name Excel accepts
    sheet.append([safe(h) for h in headers])
    for row in rows:
        sheet.append([safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(*, formaat: str, headers: Sequence[str], rows: Iterable[Sequence], title: str,
             filename: str) -> HttpResponse:
    """The table as an attachment `filename.<formaat>`; `formaat` is one of CONTENT_TYPES."""
    body = (to_csv(headers=headers, rows=rows) if formaat == "csv"
            else to_xlsx(headers=headers, rows=rows, title=title))
    response = HttpResponse(body, content_type=CONTENT_TYPES[formaat])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{formaat}"'
    return response
