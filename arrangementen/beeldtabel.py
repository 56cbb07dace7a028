"""The aggregate table (/beeld/, issue 16) in other shapes: the CSV/XLSX download of exactly the page's rows, and
the records the API (arrangementen.api.beeld) serialises as JSON and GeoJSON.

Both start from arrangementen.beeld.overview, so the rows, their order and the peildatum are the page's own; this
module adds only the parties count of each gemeente's best arrangement (one query) — still aggregates, no content.
"""

from django.db.models import Count
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .beeld import Beeld, Beeldregel
from .models import Partij


def export_headers() -> list[str]:
    return [_("Gemeente"), _("CBS-code"), _("Politie-eenheid"), _("Veiligheidsregio"), _("Stand"),
            _("Arrangementen"), _("BOA's"), _("Fte")]


def export_row(regel: Beeldregel) -> list:
    gemeente = regel.gemeente
    return [gemeente.weergavenaam, gemeente.cbs_code, gemeente.eenheid.naam, gemeente.veiligheidsregio.naam,
            capfirst(str(regel.stand.label)), len(regel.arrangementen), regel.boas, regel.fte]


def party_counts(beeld: Beeld) -> dict[int, int]:
    """Parties per arrangement that gives a gemeente its state; one query whatever the number of rows."""
    ids = {regel.arrangementen[0].pk for regel in beeld.regels if regel.arrangementen}
    if not ids:
        return {}
    rows = Partij.objects.filter(arrangement_id__in=ids).values("arrangement_id").annotate(n=Count("pk")).order_by()
    return {row["arrangement_id"]: row["n"] for row in rows}


def record(regel: Beeldregel, *, partijen: dict[int, int]) -> dict:
    """One gemeente as the API shows it: its state and, when it has one, its best arrangement's dates."""
    gemeente = regel.gemeente
    beste = regel.arrangementen[0] if regel.arrangementen else None
    return {
        "id": gemeente.pk, "naam": gemeente.weergavenaam, "cbs_code": gemeente.cbs_code,
        "eenheid": gemeente.eenheid.naam, "veiligheidsregio": gemeente.veiligheidsregio.naam,
        "stand": regel.stand.value, "stand_label": str(regel.stand.label), "gedekt": regel.gedekt,
        "arrangementen": len(regel.arrangementen),
        "geldig_van": beste.geldig_van if beste else None, "geldig_tot": beste.geldig_tot if beste else None,
        "partijen": partijen.get(beste.pk, 0) if beste else 0,
        "boas": regel.boas, "fte": regel.fte,
    }
