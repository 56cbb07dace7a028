from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors as _apply_errors
from samenwerking.geschiedenis import build_timeline
from samenwerking.models import Basisteam, Gemeente
from samenwerking.toegang import permissions_on, visible_driehoeken

from . import selectors, services, workflow
from .forms import (
    AfspraakForm,
    ArrangementForm,
    FilterForm,
    InzetFormSet,
    NieuwArrangementForm,
    OpmerkingForm,
    OvergangForm,
    PartijForm,
)
from .models import Afspraak, Arrangement, BoaInzet, Niveau, Opmerking, Partij, Statusovergang
from .vergelijking import compare_versions
from .views_documenten import document_context


def _stale(request, form, error: services.StaleEdit, arrangement: Arrangement, merge=None):
    """Keep the user's input, show what changed, and base the next save on the current version.

    `merge(data, version)` may take over others' changes in fields this user left untouched, so that
    saving again does not silently put back the values the user happened to have on screen."""
    data = form.data.copy()
    version = int(form.data.get("lock_version") or 0)
    current = Arrangement.objects.values_list("lock_version", flat=True).get(pk=arrangement.pk)
    if merge is not None:
        merge(data, version)
    data["lock_version"] = current
    form.data = data
    form.add_error(None, error.messages)
    return error.wijzigingen


CONFLICT = gettext_lazy("Ook iemand anders heeft dit gewijzigd (zie hierboven). Kies wat het moet zijn en sla "
                        "opnieuw op.")


def _as_form_value(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _merge_untouched(arrangement: Arrangement, form, formset):
    """The service's three-way rule (`services.merge_fields`) on the re-rendered form: fields the user left as
    they were show what others saved since, and a field both changed says so next to it."""
    def merge(data, version):
        start, inzet_start = services.values_at(arrangement, version), services.inzet_at(arrangement, version)
        if start is None or inzet_start is None:
            return
        fresh = Arrangement.objects.get(pk=arrangement.pk)
        merged, conflicts = services.merge_fields(
            base=start, mine={name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
            current={name: getattr(fresh, name) for name in services.EDITABLE_FIELDS})
        for name, value in merged.items():
            if isinstance(value, list):
                data.setlist(name, [str(v) for v in value])
            else:
                data[name] = _as_form_value(value)
        for name in conflicts:
            form.add_error(name, CONFLICT)
        now = {row.domein: {"aantal_boas": row.aantal_boas, "fte": row.fte} for row in fresh.inzet.all()}
        empty = {"aantal_boas": 0, "fte": 0}
        for row in formset.forms:
            domein = row.cleaned_data["domein"]
            values, clash = services.merge_fields(
                base=inzet_start.get(domein, empty), current=now.get(domein, empty),
                mine={name: row.cleaned_data[name] for name in ("aantal_boas", "fte")})
            for name, value in values.items():
                data[f"{row.prefix}-{name}"] = _as_form_value(value)
            for name in clash:
                row.add_error(name, CONFLICT)
        formset.data = data
        for row in formset.forms:
            row.data = data
    return merge


@require_GET
@login_required
def arrangement_list(request):
    driehoeken = visible_driehoeken(request.user)
    form = FilterForm(
        request.GET or None,
        gemeenten=Gemeente.objects.filter(driehoeken__in=driehoeken).distinct().order_by("weergavenaam"),
        basisteams=Basisteam.objects.filter(driehoeken__in=driehoeken).distinct().order_by("naam"),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = selectors.arrangement_list(
        request.user, **{k: v for k, v in filters.items() if v not in (None, "", False)}
    )
    page = Paginator(queryset, 25).get_page(request.GET.get("pagina"))
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
    if not driehoeken.exists():
        raise PermissionDenied(_("U kunt in geen enkele driehoek arrangementen opstellen."))
    form = NieuwArrangementForm(request.POST or None, driehoeken=driehoeken,
                                initial={"driehoek": request.GET.get("driehoek")})
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
        groups.append({"niveau": niveau, "onderwerpen": list(onderwerpen.items())})
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
    return render(request, "arrangementen/detail.html", {
        "arrangement": arrangement,
        "groepen": _grouped_afspraken(detail["afspraken"]),
        "partijen": detail["partijen"],
        "inzet": detail["inzet"],
        "overgangen": detail["overgangen"],
        "beoordelingen": detail["beoordelingen"],
        "algemene_threads": by_afspraak.get(None, []),
        "transities": workflow.available_transitions(request.user, arrangement, rechten),
        "kan_bewerken": arrangement.is_bewerkbaar and toegang.DRAFT in rechten,
        "kan_reageren": bool(services.COMMENT_PERMISSIONS & rechten),
        "kan_herzien": toegang.DRAFT in rechten and arrangement.is_herzienbaar
        and volgende is None,
        "volgende_versie": volgende,
        "ontbrekend": workflow.missing_mandatory_clauses(arrangement) if arrangement.is_bewerkbaar else [],
        "overgang_form": OvergangForm(),
        "opmerking_form": OpmerkingForm(),
        **document_context(request.user, arrangement, rechten),
    })


@login_required
def arrangement_edit(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    if not arrangement.is_bewerkbaar:
        messages.error(request, _("Alleen een concept kan worden bewerkt. Zet het arrangement eerst terug "
                                  "naar concept of start een herziening."))
        return redirect("arrangementen:detail", pk)
    inzet_initial = [{"domein": i.domein, "aantal_boas": i.aantal_boas, "fte": i.fte}
                     for i in arrangement.inzet.all()]
    form = ArrangementForm(request.POST or None, instance=arrangement,
                           initial={"lock_version": arrangement.lock_version})
    formset = InzetFormSet(request.POST or None, initial=inzet_initial, prefix="inzet")
    wijzigingen = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.update_arrangement(
                arrangement=arrangement, user=request.user,
                expected_version=form.cleaned_data["lock_version"],
                data={name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
                inzet=[services.InzetRegel(f.cleaned_data["domein"], f.cleaned_data["aantal_boas"],
                                           f.cleaned_data["fte"]) for f in formset.forms],
            )
        except services.StaleEdit as error:
            wijzigingen = _stale(request, form, error, arrangement,
                                 merge=_merge_untouched(arrangement, form, formset))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if form.cleaned_data["lock_version"] != arrangement.lock_version:
                messages.success(request, _("De wijzigingen zijn opgeslagen. Intussen had iemand anders andere "
                                            "gegevens gewijzigd; die wijzigingen zijn behouden."))
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("arrangementen:detail", pk)
    return render(request, "arrangementen/bewerken.html", {
        "arrangement": arrangement, "form": form, "formset": formset, "wijzigingen": wijzigingen,
    })


def _afspraak_of(arrangement: Arrangement, afspraak_pk: int) -> Afspraak:
    return get_object_or_404(Afspraak.objects.select_related("onderwerp", "arrangement"),
                             pk=afspraak_pk, arrangement=arrangement)


@login_required
def afspraak_form(request, pk: int, afspraak_pk: int | None = None):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    afspraak = _afspraak_of(arrangement, afspraak_pk) if afspraak_pk else None
    if not arrangement.is_bewerkbaar:
        messages.error(request, _("Alleen een concept kan worden bewerkt."))
        return redirect("arrangementen:detail", pk)
    initial = {"lock_version": arrangement.lock_version}
    if afspraak:
        initial.update(onderwerp=afspraak.onderwerp, titel=afspraak.titel, tekst=afspraak.tekst,
                       verantwoordelijke=afspraak.verantwoordelijke)
    form = AfspraakForm(request.POST or None, initial=initial, with_library=afspraak is None)
    wijzigingen = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("onderwerp", "titel", "tekst", "verantwoordelijke")}
        try:
            if afspraak:
                services.update_afspraak(afspraak=afspraak, user=request.user,
                                         expected_version=data["lock_version"], **fields)
            else:
                services.add_afspraak(arrangement=arrangement, user=request.user,
                                      expected_version=data["lock_version"],
                                      modelafspraak=data.get("modelafspraak"), **fields)
        except services.StaleEdit as error:
            wijzigingen = _stale(request, form, error, arrangement)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De afspraak is opgeslagen."))
            return redirect("arrangementen:detail", pk)
    return render(request, "arrangementen/afspraak_form.html", {
        "arrangement": arrangement, "afspraak": afspraak, "form": form, "wijzigingen": wijzigingen,
    })


def _version_from_post(request) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


def _run_edit(request, arrangement: Arrangement, action, success: str):
    """Run a small POST-only edit; report stale versions and refusals as messages."""
    version = _version_from_post(request)
    if version is None:
        messages.error(request, _("Het formulier was onvolledig. Probeer het opnieuw."))
        return redirect("arrangementen:detail", arrangement.pk)
    try:
        action(version)
    except services.StaleEdit as error:
        messages.error(request, " ".join(error.messages[:1]) + " " + "; ".join(
            f"{e.onderwerp} {e.actie} door {e.door}" for e in error.wijzigingen[:5]))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("arrangementen:detail", arrangement.pk)


@require_POST
@login_required
def afspraak_delete(request, pk: int, afspraak_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    afspraak = _afspraak_of(arrangement, afspraak_pk)
    return _run_edit(request, arrangement, lambda v: services.delete_afspraak(
        afspraak=afspraak, user=request.user, expected_version=v), _("De afspraak is verwijderd."))


@require_POST
@login_required
def afspraak_move(request, pk: int, afspraak_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    afspraak = _afspraak_of(arrangement, afspraak_pk)
    return _run_edit(request, arrangement, lambda v: services.move_afspraak(
        afspraak=afspraak, user=request.user, expected_version=v, richting=request.POST.get("richting", "")),
        _("De volgorde is aangepast."))


@login_required
def partij_add(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    if not arrangement.is_bewerkbaar:
        messages.error(request, _("Alleen een concept kan worden bewerkt."))
        return redirect("arrangementen:detail", pk)
    form = PartijForm(request.POST or None, initial={"lock_version": arrangement.lock_version},
                      arrangement=arrangement)
    wijzigingen = []
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partij(arrangement=arrangement, user=request.user,
                                expected_version=form.cleaned_data["lock_version"],
                                organisatie=form.cleaned_data["organisatie"],
                                nieuwe_organisatie=form.cleaned_data["nieuwe_organisatie"],
                                soort=form.cleaned_data["soort"],
                                vertegenwoordiger=form.cleaned_data["vertegenwoordiger"],
                                ondertekenaar_functie=form.cleaned_data["ondertekenaar_functie"],
                                ondertekenaar_naam=form.cleaned_data["ondertekenaar_naam"])
        except services.StaleEdit as error:
            wijzigingen = _stale(request, form, error, arrangement)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De partij is toegevoegd."))
            return redirect("arrangementen:detail", pk)
    return render(request, "arrangementen/partij_form.html", {
        "arrangement": arrangement, "form": form, "wijzigingen": wijzigingen,
    })


@require_POST
@login_required
def partij_remove(request, pk: int, partij_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    partij = get_object_or_404(Partij, pk=partij_pk, arrangement=arrangement)
    return _run_edit(request, arrangement, lambda v: services.remove_partij(
        partij=partij, user=request.user, expected_version=v), _("De partij is verwijderd."))


@login_required
def transition(request, pk: int, action: str):
    if action not in workflow.ACTIONS:
        raise Http404(_("Onbekende handeling."))
    arrangement = selectors.get_arrangement(request.user, pk)
    definition = workflow.find_transition(action, arrangement.status)
    form = OvergangForm(request.POST or None,
                        required=workflow.required_inputs(definition) if definition else frozenset())
    if request.method == "POST" and form.is_valid():
        try:
            workflow.perform(arrangement=arrangement, action=action, user=request.user,
                             toelichting=form.cleaned_data["toelichting"],
                             vastgesteld_op=form.cleaned_data["vastgesteld_op"],
                             besluit_referentie=form.cleaned_data["besluit_referentie"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Het arrangement heeft nu de status '%(status)s'.")
                             % {"status": Arrangement.objects.get(pk=pk).get_status_display()})
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
        "ontbrekend": workflow.missing_mandatory_clauses(arrangement) if action == "indienen" else [],
    })


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
        describe=_describe_record, with_text_diff=True,
    )
    page = Paginator(events, 40).get_page(request.GET.get("pagina"))
    return render(request, "arrangementen/geschiedenis.html", {
        "arrangement": arrangement, "pagina": page, "versies": selectors.version_chain(arrangement),
    })


def _describe_record(record, resolver):
    model = record.instance_type
    if model is Arrangement:
        return _("Arrangement")
    if model is Afspraak:
        return _("Afspraak “%(titel)s”") % {"titel": record.titel}
    if model is Partij:
        return _("Partij")
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
        "vergelijking": compare_versions(left, right, chain),
    })
