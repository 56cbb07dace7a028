"""The register of data flows across arrangements ("Gegevensdeling"): per driehoek, and over every driehoek of
the user (what a party's privacy officer needs); filterable, and exportable as CSV or XLSX with exactly the rows
the filters select."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samenwerking import tabellen, werkgroepen
from samenwerking.selectors import get_driehoek
from samenwerking.toegang import visible_driehoeken

from .. import gegevensregister
from ..forms import RegisterFilterForm
from ..stroomregels import receivers

PAGE_SIZE = 50


@require_GET
@login_required
def register(request):
    return _register_page(request, driehoek=None)


@require_GET
@login_required
def register_driehoek(request, pk: int):
    return _register_page(request, driehoek=get_driehoek(request.user, pk))


def _register_page(request, *, driehoek):
    """A refused filter shows its message and no rows: never a table (or a file) the user did not ask for."""
    form = RegisterFilterForm(
        request.GET or None,
        driehoeken=None if driehoek else werkgroepen.only_driehoeken(visible_driehoeken(request.user)).order_by("naam"),
        ontvangers=gegevensregister.ontvanger_choices(request.user, driehoek=driehoek),
    )
    valid = not form.is_bound or form.is_valid()
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")} if form.is_bound and valid else {}
    peildatum = filters.pop("peildatum", None) or timezone.localdate()
    rows = gegevensregister.register(request.user, peildatum=peildatum, **({"driehoek": driehoek} | filters))
    formaat = request.GET.get("export")
    if valid and formaat in tabellen.CONTENT_TYPES:
        naam = f"gegevensdeling-{driehoek.pk}" if driehoek else "gegevensdeling"
        return tabellen.download(formaat=formaat, headers=gegevensregister.export_headers(),
                                 rows=(gegevensregister.export_row(s) for s in rows), title=_("Gegevensdeling"),
                                 filename=f"{naam}-{peildatum:%Y%m%d}")
    page = Paginator(rows if valid else rows.none(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    page.object_list = list(page.object_list)
    for stroom in page.object_list:
        stroom.ontvanger_namen = receivers(stroom)
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("export", None)
    return render(request, "arrangementen/gegevensdeling.html", {
        "driehoek": driehoek, "form": form, "geldig": valid, "pagina": page, "peildatum": peildatum,
        "querystring": query.urlencode(),
    })
