"""The aggregate table (/beeld/, issue 16) in other shapes: the CSV/XLSX download of exactly the page's rows, and
the records the API (arrangementen.api.beeld) serialises as JSON and GeoJSON.

Both start from arrangementen.beeld.overview, so the rows, their order and the peildatum are the page's own; this
module adds the parties count of each gemeente's best arrangement and the BOA-inzet per domein of the one in force
(one query each) — still aggregates, no content.
"""

from decimal import Decimal

from django.db.models import Count
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .beeld import Beeld, Beeldregel
from .models import BoaInzet, Domein, Partij

Inzet = dict[int, dict[str, tuple[int, Decimal]]]


def inzet_per_domein(beeld: Beeld) -> Inzet:
    """BOA's and fte per domein of each arrangement in force that covers a gemeente; one query."""
    ids = {regel.arrangementen[0].pk for regel in beeld.regels if regel.gedekt}
    if not ids:
        return {}
    result: Inzet = {pk: {} for pk in ids}
    rows = BoaInzet.objects.filter(arrangement_id__in=ids).values("arrangement_id", "domein", "aantal_boas", "fte")
    for row in rows:
        result[row["arrangement_id"]][row["domein"]] = (row["aantal_boas"], row["fte"])
    return result


def _domeinen(regel: Beeldregel, inzet: Inzet) -> list[tuple]:
    """Per domein (I–VI) the covering arrangement's BOA's and fte; empty where the gemeente is not covered."""
    if not regel.gedekt:
        return [(None, None)] * len(Domein)
    eigen = inzet.get(regel.arrangementen[0].pk, {})
    return [eigen.get(domein, (0, Decimal(0))) for domein in Domein.values]


def export_table(beeld: Beeld) -> tuple[list[str], list[list]]:
    """Headers and rows of the download: the page's columns, the CBS-code, and the BOA-inzet per domein."""
    headers = [_("Gemeente"), _("CBS-code"), _("Politie-eenheid"), _("Veiligheidsregio"), _("Stand"),
               _("Arrangementen"), _("BOA's"), _("Fte")]
    geweld_kop = _("Geweldsmiddelen zonder arrangement in werking")
    for domein in Domein.values:
        headers += [_("BOA's domein %(domein)s") % {"domein": domein},
                    _("Fte domein %(domein)s") % {"domein": domein}]
    inzet = inzet_per_domein(beeld)
    rows = []
    for regel in beeld.regels:
        gemeente = regel.gemeente
        row = [gemeente.weergavenaam, gemeente.cbs_code, gemeente.eenheid.naam, gemeente.veiligheidsregio.naam,
               capfirst(str(regel.stand.label)), len(regel.arrangementen), regel.boas, regel.fte]
        rows.append(row + [value for pair in _domeinen(regel, inzet) for value in pair]
                    + [_("ja") if regel.geweld_zonder_werking else _("nee")])
    return headers + [geweld_kop], rows


def party_counts(beeld: Beeld) -> dict[int, int]:
    """Parties per arrangement that gives a gemeente its state; one query whatever the number of rows."""
    ids = {regel.arrangementen[0].pk for regel in beeld.regels if regel.arrangementen}
    if not ids:
        return {}
    rows = Partij.objects.filter(arrangement_id__in=ids).values("arrangement_id").annotate(n=Count("pk")).order_by()
    return {row["arrangement_id"]: row["n"] for row in rows}


def record(regel: Beeldregel, *, partijen: dict[int, int], inzet: Inzet) -> dict:
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
        "boas": regel.boas, "fte": regel.fte, "geweldsmiddelen_zonder_arrangement": regel.geweld_zonder_werking,
        "inzet": [{"domein": domein, "boas": boas, "fte": fte}
                  for domein, (boas, fte) in zip(Domein.values, _domeinen(regel, inzet), strict=True)
                  if regel.gedekt],
    }
