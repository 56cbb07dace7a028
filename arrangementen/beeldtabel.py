"""The aggregate table (/beeld/, issue 16) in other shapes: the page's rows as HTML, the CSV/XLSX download of
exactly the page's rows, and the records the API (arrangementen.api.beeld) serialises as JSON and GeoJSON.

Both start from arrangementen.beeld.overview, so the rows, their order and the peildatum are the page's own; this
module adds the parties count of each gemeente's best arrangement (one query) and the BOA-inzet per domein of the one
in force (as the overview read it) — still aggregates, no content.
"""

from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .beeld import Beeld, Beeldregel
from .models import Domein, Partij

Inzet = dict[int, dict[str, tuple[int, Decimal]]]


_RIJ = """
    <tr class="utrecht-table__row">
      <th class="utrecht-table__header-cell" scope="row"><a class="utrecht-link" href="{url}">{naam}</a></th>
      <td class="utrecht-table__cell">{eenheid}</td>
      <td class="utrecht-table__cell">{regio}</td>
      <td class="utrecht-table__cell">{stand}</td>
      <td class="utrecht-table__cell">{aantal}</td>
      <td class="utrecht-table__cell">{boas}</td>
      <td class="utrecht-table__cell">{fte}</td>
    </tr>
  """


def html_rows(regels: list[Beeldregel], *, detail_query: str) -> SafeString:
    """The table's body rows as the template would write them, formatted here: a {% url %} and eleven lookups per
    row cost the national page (342 rows) about a fifth of a second. The detail link is reversed once."""
    detail = reverse("beeld:gemeente", args=[0]).removesuffix("0/")
    query = escape(f"?{detail_query}") if detail_query else ""
    tag = ' <span class="app-tag">{}</span>'.format(escape(_("geweldsmiddelen zonder arrangement in werking")))
    namen: dict[str, str] = {}  # the few eenheden, regio's and states, escaped once
    getallen: dict[tuple, str] = {}  # localize() reads the locale's formats on every call: once per value

    def getal(value) -> str:
        if value is None:
            return "—"
        key = (type(value), str(value))  # 1 and Decimal("1.0") are equal keys but print differently
        if key not in getallen:
            getallen[key] = localize(value)
        return getallen[key]

    parts = []
    for regel in regels:
        gemeente, stand = regel.gemeente, regel.stand
        for tekst in (gemeente.eenheid.naam, gemeente.veiligheidsregio.naam):
            if tekst not in namen:
                namen[tekst] = escape(tekst)
        if stand not in namen:  # str(): a lazy label would be translated again at every + below
            namen[stand] = escape(capfirst(str(stand.label)))
        parts.append(_RIJ.format(
            url=f"{detail}{gemeente.pk}/{query}", naam=escape(gemeente.weergavenaam),
            eenheid=namen[gemeente.eenheid.naam], regio=namen[gemeente.veiligheidsregio.naam],
            stand=namen[stand] + (tag if regel.geweld_zonder_werking else ""),
            aantal=getal(regel.aantal), boas=getal(regel.boas), fte=getal(regel.fte)))
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


def inzet_per_domein(beeld: Beeld) -> Inzet:
    """BOA's and fte per domein of each arrangement in force that covers a gemeente: what the overview read for its
    rows (every domein, also with a domein filter), so no query of its own."""
    return {regel.arrangementen[0].pk: regel.inzet for regel in beeld.regels if regel.gedekt}


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
               capfirst(str(regel.stand.label)), regel.aantal, regel.boas, regel.fte]
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
        "arrangementen": regel.aantal,
        "geldig_van": beste.geldig_van if beste else None, "geldig_tot": beste.geldig_tot if beste else None,
        "partijen": partijen.get(beste.pk, 0) if beste else 0,
        "boas": regel.boas, "fte": regel.fte, "geweldsmiddelen_zonder_arrangement": regel.geweld_zonder_werking,
        "inzet": [{"domein": domein, "boas": boas, "fte": fte}
                  for domein, (boas, fte) in zip(Domein.values, _domeinen(regel, inzet), strict=True)
                  if regel.gedekt],
    }
