"""The comparison of two dates above the driehoek (/beeld/vergelijk/, issue 16 item 3): what changed in the
coverage of the gemeenten of the user's overview scopes. Like /beeld/: aggregates only, for scope users only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samenwerking import toegang

from ..beeldvergelijking import compare
from ..forms import VergelijkForm


@require_GET
@login_required
def vergelijk(request):
    scopes = list(toegang.overview_scopes(request.user))
    if not scopes:
        raise toegang.Geweigerd(_("Dit overzicht is er voor wie een overzichtsrol heeft voor een politie-eenheid, "
                                  "een veiligheidsregio of heel Nederland."))
    form = VergelijkForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = compare(request.user, van=form.cleaned_data["van"], tot=form.cleaned_data["tot"])
    return render(request, "arrangementen/beeld_vergelijk.html", {"form": form, "scopes": scopes,
                                                                    "vergelijking": result})
