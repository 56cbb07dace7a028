"""An arrangement's history of changes and the comparison of its versions."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samenwerking.geschiedenis import build_timeline

from .. import aanvullingen, selectors
from ..models import (
    Afspraak,
    Arrangement,
    BoaInzet,
    Gegevensstroom,
    Geweldsadvies,
    Geweldsmiddeltoekenning,
    Partij,
    Statusovergang,
)
from ..vergelijking import compare_versions


@require_GET
@login_required
def arrangement_history(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk)
    afspraak_ids = Q(arrangement_id=arrangement.pk)
    events = build_timeline(
        Arrangement.history.filter(id=arrangement.pk),
        Afspraak.history.filter(afspraak_ids),
        Partij.history.filter(afspraak_ids),
        BoaInzet.history.filter(afspraak_ids),
        Statusovergang.history.filter(afspraak_ids),
        Gegevensstroom.history.filter(afspraak_ids),
        Geweldsmiddeltoekenning.history.filter(afspraak_ids),
        Geweldsadvies.history.filter(afspraak_ids),
        describe=_describe_record, with_text_diff=True,
    )
    page = Paginator(events, 40).get_page(request.GET.get("pagina"))
    return render(request, "arrangementen/geschiedenis.html", {
        "arrangement": arrangement, "pagina": page, "versies": selectors.version_chain(arrangement),
        "aanvullingen": aanvullingen.for_arrangement(user=request.user, arrangement=arrangement, rechten=set()),
    })


def _describe_record(record, resolver):
    model = record.instance_type
    if model is Arrangement:
        return _("Arrangement")
    if model is Afspraak:
        return _("Afspraak “%(titel)s”") % {"titel": record.titel}
    if model is Partij:
        return _("Partij")
    if model is Gegevensstroom:
        return _("Gegevensstroom “%(categorieen)s”") % {"categorieen": record.categorieen[:60]}
    if model is Geweldsmiddeltoekenning:
        return _("Geweldsmiddel %(middel)s, domein %(domein)s") % {"middel": record.geweldsmiddel,
                                                                   "domein": record.domein}
    if model is Geweldsadvies:
        return _("Advies over geweldsmiddelen %(referentie)s") % {"referentie": record.referentie}
    if model is BoaInzet:
        return _("BOA-inzet domein %(domein)s") % {"domein": record.domein}
    return str(model._meta.verbose_name).capitalize()


@require_GET
@login_required
def compare(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk)
    chain = selectors.version_chain(arrangement)
    by_pk = {a.pk: a for a in chain}
    try:
        left = by_pk[int(request.GET.get("a", chain[0].pk))]
        right = by_pk[int(request.GET.get("b", chain[-1].pk))]
    except (KeyError, ValueError):
        raise Http404(_("Deze versies horen niet bij hetzelfde arrangement.")) from None
    if left.versie > right.versie:
        left, right = right, left
    return render(request, "arrangementen/vergelijk.html", {
        "arrangement": arrangement, "versies": chain, "links": left, "rechts": right,
        "vergelijking": compare_versions(left, right, chain, alleen_wijzigingen=request.GET.get("alleen") == "1"),
    })
