"""Editing the register of data flows of a concept, under the same optimistic lock as the afspraken."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenwerking import toegang
from samenwerking.forms import apply_errors

from .. import gegevensstromen, selectors, services
from ..forms import GegevensstroomForm
from ..models import Arrangement, Gegevensstroom
from .bewerken import _run_edit, _stale

FIELDS = ["verstrekker", "ontvangers", "categorieen", "doel", "grondslag", "zwaarwegend_algemeen_belang",
          "voorwaarden", "kanaal", "frequentie", "bewaartermijn", "verdere_verstrekking", "beveiligingsafspraken",
          "afspraak", "overige_ontvangers", "toelichting_overige_ontvangers"]


def _stroom_of(arrangement: Arrangement, stroom_pk: int) -> Gegevensstroom:
    return get_object_or_404(Gegevensstroom.objects.select_related("arrangement"), pk=stroom_pk,
                             arrangement=arrangement)


def _initial(arrangement: Arrangement, stroom: Gegevensstroom | None) -> dict:
    initial = {"lock_version": arrangement.lock_version}
    if stroom:
        initial.update({name: getattr(stroom, name) for name in FIELDS if name != "ontvangers"})
        initial["ontvangers"] = list(stroom.ontvangers.all())
    return initial


@login_required
def stroom_form(request, pk: int, stroom_pk: int | None = None):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    stroom = _stroom_of(arrangement, stroom_pk) if stroom_pk else None
    if not arrangement.is_bewerkbaar:
        messages.error(request, _("Alleen een concept kan worden bewerkt."))
        return redirect("arrangementen:detail", pk)
    form = GegevensstroomForm(request.POST or None, initial=_initial(arrangement, stroom), arrangement=arrangement)
    wijzigingen = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        gegevens = gegevensstromen.Stroomgegevens(**{name: data[name] for name in FIELDS if name != "ontvangers"},
                                                  ontvangers=list(data["ontvangers"]))
        try:
            if stroom:
                gegevensstromen.update_gegevensstroom(stroom=stroom, user=request.user,
                                                      expected_version=data["lock_version"], gegevens=gegevens)
            else:
                gegevensstromen.add_gegevensstroom(arrangement=arrangement, user=request.user,
                                                   expected_version=data["lock_version"], gegevens=gegevens)
        except services.StaleEdit as error:
            wijzigingen = _stale(request, form, error, arrangement)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("De gegevensstroom is opgeslagen."))
            return redirect(f"{arrangement.get_absolute_url()}#gegevensstromen")
    return render(request, "arrangementen/stroom_form.html", {
        "arrangement": arrangement, "stroom": stroom, "form": form, "wijzigingen": wijzigingen,
    })


@require_POST
@login_required
def stroom_delete(request, pk: int, stroom_pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.DRAFT)
    stroom = _stroom_of(arrangement, stroom_pk)
    return _run_edit(request, arrangement, lambda v: gegevensstromen.delete_gegevensstroom(
        stroom=stroom, user=request.user, expected_version=v), _("De gegevensstroom is verwijderd."))
