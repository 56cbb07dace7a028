"""A partij's ondertekenaar signs the driehoek's advice on geweldsmiddelen (arrangementen.adviesondertekening),
with the same form as the arrangement: partij, plaats, password, second-factor code and the SHA-256 they read."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samenwerking import audit, toegang
from samenwerking.forms import apply_errors

from .. import adviesondertekening, selectors
from ..models import Geweldsadvies
from ..views_documenten import ALREADY_SIGNED, OndertekenForm, refuse_unoffered_partij


@login_required
def geweldsadvies_ondertekenen(request, pk: int, advies_pk: int):
    try:
        arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.SIGN)
    except PermissionDenied as error:
        if request.method == "POST":  # a signing attempt by a member who may not sign
            audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, reden=str(error),
                                 details={"arrangement": pk, "geweldsadvies": advies_pk})
        raise
    advies = get_object_or_404(Geweldsadvies.objects.select_related("arrangement__driehoek", "boa_organisatie"),
                               pk=advies_pk, arrangement=arrangement)
    options = adviesondertekening.signing_options(request.user, advies)
    _bestand, sha256 = adviesondertekening.latest_state(advies)
    form = OndertekenForm(request.POST or None, options=options, initial={"sha256": sha256})
    if request.method == "POST" and not form.is_valid():
        refuse_unoffered_partij(request, obj=advies, signed_partijen=advies.ondertekeningen, form=form,
                                wat="het advies", details={"geweldsadvies": advies.referentie})
    elif request.method == "POST" and _sign(request, advies, form):
        messages.success(request, _("Uw handtekening onder het advies is gezet."))
        return redirect(f"{arrangement.get_absolute_url()}#geweldsadviezen")
    return render(request, "arrangementen/geweldsadvies_ondertekenen.html", {
        "arrangement": arrangement, "advies": advies, "form": form, "opties": options, "sha256": sha256,
        "partijen": adviesondertekening.per_partij(advies), "test_pki": settings.SIGNING_TEST_PKI,
        "weigering": _why_not(advies),
    })


def _why_not(advies: Geweldsadvies) -> str:
    """Why nobody can sign this advice now ("" when they can)."""
    if not advies.met_partijen:
        return _("Dit advies wordt alleen door het platform ondertekend; de partijen tekenen het niet.")
    if advies.status != Geweldsadvies.Status.GEREED:
        return _("De PDF van dit advies is nog niet klaar om te ondertekenen. Ververs de pagina over enkele "
                 "ogenblikken.")
    return ""


def _sign(request, advies: Geweldsadvies, form) -> bool:
    try:
        adviesondertekening.sign_advies(
            advies=advies, partij=form.cleaned_data["partij"], user=request.user,
            password=form.cleaned_data["wachtwoord"], code=form.cleaned_data["verificatiecode"],
            location=form.cleaned_data["plaats"], expected_sha256=form.cleaned_data["sha256"], request=request)
    except ValidationError as error:
        if getattr(error, "code", None) == "al_getekend":
            form.add_error(None, ALREADY_SIGNED)
        elif getattr(error, "code", None) == "gewijzigd":  # the next attempt signs the state shown now
            form.add_error(None, error)
            form.data = form.data.copy()
            form.data["sha256"] = adviesondertekening.latest_state(advies)[1]
        else:
            apply_errors(form, error)
        return False
    return True
