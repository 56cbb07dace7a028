"""The actielijst as CSV or XLSX, from an already filtered list; the table writing is samenwerking.tabellen."""

from django.utils.translation import gettext as _

from samenwerking import tabellen

CONTENT_TYPES = tabellen.CONTENT_TYPES


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


def to_csv(actiepunten, today) -> bytes:
    return tabellen.to_csv(headers=_headers(), rows=(_row(a, today) for a in actiepunten))


def to_xlsx(actiepunten, today) -> bytes:
    return tabellen.to_xlsx(headers=_headers(), rows=(_row(a, today) for a in actiepunten), title=_("Actielijst"))
