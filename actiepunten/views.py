from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from arrangementen.models import Afspraak
from arrangementen.pdf import PdfTeGroot
from samenwerking import audit, toegang
from samenwerking.forms import apply_errors as _apply_errors
from samenwerking.selectors import get_driehoek
from samenwerking.toegang import permissions_on, visible_driehoeken

from . import agenda, exporteren, selectors, services, verslag, workflow
from .cyclus import ontvangers
from .cyclus import views as cyclus_views
from .forms import (
    ActielijstFilterForm,
    ActiepuntForm,
    MijnFilterForm,
    OverlegForm,
    StatusForm,
    VoorkeurForm,
)
from .models import Overleg

PAGE_SIZE = 50


def _export(request, queryset, filename: str):
    formaat = request.GET.get("export")
    if formaat not in exporteren.CONTENT_TYPES:
        return None
    today = timezone.localdate()
    body = (exporteren.to_csv if formaat == "csv" else exporteren.to_xlsx)(queryset, today)
    response = HttpResponse(body, content_type=exporteren.CONTENT_TYPES[formaat])
    response["Content-Disposition"] = f'attachment; filename="{filename}-{today:%Y%m%d}.{formaat}"'
    return response


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("export", None)
    return page, query.urlencode()


# --- lists ----------------------------------------------------------------------------------------

@require_GET
@login_required
def mijn_actiepunten(request):
    driehoeken = list(visible_driehoeken(request.user).order_by("naam"))
    form = MijnFilterForm(request.GET or None, driehoeken=visible_driehoeken(request.user).order_by("naam"))
    queryset = selectors.mijn_actiepunten(request.user, **form.filters())
    if export := _export(request, queryset, "mijn-actiepunten"):
        return export
    page, querystring = _page(request, queryset)
    return render(request, "actiepunten/mijn.html", {"form": form, "pagina": page, "querystring": querystring,
                                                     "driehoeken": driehoeken})


@require_GET
@login_required
def actielijst(request, pk: int):
    driehoek = get_driehoek(request.user, pk)
    rechten = permissions_on(request.user, driehoek)
    form = ActielijstFilterForm(
        request.GET or None, members=selectors.members_of(driehoek),
        overleggen=selectors.overleggen_van(driehoek),
        arrangementen=selectors.arrangementen_van(request.user, driehoek),
    )
    queryset = selectors.actielijst(request.user, driehoek, **form.filters())
    if export := _export(request, queryset, "actielijst"):
        return export
    page, querystring = _page(request, queryset)
    kan_beheren = toegang.MANAGE_ACTIEPUNTEN in rechten
    return render(request, "actiepunten/actielijst.html", {
        "driehoek": driehoek, "form": form, "pagina": page, "querystring": querystring,
        "kan_beheren": kan_beheren,
        "mislukte_herinneringen": selectors.failed_reminders(driehoek) if kan_beheren else 0,
    })


# --- overleggen -----------------------------------------------------------------------------------

@require_GET
@login_required
def overleggen(request, pk: int):
    driehoek = get_driehoek(request.user, pk)
    return render(request, "actiepunten/overleggen.html", {
        "driehoek": driehoek, "overleggen": selectors.overleg_list(driehoek),
        "kan_beheren": toegang.MANAGE_OVERLEG in permissions_on(request.user, driehoek),
    })


def _save_overleg(request, form, *, driehoek=None, overleg=None):
    kwargs = {"user": request.user, "data": form.service_data(), "deelnemers": form.deelnemers_list(),
              "agenda": form.agenda_list(), "besluiten": form.besluiten_list()}
    try:
        if overleg is None:
            return services.create_overleg(driehoek=driehoek, **kwargs)
        return services.update_overleg(overleg=overleg, **kwargs)
    except ValidationError as error:
        _apply_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
@login_required
def overleg_nieuw(request, pk: int):
    driehoek = get_driehoek(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    form = OverlegForm(request.POST or None, members=selectors.members_of(driehoek), werkgroep=driehoek.is_werkgroep,
                       initial={"datum": timezone.localdate(), "secretaris": request.user,
                                **({"soort": Overleg.Soort.WERKGROEP} if driehoek.is_werkgroep else {})})
    if request.method == "POST" and form.is_valid():
        overleg = _save_overleg(request, form, driehoek=driehoek)
        if overleg:
            messages.success(request, _("Het overleg is vastgelegd."))
            return redirect("actiepunten:overleg", overleg.pk)
    return render(request, "actiepunten/overleg_form.html", {"driehoek": driehoek, "form": form, "overleg": None})


@require_http_methods(["GET", "POST"])
@login_required
def overleg_bewerken(request, pk: int):
    overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_OVERLEG)
    initial = OverlegForm.initial_for(overleg, selectors.overleg_detail(overleg))
    form = OverlegForm(request.POST or None, members=selectors.members_of(overleg.driehoek), initial=initial,
                       werkgroep=overleg.driehoek.is_werkgroep)
    if request.method == "POST" and form.is_valid() and _save_overleg(request, form, overleg=overleg):
        messages.success(request, _("Het overleg is opgeslagen."))
        return redirect("actiepunten:overleg", overleg.pk)
    return render(request, "actiepunten/overleg_form.html", {"driehoek": overleg.driehoek, "form": form,
                                                             "overleg": overleg})


@require_GET
@login_required
def overleg_detail(request, pk: int):
    overleg = selectors.get_overleg(request.user, pk)
    rechten = permissions_on(request.user, overleg.driehoek)
    detail = selectors.overleg_detail(overleg)
    return render(request, "actiepunten/overleg.html", {
        "overleg": overleg, "driehoek": overleg.driehoek, **detail,
        "verzendingen": selectors.verzendingen(overleg),
        "niet_bereikt": ontvangers.not_reached(detail["deelnemers"] + detail["afwezigen"]),
        "kan_bewerken": toegang.MANAGE_OVERLEG in rechten,
        "kan_actiepunten_beheren": toegang.MANAGE_ACTIEPUNTEN in rechten,
        # Only an evaluatie-overleg holds evaluations: other overleggen ask nothing more of the database.
        "evaluaties": (list(overleg.evaluaties.select_related("arrangement"))
                       if overleg.soort == Overleg.Soort.EVALUATIE else []),
    })


@require_GET
@login_required
def verslag_pdf(request, pk: int):
    """Every member of the driehoek may download the verslag; it is rendered on request (a few pages)."""
    overleg = selectors.get_overleg(request.user, pk)
    try:
        pdf = verslag.render_verslag(overleg)
    except PdfTeGroot as error:
        audit.record_refusal(audit.Gebeurtenis.LIMIET_OVERSCHREDEN, request=request, obj=overleg,
                             reden=str(error), details={"onderdeel": "verslag-pdf"})
        messages.error(request, str(error))
        return redirect("actiepunten:overleg", overleg.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{verslag.filename(overleg)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- actiepunten ----------------------------------------------------------------------------------

def _actiepunt_form(request, driehoek, *, nieuw: bool, initial: dict):
    arrangementen = selectors.arrangementen_van(request.user, driehoek)
    return ActiepuntForm(
        request.POST or None, initial=initial, nieuw=nieuw, members=selectors.members_of(driehoek),
        werkgroep=driehoek.is_werkgroep,
        overleggen=selectors.overleggen_van(driehoek), arrangementen=arrangementen,
        afspraken=Afspraak.objects.filter(arrangement__in=arrangementen).select_related("arrangement")
        .order_by("arrangement__titel", "volgorde"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def actiepunt_nieuw(request, pk: int):
    driehoek = get_driehoek(request.user, pk, permission=toegang.MANAGE_ACTIEPUNTEN)
    initial = {}
    if (overleg_pk := request.GET.get("overleg", "")).isdigit():
        initial["overleg"] = selectors.overleggen_van(driehoek).filter(pk=overleg_pk).first()
    form = _actiepunt_form(request, driehoek, nieuw=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actiepunt = services.create_actiepunt(driehoek=driehoek, user=request.user, data=form.service_data(),
                                                  overleg=form.cleaned_data["overleg"],
                                                  nummer=form.cleaned_data["nummer"], **form.mede())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Actiepunt %(nr)s is toegevoegd.") % {"nr": actiepunt.nummer})
            return redirect(actiepunt.overleg or actiepunt)
    return render(request, "actiepunten/actiepunt_form.html", {"driehoek": driehoek, "form": form,
                                                               "actiepunt": None})


@require_http_methods(["GET", "POST"])
@login_required
def actiepunt_bewerken(request, pk: int):
    actiepunt = selectors.get_actiepunt(request.user, pk, permission=toegang.MANAGE_ACTIEPUNTEN)
    form = _actiepunt_form(request, actiepunt.driehoek, nieuw=False, initial=ActiepuntForm.initial_for(actiepunt))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_actiepunt(actiepunt=actiepunt, user=request.user, data=form.service_data(),
                                      **form.mede())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Het actiepunt is opgeslagen."))
            return redirect("actiepunten:actiepunt", pk)
    return render(request, "actiepunten/actiepunt_form.html", {"driehoek": actiepunt.driehoek, "form": form,
                                                               "actiepunt": actiepunt})


@require_GET
@login_required
def actiepunt_detail(request, pk: int):
    actiepunt = selectors.get_actiepunt(request.user, pk)
    return cyclus_views.render_detail(request, actiepunt, StatusForm())


@require_POST
@login_required
def actiepunt_status(request, pk: int, action: str):
    actiepunt = selectors.get_actiepunt(request.user, pk)
    if action not in workflow.ACTIONS:
        raise Http404(_("Onbekende handeling."))
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            actiepunt = services.change_status(actiepunt=actiepunt, user=request.user, action=action,
                                               toelichting=form.cleaned_data["toelichting"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De status is nu '%(status)s'.") % {"status": actiepunt.get_status_display()})
            return redirect("actiepunten:actiepunt", pk)
    return cyclus_views.render_detail(request, actiepunt, form, status=400)


# --- settings and calendar ------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def instellingen(request):
    voorkeur = selectors.voorkeur_van(request.user)
    form = VoorkeurForm(initial={"weekoverzicht": voorkeur.weekoverzicht if voorkeur else True})
    nieuwe_url = ""
    if request.method == "POST":
        handeling = request.POST.get("handeling")
        if handeling == "voorkeur":
            form = VoorkeurForm(request.POST)
            if form.is_valid():
                services.set_weekoverzicht(user=request.user, ontvangen=form.cleaned_data["weekoverzicht"])
                messages.success(request, _("Uw voorkeur is opgeslagen."))
                return redirect("actiepunten:instellingen")
        elif handeling == "agenda_nieuw":
            services.revoke_agendakoppelingen(user=request.user)
            token = services.create_agendakoppeling(user=request.user)
            # Shown once, in this response only: the database keeps just a hash of the token.
            nieuwe_url = f"{settings.SITE_URL.rstrip('/')}{_agenda_prefix()}{token}.ics"  # as links in e-mails
        elif handeling == "agenda_intrekken":
            n = services.revoke_agendakoppelingen(user=request.user)
            messages.success(request, _("De agendakoppeling is ingetrokken.") if n else
                             _("Er was geen actieve agendakoppeling."))
            return redirect("actiepunten:instellingen")
        else:
            raise PermissionDenied(_("Onbekende handeling."))
    return render(request, "actiepunten/instellingen.html", {
        "form": form, "nieuwe_url": nieuwe_url,
        "koppelingen": selectors.active_agendakoppelingen(request.user),
    })


def _agenda_prefix() -> str:
    from django.urls import reverse

    return reverse("actiepunten:agenda", args=["TOKEN"]).removesuffix("TOKEN.ics")


@require_GET
def agenda_feed(request, token: str):
    """No login: the secret token is the credential. Wrong or revoked: 404."""
    feed = selectors.agenda_for_token(token)
    body = agenda.build_calendar(**feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="actiepunten.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
