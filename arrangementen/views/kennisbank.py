"""The kennisbank (issue 17): practices and the clause library for every logged-in user; an afspraak offered by
its driehoek's secretaris; a beheerder's review of the offers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samenwerking import toegang
from samenwerking.forms import apply_errors

from .. import kennisbank, praktijkvoorbeelden, selectors
from ..forms.kennisbank import AanbodForm, BeoordelingForm, KennisbankFilterForm
from ..models import PraktijkStatus, Praktijkvoorbeeld


@require_GET
@login_required
def overzicht(request):
    form = KennisbankFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    valid = not form.is_bound or form.is_valid()
    rows = list(kennisbank.search(**filters)) if valid else []
    return render(request, "arrangementen/kennisbank.html", {
        "form": form, "geldig": valid, "voorbeelden": rows, "gefilterd": bool(filters)})


@require_GET
@login_required
def bibliotheek(request):
    form = KennisbankFilterForm(request.GET or None, bibliotheek=True)
    filters = form.filters() if form.is_bound else {}
    valid = not form.is_bound or form.is_valid()
    return render(request, "arrangementen/kennisbank_bibliotheek.html", {
        "form": form, "geldig": valid, "onderwerpen": kennisbank.library(**filters) if valid else [],
        "gefilterd": bool(filters)})


@require_GET
@login_required
def praktijk(request, pk: int):
    voorbeeld = toegang.require(request.user, kennisbank.get_published(pk), model=Praktijkvoorbeeld, pk=pk,
                                missing=_("Dit praktijkvoorbeeld bestaat niet of is (nog) niet gepubliceerd."))
    return render(request, "arrangementen/kennisbank_praktijk.html", {"voorbeeld": voorbeeld})


@require_http_methods(["GET", "POST"])
@login_required
def afspraak_aanbieden(request, pk: int, afspraak_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.ADOPT)
    afspraak = toegang.require(request.user, arrangement.afspraken.select_related("onderwerp", "modelafspraak")
                               .filter(pk=afspraak_pk).first(), model=Praktijkvoorbeeld, pk=afspraak_pk)
    form = AanbodForm(request.POST or None, initial=praktijkvoorbeelden.prefill(afspraak))
    if request.method == "POST" and form.is_valid():
        try:
            praktijkvoorbeelden.offer(user=request.user, afspraak=afspraak, inhoud=form.inhoud(),
                                      driehoek_tonen=form.cleaned_data["driehoek_tonen"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Aangeboden. Een beheerder beoordeelt het voorbeeld voordat anderen het "
                                        "in de kennisbank zien."))
            return redirect(f"{arrangement.get_absolute_url()}#afspraak-{afspraak.pk}")
    return render(request, "arrangementen/kennisbank_aanbieden.html", {
        "arrangement": arrangement, "afspraak": afspraak, "form": form,
        "eerder": kennisbank.offers_of(afspraak)})


@require_GET
@login_required
def aanbiedingen(request):
    toegang.require_beheerder(request.user)
    return render(request, "arrangementen/kennisbank_aanbiedingen.html", {"aanbiedingen": kennisbank.open_offers()})


@require_http_methods(["GET", "POST"])
@login_required
def beoordelen(request, pk: int):
    toegang.require_beheerder(request.user)
    voorbeeld = toegang.require(request.user, kennisbank.open_offers().filter(pk=pk).first(),
                                model=Praktijkvoorbeeld, pk=pk,
                                missing=_("Dit aanbod bestaat niet of er is al over beslist."))
    initial = {name: getattr(voorbeeld, name) for name in praktijkvoorbeelden.TEXT_FIELDS}
    form = BeoordelingForm(request.POST or None, initial=initial | {"domeinen": voorbeeld.domein_codes})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["besluit"] == "publiceren":
                praktijkvoorbeelden.publish(user=request.user, voorbeeld=voorbeeld, inhoud=form.inhoud())
                messages.success(request, _("Gepubliceerd: het voorbeeld staat nu in de kennisbank."))
            else:
                praktijkvoorbeelden.reject(user=request.user, voorbeeld=voorbeeld,
                                           reden=form.cleaned_data["reden_afwijzing"])
                messages.success(request, _("Afgewezen. De driehoek ziet de reden bij de afspraak."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("kennisbank:aanbiedingen")
    return render(request, "arrangementen/kennisbank_beoordelen.html", {
        "voorbeeld": voorbeeld, "form": form, "gepubliceerd": PraktijkStatus.GEPUBLICEERD})
