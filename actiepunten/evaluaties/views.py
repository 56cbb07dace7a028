"""Pages of evaluations: the driehoek's list, recording one, its detail page and PDF, actiepunten and the
herziening that come out of it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arrangementen.models import Afspraak, Arrangement
from arrangementen.pdf import PdfTeGroot
from samenwerking import audit, toegang
from samenwerking.apibasis import ID_PATTERN
from samenwerking.forms import apply_errors
from samenwerking.selectors import get_driehoek
from samenwerking.toegang import permissions_on

from .. import selectors as actiepunt_selectors
from ..models import Overleg
from . import pdf, selectors, services
from .forms import EvaluatieActiepuntForm, EvaluatieForm


@require_GET
@login_required
def evaluaties(request, pk: int):
    driehoek = get_driehoek(request.user, pk)
    return render(request, "actiepunten/evaluaties.html", {
        "driehoek": driehoek, "evaluaties": list(selectors.evaluaties_van(driehoek)),
        "kan_vastleggen": toegang.MANAGE_OVERLEG in permissions_on(request.user, driehoek),
    })


def _chosen(request, candidates, name: str):
    value = request.GET.get(name, "")
    return next((c for c in candidates if str(c.pk) == value), None)


@require_http_methods(["GET", "POST"])
@login_required
def evaluatie_nieuw(request, pk: int):
    """?arrangement= and ?overleg= come from the overleg or arrangement page; with one candidate it is chosen."""
    driehoek = get_driehoek(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    arrangementen = selectors.arrangementen_in_werking(driehoek)
    overleggen = selectors.evaluatie_overleggen(driehoek)
    gevraagd = request.GET.get("arrangement", "")
    arrangement = _chosen(request, arrangementen, "arrangement") or (
        arrangementen[0] if len(arrangementen) == 1 and not gevraagd else None)
    context = {"driehoek": driehoek, "arrangementen": arrangementen, "arrangement": arrangement,
               "niet_in_werking": bool(gevraagd) and arrangement is None,
               "overleggen": list(overleggen), "overleg_keuze": request.GET.get("overleg", "")[:12]}
    if arrangement is None or not context["overleggen"]:
        return render(request, "actiepunten/evaluatie_kiezen.html", context)
    afspraken = selectors.afspraken_van(arrangement)
    overleg = _chosen(request, context["overleggen"], "overleg") or context["overleggen"][0]
    form = EvaluatieForm(request.POST or None, overleggen=overleggen, afspraken=afspraken,
                         stromen=selectors.stromen_van(arrangement), initial={"overleg": overleg})
    if request.method == "POST" and form.is_valid():
        try:
            evaluatie = services.record_evaluatie(
                arrangement=arrangement, overleg=form.cleaned_data["overleg"], user=request.user,
                conclusie=form.cleaned_data["conclusie"], oordelen=form.oordelen(),
                toelichting=form.cleaned_data["toelichting"], stroomoordelen=form.stroomoordelen(),
                volgende_evaluatie=form.cleaned_data["volgende_evaluatie"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("De evaluatie is vastgelegd."))
            return redirect(evaluatie)
    return render(request, "actiepunten/evaluatie_form.html", {
        **context, "form": form, "groepen": selectors.grouped(afspraken)})


def _actiepunt_form(evaluatie, data=None):
    return EvaluatieActiepuntForm(
        data, members=actiepunt_selectors.members_of(evaluatie.overleg.driehoek),
        overleggen=Overleg.objects.none(), arrangementen=Arrangement.objects.none(),
        afspraken=Afspraak.objects.filter(arrangement_id=evaluatie.arrangement_id).order_by("volgorde", "pk"),
    )


def _render_detail(request, evaluatie, actiepunt_form=None, status=200):
    rechten = permissions_on(request.user, evaluatie.overleg.driehoek)
    return render(request, "actiepunten/evaluatie.html", {
        "evaluatie": evaluatie, "arrangement": evaluatie.arrangement, "overleg": evaluatie.overleg,
        "driehoek": evaluatie.overleg.driehoek, **selectors.evaluatie_detail(evaluatie),
        "kan_actiepunten": toegang.MANAGE_ACTIEPUNTEN in rechten,
        "kan_herzien": bool({toegang.DRAFT, toegang.MANAGE_OVERLEG} & rechten),
        "actiepunt_form": actiepunt_form or _actiepunt_form(evaluatie),
    }, status=status)


@require_GET
@login_required
def evaluatie_detail(request, pk: int):
    return _render_detail(request, selectors.get_evaluatie(request.user, pk))


@require_POST
@login_required
def evaluatie_actiepunt(request, pk: int):
    evaluatie = selectors.get_evaluatie(request.user, pk, permission=toegang.MANAGE_ACTIEPUNTEN)
    form = _actiepunt_form(evaluatie, request.POST)
    if form.is_valid():
        try:
            actiepunt = services.add_actiepunt(evaluatie=evaluatie, user=request.user, data=form.service_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Actiepunt %(nr)s is toegevoegd.") % {"nr": actiepunt.nummer})
            return redirect(evaluatie)
    return _render_detail(request, evaluatie, form, status=400)


@require_POST
@login_required
def evaluatie_herziening(request, pk: int):
    evaluatie = selectors.get_evaluatie(request.user, pk,
                                        permission=(toegang.DRAFT, toegang.MANAGE_OVERLEG))
    # The checkboxes the page offers carry ids; anything else is not one of them and is refused below.
    weglaten = frozenset(int(v) if ID_PATTERN.fullmatch(v) else 0 for v in request.POST.getlist("stroom_weglaten"))
    try:
        copy = services.start_herziening(evaluatie=evaluatie, user=request.user, stromen_weglaten=weglaten)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(evaluatie)
    messages.success(request, _("Versie %(versie)s is aangemaakt als concept, zonder de vervallen afspraken; "
                                "de bij te stellen afspraken zijn gemarkeerd.") % {"versie": copy.versie})
    if weglaten:
        messages.info(request, ngettext("%(n)s gegevensstroom die niet meer nodig is, is weggelaten.",
                                        "%(n)s gegevensstromen die niet meer nodig zijn, zijn weggelaten.",
                                        len(weglaten)) % {"n": len(weglaten)})
    return redirect("arrangementen:detail", copy.pk)


@require_GET
@login_required
def evaluatie_pdf(request, pk: int):
    """Every member of the driehoek may download it; rendered on request and not signed."""
    evaluatie = selectors.get_evaluatie(request.user, pk)
    try:
        body = pdf.render_evaluatie(evaluatie)
    except PdfTeGroot as error:
        audit.record_refusal(audit.Gebeurtenis.LIMIET_OVERSCHREDEN, request=request, obj=evaluatie.overleg,
                             reden=str(error), details={"onderdeel": "evaluatie-pdf"})
        messages.error(request, str(error))
        return redirect(evaluatie)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(evaluatie)}"'
    response["Cache-Control"] = "private, no-store"
    return response
