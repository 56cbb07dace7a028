"""Pages of the follow-up (progress notes on an actiepunt) and the meeting cycle (next overleg, verslag per
agendapunt, vaststellen, versturen)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors
from samenwerking.geschiedenis import build_timeline

from .. import selectors, workflow
from ..forms import OverlegForm, StatusForm
from ..models import Actiepunt
from . import services, vervolg
from .forms import VerslagForm, VoortgangForm


def _describe(record, resolver):
    return _("Actiepunt %(nr)s") % {"nr": record.nummer}


def render_detail(request, actiepunt: Actiepunt, status_form, status=200, voortgang_form=None):
    """The actiepunt page: data, co-owners, progress notes, status buttons and history."""
    rechten = toegang.permissions_on(request.user, actiepunt.driehoek)
    transities = workflow.available_transitions(request.user, actiepunt, rechten)
    medeeigenaren = list(actiepunt.medeeigenaren.select_related("gebruiker"))
    actiepunt._prefetched_objects_cache = {"medeeigenaren": medeeigenaren}  # `wie` reads them without a query
    kan_voortgang = vervolg.may_report_progress(request.user, actiepunt, rechten)
    return render(request, "actiepunten/actiepunt.html", {
        "actiepunt": actiepunt, "driehoek": actiepunt.driehoek,
        "kan_bewerken": toegang.MANAGE_ACTIEPUNTEN in rechten,
        "transities": transities,
        "status_form": status_form.offer(transities),
        "voortgang": list(actiepunt.voortgang.select_related("auteur")),
        "voortgang_form": (voortgang_form or VoortgangForm()) if kan_voortgang else None,
        "gebeurtenissen": build_timeline(Actiepunt.history.filter(id=actiepunt.pk), describe=_describe),
    }, status=status)


@require_POST
@login_required
def voortgang(request, pk: int):
    actiepunt = selectors.get_actiepunt(request.user, pk)
    form = VoortgangForm(request.POST)
    if form.is_valid():
        try:
            vervolg.add_voortgang(actiepunt=actiepunt, user=request.user, tekst=form.cleaned_data["tekst"],
                                  datum=form.cleaned_data["datum"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("De voortgang is vastgelegd."))
            return redirect("actiepunten:actiepunt", pk)
    return render_detail(request, actiepunt, StatusForm(), status=400, voortgang_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def volgend_overleg(request, pk: int):
    """The next overleg of a series: the form starts from the previous one; open actiepunten are carried."""
    vorige = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    deelnames = list(vorige.deelnames.select_related("gebruiker"))  # only what the form starts from
    detail = {"deelnemers": [d for d in deelnames if d.aanwezig], "afwezigen": [d for d in deelnames if not d.aanwezig],
              "agendapunten": list(vorige.agendapunten.all()), "besluiten": []}
    initial = {**OverlegForm.initial_for(vorige, detail), "datum": None, "verslag": "", "besluiten": "",
               "externe_afwezigen": "", "afwezigen": []}
    initial["deelnemers"] = [*initial["deelnemers"], *(d.gebruiker for d in detail["afwezigen"] if d.gebruiker_id)]
    form = OverlegForm(request.POST or None, members=selectors.members_of(vorige.driehoek), initial=initial,
                       werkgroep=vorige.driehoek.is_werkgroep)
    if request.method == "POST" and form.is_valid():
        try:
            overleg = services.create_next_overleg(
                vorige=vorige, user=request.user, data=form.service_data(), deelnemers=form.deelnemers_list(),
                agenda_punten=form.agenda_list(), besluiten=form.besluiten_list())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Het overleg is vastgelegd; de open actiepunten staan op de agenda onder "
                                        "'Actiepuntenlijst'."))
            return redirect("actiepunten:overleg", overleg.pk)
    return render(request, "actiepunten/overleg_form.html", {
        "driehoek": vorige.driehoek, "form": form, "overleg": None, "vorige": vorige,
        "meegenomen": services.open_actiepunten(vorige)})


@require_http_methods(["GET", "POST"])
@login_required
def verslag_schrijven(request, pk: int):
    overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    agendapunten = list(overleg.agendapunten.prefetch_related("besluiten"))
    form = VerslagForm(request.POST or None, agendapunten=agendapunten)
    if request.method == "POST" and form.is_valid():
        try:
            heropend = services.save_verslag(overleg=overleg, user=request.user,
                                             per_agendapunt=form.per_agendapunt())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Het verslag is opgeslagen."))
            if heropend:
                messages.warning(request, _("Het verslag was vastgesteld en is nu weer concept: stel het opnieuw "
                                            "vast."))
            return redirect("actiepunten:overleg", overleg.pk)
    return render(request, "actiepunten/verslag_form.html", {
        "overleg": overleg, "driehoek": overleg.driehoek, "form": form})


@require_POST
@login_required
def verslag_vaststellen(request, pk: int):
    overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    try:
        overleg = services.finalise_verslag(overleg=overleg, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Het verslag is vastgesteld op %(datum)s.")
                         % {"datum": f"{timezone.localtime(overleg.verslag_vastgesteld_op):%d-%m-%Y}"})
    return redirect("actiepunten:overleg", overleg.pk)


@require_POST
@login_required
def verslag_versturen(request, pk: int):
    overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    try:
        verzending = services.request_sending(overleg=overleg, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        n = len(verzending.ontvangers.split())
        messages.success(request, ngettext("Het verslag wordt verstuurd naar %(n)s ontvanger.",
                                           "Het verslag wordt verstuurd naar %(n)s ontvangers.", n) % {"n": n})
        if verzending.niet_ontvangen:
            messages.warning(request, _("Niet per e-mail verstuurd aan: %(wie)s. Stuur hun het verslag zelf.")
                             % {"wie": "; ".join(verzending.niet_ontvangen.split("\n"))})
    return redirect("actiepunten:overleg", overleg.pk)
