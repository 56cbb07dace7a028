"""Editing a concept: its fields, afspraken and partijen, under the optimistic lock (a stale save keeps the
user's input and takes over what others changed in fields this user left alone)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors as _apply_errors

from .. import herstel, selectors, services
from ..forms import AfspraakForm, ArrangementForm, InzetFormSet, PartijForm
from ..models import Afspraak, Arrangement, Partij
from . import kiezer


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
    return get_object_or_404(Afspraak.objects.select_related("onderwerp", "arrangement", "modelafspraak"),
                             pk=afspraak_pk, arrangement=arrangement)


@login_required
def afspraak_form(request, pk: int, afspraak_pk: int | None = None):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    afspraak = _afspraak_of(arrangement, afspraak_pk) if afspraak_pk else None
    if not arrangement.is_bewerkbaar:
        messages.error(request, _("Alleen een concept kan worden bewerkt."))
        return redirect("arrangementen:detail", pk)
    if afspraak is None and kiezer.insert_requested(request):
        return kiezer.insert(request, arrangement)
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
    return render(request, "arrangementen/afspraak_form.html", kiezer.form_context(
        arrangement, form, afspraak=afspraak, wijzigingen=wijzigingen))


def _version_from_post(request) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


def _run_edit(request, arrangement: Arrangement, action, success: str, then: str = ""):
    """Run a small POST-only edit; report stale versions and refusals as messages. `then`: where to go after
    success (default: the arrangement page)."""
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
        if then:
            return redirect(then)
    return redirect("arrangementen:detail", arrangement.pk)


@require_POST
@login_required
def afspraak_delete(request, pk: int, afspraak_pk: int):
    """A verplichte afspraak first asks for confirmation; every deletion can be undone from the page it leads to."""
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    afspraak = _afspraak_of(arrangement, afspraak_pk)
    verplicht = afspraak.modelafspraak is not None and afspraak.modelafspraak.verplicht
    if verplicht and request.POST.get("bevestigd") != "ja" and arrangement.is_bewerkbaar:
        return render(request, "arrangementen/afspraak_verwijderen.html", {
            "arrangement": arrangement, "afspraak": afspraak, "lock_version": _version_from_post(request)})
    then = reverse("arrangementen:detail", args=[pk]) + f"?verwijderd={afspraak.pk}#ongedaan-maken"
    return _run_edit(request, arrangement, lambda v: services.delete_afspraak(
        afspraak=afspraak, user=request.user, expected_version=v), _("De afspraak is verwijderd."), then=then)


@require_POST
@login_required
def afspraak_restore(request, pk: int, afspraak_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    return _run_edit(request, arrangement, lambda v: herstel.restore_afspraak(
        arrangement=arrangement, user=request.user, expected_version=v, afspraak_id=afspraak_pk),
        _("De afspraak is teruggezet."), then=reverse("arrangementen:detail", args=[pk]) + f"#afspraak-{afspraak_pk}")


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
