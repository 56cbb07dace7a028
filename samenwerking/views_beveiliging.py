"""Beheerder pages: the security audit log and the access review, each with a CSV export."""

import csv
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import audit, tabellen
from .models import Auditregel, Gebruiker, Lidmaatschap, Overzichtslidmaatschap
from .permissions_setup import BEHEER_GROUP, is_beheerder


def beheerder_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_beheerder(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with = + - @ or a control character."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in tabellen.FORMULA_STARTS else text


def _prepend(first, rest):
    yield first
    yield from rest


def _csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")
    lines = (writer.writerow([_safe(v) for v in row]) for row in _prepend(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filtered_log(params):
    regels = Auditregel.objects.order_by("-id")
    if gebeurtenis := params.get("gebeurtenis"):
        regels = regels.filter(gebeurtenis=gebeurtenis)
    # "geweigerd" lists every refusal (403/404 on another driehoek, transitions, signing, imports, lockouts).
    if (resultaat := params.get("resultaat")) in Auditregel.Resultaat.values:
        regels = regels.filter(resultaat=resultaat)
    if wie := params.get("gebruiker", "").strip():
        regels = regels.filter(gebruikersnaam__icontains=wie)
    for name, lookup in (("van", "tijdstip__date__gte"), ("tot", "tijdstip__date__lte")):
        try:
            day = datetime.date.fromisoformat(params.get(name, ""))
        except ValueError:
            continue
        regels = regels.filter(**{lookup: day})
    return regels


@require_GET
@beheerder_required
def auditlog(request):
    page = Paginator(_filtered_log(request.GET), 50).get_page(request.GET.get("pagina"))
    return render(request, "samenwerking/auditlog.html", {
        "pagina": page,
        "gebeurtenissen": Auditregel.Gebeurtenis.choices,
        "resultaten": Auditregel.Resultaat.choices,
        "filters": request.GET,
        "querystring": request.GET.urlencode(),
    })


@require_GET
@beheerder_required
def auditlog_export(request):
    regels = _filtered_log(request.GET)
    audit.record(audit.Gebeurtenis.EXPORT, request=request, details={"wat": "beveiligingslogboek",
                                                                      "filters": request.GET.dict()})
    header = [_("nummer"), _("tijdstip"), _("gebeurtenis"), _("resultaat"), _("gebruiker"), _("soort object"),
              _("object-id"), _("object"), _("IP-adres"), _("details"), _("hash")]
    rows = ([r.pk, timezone.localtime(r.tijdstip).isoformat(), r.gebeurtenis, r.resultaat, r.gebruikersnaam,
             r.object_type, r.object_id, r.object_omschrijving, r.ip_adres, r.details, r.hash]
            for r in regels.iterator(chunk_size=2000))
    return _csv_response(f"beveiligingslogboek-{timezone.localdate():%Y%m%d}.csv", header, rows)


def _access_rows(alle: bool):
    memberships = Lidmaatschap.objects.select_related("gebruiker__organisatie", "driehoek").order_by(
        "driehoek__naam", "gebruiker__username", "rol")
    # Scope roles give no content, but they are access all the same: a review that left them out would hide them.
    overzichten = Overzichtslidmaatschap.objects.select_related(
        "gebruiker__organisatie", "eenheid", "veiligheidsregio").order_by("gebruiker__username", "actief_van", "pk")
    if not alle:
        memberships, overzichten = memberships.active(), overzichten.active()
    beheerders = (Gebruiker.objects.filter(is_staff=True)
                  .filter(Q(is_superuser=True) | Q(groups__name=BEHEER_GROUP))
                  .select_related("organisatie").distinct().order_by("username"))
    return memberships, overzichten, beheerders


@require_GET
@beheerder_required
def toegangsoverzicht(request):
    alle = request.GET.get("alle") == "1"
    memberships, overzichten, beheerders = _access_rows(alle)
    return render(request, "samenwerking/toegangsoverzicht.html", {
        "lidmaatschappen": memberships, "overzichten": overzichten, "beheerders": beheerders, "alle": alle,
        "peildatum": timezone.localdate(),
    })


@require_GET
@beheerder_required
def toegangsoverzicht_export(request):
    alle = request.GET.get("alle") == "1"
    memberships, overzichten, beheerders = _access_rows(alle)
    audit.record(audit.Gebeurtenis.EXPORT, request=request, details={"wat": "toegangsoverzicht", "alle": alle})
    header = [_("gebruiker"), _("naam"), _("organisatie"), _("actief account"), _("driehoek"), _("rol"),
              _("sinds"), _("tot"), _("laatst ingelogd")]

    def rows():
        for m in memberships:
            g = m.gebruiker
            yield [g.username, g.get_full_name(), g.organisatie or "", g.is_active, m.driehoek, m.get_rol_display(),
                   m.actief_van.isoformat(), m.actief_tot.isoformat() if m.actief_tot else "",
                   timezone.localtime(g.last_login).isoformat() if g.last_login else ""]
        for o in overzichten:
            g = o.gebruiker
            yield [g.username, g.get_full_name(), g.organisatie or "", g.is_active, "",
                   _("overzichtsrol: %(scope)s") % {"scope": o.scope_naam}, o.actief_van.isoformat(),
                   o.actief_tot.isoformat() if o.actief_tot else "",
                   timezone.localtime(g.last_login).isoformat() if g.last_login else ""]
        for g in beheerders:
            yield [g.username, g.get_full_name(), g.organisatie or "", g.is_active, "", _("functioneel beheerder"),
                   "", "", timezone.localtime(g.last_login).isoformat() if g.last_login else ""]

    return _csv_response(f"toegangsoverzicht-{timezone.localdate():%Y%m%d}.csv", header, rows())
