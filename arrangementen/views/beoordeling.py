"""Moving an arrangement through the workflow, and the review comments on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors as _apply_errors

from .. import goedkeuring, selectors, services, stroomregels, workflow
from ..forms import OpmerkingForm, OvergangForm
from ..models import Afspraak, Arrangement, Beoordeling, Opmerking, Status

GOEDGEKEURD, WIJZIGINGEN = Beoordeling.Besluit.GOEDGEKEURD, Beoordeling.Besluit.WIJZIGINGEN_GEVRAAGD


@login_required
def transition(request, pk: int, action: str):
    if action not in workflow.ACTIONS:
        raise Http404(_("Onbekende handeling."))
    arrangement = selectors.get_arrangement(request.user, pk)
    definition = workflow.find_transition(action, arrangement.status)
    namens = definition is not None and definition.per_party and goedkeuring.asks_capacity(
        request.user, arrangement, besluit=GOEDGEKEURD if action == "goedkeuren" else WIJZIGINGEN)
    form = OvergangForm(request.POST or None, required=(workflow.required_inputs(definition) if definition
                                                        else frozenset()) | ({"namens"} if namens else set()))
    if request.method == "POST" and form.is_valid():
        try:
            workflow.perform(arrangement=arrangement, action=action, user=request.user,
                             toelichting=form.cleaned_data["toelichting"],
                             vastgesteld_op=form.cleaned_data["vastgesteld_op"],
                             besluit_referentie=form.cleaned_data["besluit_referentie"],
                             bevestigd=form.cleaned_data["bevestigd"], namens=form.cleaned_data["namens"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _outcome(Arrangement.objects.select_related("driehoek", "aangemaakt_door")
                                               .get(pk=pk), action))
            return redirect("arrangementen:detail", pk)
    elif definition is None or definition.system:
        messages.error(request, _("Deze handeling kan niet vanuit de status '%(status)s'.")
                       % {"status": arrangement.get_status_display()})
        return redirect("arrangementen:detail", pk)
    else:
        toegang.require(request.user, arrangement, permission=definition.permissions)
    return render(request, "arrangementen/overgang.html", {
        "arrangement": arrangement, "form": form, "actie": action,
        "transitie": definition,
        "namens_vragen": namens,
        "ontbrekend": workflow.missing_mandatory_clauses(arrangement) if action == "indienen" else [],
        "onvolledige_stromen": stroomregels.incomplete_artikel20(arrangement) if action == "indienen" else [],
        "open_opmerkingen": goedkeuring.unresolved_opmerkingen(arrangement) if action == "goedkeuren" else [],
    })


def _outcome(arrangement: Arrangement, action: str) -> str:
    waiting = [str(s.partij.organisatie) for s in goedkeuring.party_states(arrangement)
               if s.beoordeling is None or s.beoordeling.besluit != GOEDGEKEURD]
    privacy = goedkeuring.privacy_state(arrangement)
    if privacy is not None and not privacy.goedgekeurd:
        waiting.append(_("de privacyadviseur"))
    if action == "goedkeuren" and arrangement.status == Status.TER_REVIEW and waiting:
        return _("Uw goedkeuring is vastgelegd. Het arrangement wacht nog op de goedkeuring van: %(partijen)s.") % {
            "partijen": ", ".join(waiting)}
    return _("Het arrangement heeft nu de status '%(status)s'.") % {"status": arrangement.get_status_display()}


@require_POST
@login_required
def opmerking_add(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk)
    form = OpmerkingForm(request.POST)
    if not form.is_valid():
        too_long = form.has_error("tekst", "max_length")
        messages.error(request, " ".join(form.errors["tekst"]) if too_long else _("Schrijf eerst een opmerking."))
        return redirect("arrangementen:detail", pk)
    afspraak = antwoord_op = None
    if form.cleaned_data["afspraak"]:
        afspraak = Afspraak.objects.filter(pk=form.cleaned_data["afspraak"], arrangement=arrangement).first()
    if form.cleaned_data["antwoord_op"]:
        antwoord_op = Opmerking.objects.filter(pk=form.cleaned_data["antwoord_op"],
                                               arrangement=arrangement).first()
    try:
        services.add_opmerking(arrangement=arrangement, user=request.user, tekst=form.cleaned_data["tekst"],
                               afspraak=afspraak, antwoord_op=antwoord_op)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Uw opmerking is geplaatst."))
    anchor = f"#afspraak-{afspraak.pk}" if afspraak else "#opmerkingen"
    return redirect(f"{arrangement.get_absolute_url()}{anchor}")


@require_POST
@login_required
def opmerking_resolve(request, pk: int, opmerking_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk)
    opmerking = get_object_or_404(Opmerking, pk=opmerking_pk, arrangement=arrangement)
    services.set_opmerking_opgelost(opmerking=opmerking, user=request.user,
                                    opgelost=request.POST.get("opgelost", "1") == "1")
    return redirect(f"{arrangement.get_absolute_url()}#opmerking-{opmerking.pk}")
