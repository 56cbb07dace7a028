"""Editing the geweldsmiddelen per BOA-organisatie of a concept, under the same optimistic lock as the afspraken."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors

from .. import geweldsmiddelen, selectors, services
from ..forms.geweld import ToekenningForm
from ..geweldregels import domeinen_met_inzet
from ..models import Arrangement, Domein, Geweldsmiddeltoekenning
from .bewerken import _run_edit, _stale

FIELDS = ["organisatie", "domein", "geweldsmiddel", "toegekend_op", "kenmerk"]


def _toekenning_of(arrangement: Arrangement, toekenning_pk: int) -> Geweldsmiddeltoekenning:
    return get_object_or_404(Geweldsmiddeltoekenning.objects.select_related("arrangement"), pk=toekenning_pk,
                             arrangement=arrangement)


@login_required
def toekenning_form(request, pk: int, toekenning_pk: int | None = None):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    toekenning = _toekenning_of(arrangement, toekenning_pk) if toekenning_pk else None
    if not arrangement.is_bewerkbaar:
        messages.error(request, _("Alleen een concept kan worden bewerkt."))
        return redirect("arrangementen:detail", pk)
    initial = {"lock_version": arrangement.lock_version}
    if toekenning:
        initial.update({name: getattr(toekenning, name) for name in FIELDS})
    form = ToekenningForm(request.POST or None, initial=initial, arrangement=arrangement)
    wijzigingen = []
    if request.method == "POST" and form.is_valid():
        gegevens = geweldsmiddelen.Toekenninggegevens(**{name: form.cleaned_data[name] for name in FIELDS})
        version = form.cleaned_data["lock_version"]
        try:
            if toekenning:
                geweldsmiddelen.update_toekenning(toekenning=toekenning, user=request.user,
                                                  expected_version=version, gegevens=gegevens)
            else:
                geweldsmiddelen.add_toekenning(arrangement=arrangement, user=request.user,
                                               expected_version=version, gegevens=gegevens)
        except services.StaleEdit as error:
            wijzigingen = _stale(request, form, error, arrangement)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Het geweldsmiddel is opgeslagen."))
            return redirect(f"{arrangement.get_absolute_url()}#geweldsmiddelen")
    return render(request, "arrangementen/toekenning_form.html", {
        "arrangement": arrangement, "toekenning": toekenning, "form": form, "wijzigingen": wijzigingen,
        "domeinen": [Domein(d).label for d in domeinen_met_inzet(arrangement)],
    })


@require_POST
@login_required
def toekenning_delete(request, pk: int, toekenning_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    toekenning = _toekenning_of(arrangement, toekenning_pk)
    return _run_edit(request, arrangement, lambda v: geweldsmiddelen.delete_toekenning(
        toekenning=toekenning, user=request.user, expected_version=v), _("Het geweldsmiddel is verwijderd."))
