"""The aggregate page above the driehoek (/beeld/, issue 16): a table of the gemeenten in the user's overview
scopes, sortable by column through the query string. Content of a driehoek is never shown here."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samenwerking import tabellen, toegang

from ..beeld import KOLOMMEN, gemeente_overview, overview
from ..beeldcijfers import per_group, where
from ..beeldtabel import export_table, html_rows
from ..forms import BeeldForm
from ..forms.filters import PLAATSFILTERS, BeeldFilterForm
from ..models import Domein

# The filters a sort link keeps (the peildatum as typed, the others as their submitted values), the zoom too.
_FILTERS = ("peildatum", *PLAATSFILTERS, "geweldsmiddelen")


def carried(params, data: dict, names) -> dict[str, str]:
    """The query values of `names` as typed, for those the form accepted and that are not empty: what a link to
    the same or the other page of the overview keeps."""
    return {name: params[name] for name in names if data.get(name)}


def _columns(*, filters: dict, sorteer: str, aflopend: bool) -> list[dict]:
    """Each heading links to the table sorted by it (ascending, or descending when it is the current ascending
    sort) and carries aria-sort where it is the current order."""
    columns = []
    for key, (label, _key) in KOLOMMEN.items():
        current = key == sorteer
        richting = "af" if current and not aflopend else "op"
        query = {"sorteer": key, "richting": richting, **filters}
        columns.append({"sleutel": key, "label": label, "url": f"?{urlencode(query)}",
                        "aria_sort": ("descending" if aflopend else "ascending") if current else ""})
    return columns


@require_GET
@login_required
def beeld(request):
    scopes = list(toegang.overview_scopes(request.user))
    if not scopes:
        raise toegang.Geweigerd(_("Dit overzicht is er voor wie een overzichtsrol heeft voor een politie-eenheid, "
                                  "een veiligheidsregio of heel Nederland."))
    form = BeeldFilterForm(request.GET or None, gemeenten=toegang.visible_gemeenten(request.user))
    # Reading form.errors runs the checks; every valid field counts even when another is refused.
    data = form.cleaned_data if form.is_bound and form.errors is not None else {}
    peildatum = data.get("peildatum") or timezone.localdate()
    sorteer = data.get("sorteer") if data.get("sorteer") in KOLOMMEN else "gemeente"
    aflopend = data.get("richting") == "af"
    domein = data.get("domein") or ""
    result = overview(request.user, peildatum=peildatum, sorteer=sorteer, aflopend=aflopend,
                      where=where(data, peildatum=peildatum), domein=domein,
                      geweld=bool(data.get("geweldsmiddelen")))
    formaat = request.GET.get("export")
    if formaat in tabellen.CONTENT_TYPES and not form.errors:  # a refused filter shows the page, not a file
        headers, rows = export_table(result)
        return tabellen.download(formaat=formaat, headers=headers, rows=rows, title=_("Beeld"),
                                 filename=f"beeld-{peildatum:%Y%m%d}")
    totaal = len(result.regels)
    filters = carried(request.GET, data, _FILTERS)
    vergelijk_query = {**carried(request.GET, data, PLAATSFILTERS), **({"tot": filters["peildatum"]}
                                                                       if "peildatum" in filters else {})}
    domeinen = [domein] if domein else Domein.values
    return render(request, "arrangementen/beeld.html", {
        "form": form, "beeld": result, "scopes": scopes, "totaal": totaal,
        "per_stand": [(stand, n, round(100 * n / totaal) if totaal else 0) for stand, n in result.per_stand],
        "kolommen": _columns(filters=filters, sorteer=sorteer, aflopend=aflopend),
        "vergelijk_query": urlencode(vergelijk_query),
        "detail_query": urlencode(filters),  # a gemeente's detail leads back to this page as it is
        "tabelregels": html_rows(result.regels, detail_query=urlencode(filters)),
        "cijfers": [(_("Per politie-eenheid"), _("Politie-eenheid"), per_group(result.regels, by="eenheid",
                                                                               domeinen=domeinen)),
                    (_("Per veiligheidsregio"), _("Veiligheidsregio"),
                     per_group(result.regels, by="veiligheidsregio", domeinen=domeinen))],
        "domeinen": [(key, Domein(key).label) for key in domeinen],
        "export_query": urlencode({**filters, "sorteer": sorteer, "richting": "af" if aflopend else "op"}),
    })


@require_GET
@login_required
def gemeente(request, pk: int):
    """One gemeente of the user's scopes: its state, the arrangements it signs and its driehoeken. An arrangement
    links to its page only for a member of its driehoek; for everyone else it is a name, a state and dates."""
    form = BeeldForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    peildatum = data.get("peildatum") or timezone.localdate()
    # The overview's filters and zoom ride along unread (/beeld/ checks them), so the way back keeps the page.
    meegenomen = {name: request.GET[name][:40] for name in PLAATSFILTERS if request.GET.get(name)}
    terug = {**({"peildatum": request.GET["peildatum"]} if data.get("peildatum") else {}), **meegenomen}
    return render(request, "arrangementen/beeld_gemeente.html", {
        "form": form, "peildatum": peildatum, "beeld": gemeente_overview(request.user, pk, peildatum=peildatum),
        "meegenomen": meegenomen.items(), "terug_query": urlencode(terug),
    })
