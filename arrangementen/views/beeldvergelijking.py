"""The comparison of two dates above the driehoek (/beeld/vergelijk/, issue 16 item 3): what changed in the
coverage of the gemeenten of the user's overview scopes. Like /beeld/: aggregates only, for scope users only, with
the same filters; the link back to /beeld/ keeps them, the zoom, and the second date as its peildatum."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samenwerking import toegang

from ..beeldcijfers import where
from ..beeldvergelijking import compare
from ..forms.filters import PLAATSFILTERS, VergelijkForm
from .beeld import carried


@require_GET
@login_required
def vergelijk(request):
    scopes = list(toegang.overview_scopes(request.user))
    if not scopes:
        raise toegang.Geweigerd(_("Dit overzicht is er voor wie een overzichtsrol heeft voor een politie-eenheid, "
                                  "een veiligheidsregio of heel Nederland."))
    form = VergelijkForm(request.GET or None, gemeenten=toegang.visible_gemeenten(request.user))
    result = None
    # Reading form.errors runs the checks; every valid filter is kept in the link back even when a date is refused.
    data = form.cleaned_data if form.is_bound and form.errors is not None else {}
    if form.is_bound and form.is_valid():
        result = compare(request.user, van=data["van"], tot=data["tot"],
                         where=where(data, peildatum=data["tot"]), domein=data["domein"])
    terug = carried(request.GET, data, PLAATSFILTERS)
    if request.GET.get("tot") and data.get("tot"):
        terug["peildatum"] = request.GET["tot"]
    return render(request, "arrangementen/beeld_vergelijk.html", {"form": form, "scopes": scopes,
                                                                    "vergelijking": result,
                                                                    "overzicht_query": urlencode(terug)})
