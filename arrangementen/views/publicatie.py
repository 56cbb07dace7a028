"""Pages of the publication version (citeertitel, downloads, CVDR) and of the driehoek's advice on geweldsmiddelen
(arrangementen.publicatie, arrangementen.geweldsadviezen; issue 20, items 3 and 4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samenwerking import audit, toegang
from samenwerking.forms import apply_errors
from samenwerking.toegang import permissions_on

from .. import geweldsadviezen, publicatie, publicatietekst, selectors
from ..forms.publicatie import CiteertitelForm, CvdrForm, GeweldsadviesForm
from ..models import Geweldsadvies


def _page(request, arrangement, *, citeertitel_form=None, cvdr_form=None):
    rechten = permissions_on(request.user, arrangement.driehoek)
    return render(request, "arrangementen/publicatie.html", {
        "arrangement": arrangement, "weigering": publicatie.refusal(arrangement),
        "citeertitel": publicatie.citeertitel(arrangement),
        "inwerkingtreding": publicatie.inwerkingtreding(arrangement),
        "cvdr_link": publicatie.cvdr_link(arrangement.cvdr_referentie),
        "kan_vastleggen": toegang.ADOPT in rechten,
        "citeertitel_form": citeertitel_form or CiteertitelForm(initial={"citeertitel": arrangement.citeertitel}),
        "cvdr_form": cvdr_form or CvdrForm(initial={"cvdr_referentie": arrangement.cvdr_referentie}),
    })


@login_required
def publicatie_page(request, pk: int):
    """Every member reads the page and downloads the versions; the secretaris sets the citeertitel (POST)."""
    arrangement = selectors.get_arrangement(request.user, pk)
    if request.method != "POST":
        return _page(request, arrangement)
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.ADOPT)
    form = CiteertitelForm(request.POST)
    if form.is_valid():
        try:
            publicatie.set_citeertitel(arrangement=arrangement, user=request.user,
                                       citeertitel=form.cleaned_data["citeertitel"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("De citeertitel is vastgelegd."))
            return redirect("arrangementen:publicatie", pk)
    return _page(request, arrangement, citeertitel_form=form)


@require_POST
@login_required
def publicatie_cvdr(request, pk: int):
    """After publication the secretaris records where the CVDR lists it; a wrong form keeps what was typed."""
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.ADOPT)
    form = CvdrForm(request.POST)
    if form.is_valid():
        try:
            publicatie.record_cvdr(arrangement=arrangement, user=request.user,
                                   cvdr_referentie=form.cleaned_data["cvdr_referentie"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("De publicatie in het CVDR is vastgelegd."))
            return redirect("arrangementen:publicatie", pk)
    return _page(request, arrangement, cvdr_form=form)


def _published(request, pk: int):
    """The arrangement, and whether it has a publication version (if not, the message says why)."""
    arrangement = selectors.get_arrangement(request.user, pk)
    if reason := publicatie.refusal(arrangement):
        messages.error(request, reason)
        return arrangement, False
    return arrangement, True


def _download(request, arrangement, data, *, content_type: str, extension: str):
    audit.record(audit.Gebeurtenis.PDF_GEDOWNLOAD, gebruiker=request.user, obj=arrangement,
                 details={"publicatieversie": extension})
    name = slugify(publicatie.citeertitel(arrangement)) or "arrangement"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-publicatie.{extension}"'
    return response


@never_cache
@require_GET
@login_required
def publicatie_pdf(request, pk: int):
    arrangement, ready = _published(request, pk)
    if not ready:
        return redirect("arrangementen:publicatie", pk)
    try:
        data = publicatietekst.render_pdf(arrangement)
    except publicatietekst.renderer.PdfTeGroot as error:
        messages.error(request, str(error))
        return redirect("arrangementen:publicatie", pk)
    return _download(request, arrangement, data, content_type="application/pdf", extension="pdf")


@never_cache
@require_GET
@login_required
def publicatie_html(request, pk: int):
    arrangement, ready = _published(request, pk)
    if not ready:
        return redirect("arrangementen:publicatie", pk)
    return _download(request, arrangement, publicatietekst.render_html(arrangement),
                     content_type="text/html; charset=utf-8", extension="html")


@never_cache
@require_GET
@login_required
def publicatie_tekst(request, pk: int):
    arrangement, ready = _published(request, pk)
    if not ready:
        return redirect("arrangementen:publicatie", pk)
    return _download(request, arrangement, publicatietekst.render_text(arrangement),
                     content_type="text/plain; charset=utf-8", extension="txt")


@login_required
def geweldsadvies_nieuw(request, pk: int):
    """The secretaris records the driehoek's advice; on an arrangement not in force the page says why."""
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.ADOPT)
    weigering = geweldsadviezen.refusal(arrangement)
    form = GeweldsadviesForm(request.POST or None, organisaties=geweldsadviezen.boa_organisaties(arrangement),
                             gedekte_domeinen=geweldsadviezen.covered_domains(arrangement))
    if request.method == "POST" and not weigering and form.is_valid():
        try:
            geweldsadviezen.request_advies(arrangement=arrangement, user=request.user,
                                           gegevens=geweldsadviezen.Adviesgegevens(**form.cleaned_data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Het advies is vastgelegd. De PDF wordt gemaakt en door het platform "
                                        "ondertekend; ververs de pagina over enkele ogenblikken."))
            return redirect(f"{arrangement.get_absolute_url()}#geweldsadviezen")
    return render(request, "arrangementen/geweldsadvies_form.html", {
        "arrangement": arrangement, "form": form, "weigering": weigering,
    })


@require_GET
@login_required
def geweldsadvies_download(request, pk: int, advies_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.EXPORT)
    advies = get_object_or_404(Geweldsadvies.objects.select_related("arrangement__driehoek"), pk=advies_pk,
                               arrangement=arrangement)
    try:
        handle = geweldsadviezen.open_for_download(advies=advies, user=request.user)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    return FileResponse(handle, as_attachment=True, content_type="application/pdf",
                        filename=f"{advies.referentie}.pdf")
