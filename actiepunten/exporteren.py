"""The actielijst as CSV (Excel-friendly: semicolons, UTF-8 with BOM) or XLSX, from an already filtered list."""

import csv
import io

from django.utils import formats
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _headers() -> list[str]:
    return [_("Driehoek"), _("Overleg"), _("Nr"), _("Onderwerp"), _("Wie"), _("Organisatie"), _("Datum gereed"),
            _("Status"), _("Signaal"), _("Arrangement"), _("Toelichting")]


def _row(actiepunt, today) -> list:
    organisatie = (actiepunt.eigenaar.organisatie.naam if actiepunt.eigenaar_id and actiepunt.eigenaar.organisatie_id
                   else actiepunt.extern_organisatie)
    naam = str(actiepunt.eigenaar) if actiepunt.eigenaar_id else actiepunt.extern_naam
    return [actiepunt.driehoek.naam, str(actiepunt.overleg) if actiepunt.overleg_id else "", actiepunt.nummer,
            actiepunt.onderwerp, naam, organisatie, actiepunt.datum_gereed, actiepunt.get_status_display(),
            actiepunt.get_signaal_display(), str(actiepunt.arrangement) if actiepunt.arrangement_id else "",
            actiepunt.toelichting]


def _safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(actiepunten, today) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_headers())
    for actiepunt in actiepunten:
        writer.writerow([formats.date_format(v, "d-m-Y") if hasattr(v, "isoformat") else _safe(v)
                         for v in _row(actiepunt, today)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(actiepunten, today) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Actielijst"))
    sheet.append(_headers())
    for actiepunt in actiepunten:
        row = [_safe(v) for v in _row(actiepunt, today)]
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
