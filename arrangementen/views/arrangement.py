"""Pages of an arrangement as a whole: the list, the review queue, a new one, its detail page and a herziening."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors as _apply_errors
from samenwerking.models import Basisteam, Gemeente
from samenwerking.toegang import permissions_on, visible_driehoeken

from .. import (
    aanvullingen,
    geweldregels,
    geweldstoets,
    herstel,
    levensloop,
    opzeggen,
    selectors,
    services,
    stroomregels,
    workflow,
)
from ..forms import FilterForm, NieuwArrangementForm, OpmerkingForm, OvergangForm
from ..models import Afspraak, Arrangement, Levensfase, Niveau, Status


@require_GET
@login_required
def arrangement_list(request):
    driehoeken = visible_driehoeken(request.user)
    form = FilterForm(
        request.GET or None,
        gemeenten=Gemeente.objects.filter(driehoeken__in=driehoeken).distinct().order_by("weergavenaam"),
        basisteams=Basisteam.objects.filter(driehoeken__in=driehoeken).distinct().order_by("naam"),
    )
    filters = dict(form.cleaned_data) if form.is_bound and form.is_valid() else {}
    alleen_geweld = filters.pop("geweldsmiddelen", False)
    queryset = selectors.arrangement_list(
        request.user, **{k: v for k, v in filters.items() if v not in (None, "", False)}
    )
    if alleen_geweld:
        queryset = geweldstoets.with_flag(queryset, peildatum=filters.get("peildatum"), only=True)
    page = Paginator(queryset, 25).get_page(request.GET.get("pagina"))
    page.object_list = list(page.object_list)
    # Unfiltered, the flag is read for this page's rows only (geweldstoets.flagged_among), not built into the list.
    flagged = None if alleen_geweld else geweldstoets.flagged_among([a.pk for a in page.object_list],
                                                                     peildatum=filters.get("peildatum"))
    for arrangement in page.object_list:
        arrangement.levensfase_label = Levensfase(arrangement.levensfase).label if arrangement.levensfase else ""
        if flagged is not None:
            arrangement.geweld_zonder_werking = arrangement.pk in flagged
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "arrangementen/lijst.html", {
        "form": form, "pagina": page, "querystring": query.urlencode(),
        "kan_opstellen": visible_driehoeken(request.user, permission=toegang.DRAFT).exists(),
    })


@require_GET
@login_required
def review_queue(request):
    return render(request, "arrangementen/te_beoordelen.html", {
        "arrangementen": list(selectors.review_queue(request.user)),
    })


@login_required
def arrangement_create(request):
    driehoeken = visible_driehoeken(request.user, permission=toegang.DRAFT).order_by("naam")
    eerste = list(driehoeken[:2])
    if not eerste:
        raise PermissionDenied(_("U kunt in geen enkele driehoek arrangementen opstellen."))
    # The only driehoek the user drafts in is preselected; otherwise the one the link asked for, if any.
    gekozen = eerste[0].pk if len(eerste) == 1 else request.GET.get("driehoek")
    form = NieuwArrangementForm(request.POST or None, driehoeken=driehoeken, initial={"driehoek": gekozen})
    if request.method == "POST" and form.is_valid():
        try:
            arrangement = services.create_arrangement(
                driehoek=form.cleaned_data["driehoek"], user=request.user,
                titel=form.cleaned_data["titel"], start=form.cleaned_data["start"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Het arrangement is aangemaakt als concept."))
            return redirect("arrangementen:detail", arrangement.pk)
    return render(request, "arrangementen/nieuw.html", {"form": form})


def _grouped_afspraken(afspraken: list[Afspraak]) -> list[dict]:
    groups = []
    for niveau in Niveau:
        items = [a for a in afspraken if a.onderwerp.niveau == niveau]
        onderwerpen: dict = {}
        for afspraak in items:
            onderwerpen.setdefault(afspraak.onderwerp, []).append(afspraak)
        groups.append({"niveau": niveau, "onderwerpen": list(onderwerpen.items()), "aantal": len(items)})
    return groups


@require_GET
@login_required
def arrangement_detail(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk)
    rechten = permissions_on(request.user, arrangement.driehoek)
    detail = selectors.arrangement_detail(arrangement)
    by_afspraak: dict = {}
    for thread in selectors.opmerkingen_threads(detail["opmerkingen"]):
        by_afspraak.setdefault(thread["opmerking"].afspraak_id, []).append(thread)
    for afspraak in detail["afspraken"]:
        afspraak.threads = by_afspraak.get(afspraak.pk, [])
    volgende = Arrangement.objects.filter(vorige_versie=arrangement).only("pk", "versie").first()
    gegevensstromen = stroomregels.flows_of(arrangement)
    for stroom in gegevensstromen:
        stroom.ontbreekt = stroomregels.missing_elements(stroom)
    ondertekend = arrangement.status == Status.ONDERTEKEND  # only a signed arrangement can have been opgezegd
    kan_bewerken = arrangement.is_bewerkbaar and toegang.DRAFT in rechten
    return render(request, "arrangementen/detail.html", {
        "arrangement": arrangement,
        "levensfase_tekst": levensloop.describe(arrangement),
        "groepen": _grouped_afspraken(detail["afspraken"]),
        "partijen": detail["partijen"],
        "inzet": detail["inzet"],
        "gegevensstromen": gegevensstromen,
        "toekenningen": geweldregels.toekenningen_of(arrangement),
        "overgangen": detail["overgangen"],
        "beoordelingen": detail["beoordelingen"],
        "partij_standen": detail["partij_standen"],
        "privacy_stand": detail["privacy_stand"],
        **detail["meldingen"],
        "algemene_threads": by_afspraak.get(None, []),
        "transities": workflow.offered_transitions(request.user, arrangement, standen=detail["partij_standen"],
                                                   privacy=detail["privacy_stand"], permissions=rechten),
        "kan_bewerken": kan_bewerken,
        # Sharing an afspraak in the kennisbank speaks for the driehoek: the secretaris' (praktijkvoorbeelden.offer).
        "kan_aanbieden": toegang.ADOPT in rechten,
        # Right after a deletion (afspraak_delete leads here): the notice that can undo it.
        "verwijderd": herstel.deleted_afspraak(arrangement, request.GET.get("verwijderd"))
        if kan_bewerken and "verwijderd" in request.GET else None,
        "kan_reageren": bool(services.COMMENT_PERMISSIONS & rechten),
        "kan_herzien": toegang.DRAFT in rechten and arrangement.is_herzienbaar
        and volgende is None,
        "volgende_versie": volgende,
        "opzegging": opzeggen.opzegging_of(arrangement) if ondertekend else None,
        "kan_opzeggen": ondertekend and opzeggen.may_give_notice(request.user, arrangement, rechten),
        "ontbrekend": workflow.missing_mandatory_clauses(arrangement) if arrangement.is_bewerkbaar else [],
        "overgang_form": OvergangForm(),
        "opmerking_form": OpmerkingForm(),
        **selectors.document_context(request.user, arrangement, rechten),
        "aanvullingen": aanvullingen.for_arrangement(user=request.user, arrangement=arrangement, rechten=rechten),
    })


@require_POST
@login_required
def herziening(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    try:
        copy = services.start_herziening(arrangement=arrangement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("arrangementen:detail", pk)
    messages.success(request, _("Versie %(versie)s is aangemaakt als concept.") % {"versie": copy.versie})
    return redirect("arrangementen:detail", copy.pk)
