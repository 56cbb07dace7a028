"""Every form of arrangementen, actiepunten (overleg included) and samenwerking, fuzzed.

Arbitrary text in every field (and now and then a valid value, so the valid path is walked too): the form is
valid or has errors, never an exception; what was typed stays in the form and on the rendered page; a valid
form's own helpers (service_data, filters, deelnemers …) work on what it cleaned.
"""

import datetime

import pytest
from django import forms
from django.http import QueryDict
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from actiepunten import forms as actiepunt_forms
from actiepunten import selectors as actiepunt_selectors
from arrangementen import forms as arrangement_forms
from arrangementen.bibliotheek import load_library
from arrangementen.models import Afspraak, Arrangement
from samenwerking.models import Basisteam, Driehoek, Gebruiker, Gemeente, Organisatie, Rol

from ..factories import (
    AfspraakFactory,
    ArrangementFactory,
    DriehoekFactory,
    GebruikerFactory,
    OrganisatieFactory,
    OverlegFactory,
    lid,
)
from .profiel import FUZZ

TEXT = st.text(max_size=300)
TYPED_WIDGETS = (forms.TextInput, forms.Textarea, forms.NumberInput, forms.HiddenInput)


@pytest.fixture
def omgeving(db):
    load_library()
    driehoek = DriehoekFactory()
    user = GebruikerFactory(first_name="Fien", last_name="Fuzz")
    lid(user, driehoek, Rol.COORDINATOR)
    OrganisatieFactory(naam="Gemeente Fuzz", soort=Organisatie.Soort.GEMEENTE, gemeente=driehoek.gemeenten.first())
    arrangement = ArrangementFactory(driehoek=driehoek, aangemaakt_door=user)
    AfspraakFactory(arrangement=arrangement)
    OverlegFactory(driehoek=driehoek)
    members = Gebruiker.objects.filter(pk=user.pk)
    return {
        "user": user, "arrangement": arrangement,
        "forms": {
            "nieuw_arrangement": lambda data: arrangement_forms.NieuwArrangementForm(
                data, driehoeken=Driehoek.objects.all()),
            "arrangement": lambda data: arrangement_forms.ArrangementForm(
                data, instance=Arrangement.objects.get(pk=arrangement.pk)),
            "afspraak": lambda data: arrangement_forms.AfspraakForm(data),
            "afspraak_zonder_bibliotheek": lambda data: arrangement_forms.AfspraakForm(data, with_library=False),
            "partij": lambda data: arrangement_forms.PartijForm(data),
            "overgang": lambda data: arrangement_forms.OvergangForm(data),
            "opmerking": lambda data: arrangement_forms.OpmerkingForm(data),
            "arrangementen_filter": lambda data: arrangement_forms.FilterForm(
                data, gemeenten=Gemeente.objects.all(), basisteams=Basisteam.objects.all()),
            "overleg": lambda data: actiepunt_forms.OverlegForm(data, members=members),
            "actiepunt_nieuw": lambda data: actiepunt_forms.ActiepuntForm(
                data, nieuw=True, members=members, overleggen=actiepunt_selectors.overleggen_van(driehoek),
                arrangementen=Arrangement.objects.filter(driehoek=driehoek),
                afspraken=Afspraak.objects.filter(arrangement__driehoek=driehoek)),
            "actiepunt_bewerken": lambda data: actiepunt_forms.ActiepuntForm(
                data, nieuw=False, members=members, overleggen=actiepunt_selectors.overleggen_van(driehoek),
                arrangementen=Arrangement.objects.filter(driehoek=driehoek),
                afspraken=Afspraak.objects.filter(arrangement__driehoek=driehoek)),
            "status": lambda data: actiepunt_forms.StatusForm(data),
            "actielijst_filter": lambda data: actiepunt_forms.ActielijstFilterForm(
                data, members=members, overleggen=actiepunt_selectors.overleggen_van(driehoek),
                arrangementen=Arrangement.objects.filter(driehoek=driehoek)),
            "mijn_filter": lambda data: actiepunt_forms.MijnFilterForm(data, driehoeken=Driehoek.objects.all()),
            "voorkeur": lambda data: actiepunt_forms.VoorkeurForm(data),
        },
    }


def _hints(field) -> list[str]:
    """Valid values for this field, so a fair share of the examples gets past validation."""
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return [str(value) for value, _ in field.choices if str(value)][:20] or ["1"]
    if isinstance(field, forms.DateField):
        return ["2025-02-22", "22-02-2025", str(datetime.date.today())]
    if isinstance(field, forms.TimeField):
        return ["09:30", "17:00"]
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return ["0", "1", "12", "2.5", "-1", "99999999999999999999"]
    if isinstance(field, forms.EmailField):
        return ["iemand@example.invalid"]
    if isinstance(field, forms.BooleanField):
        return ["on", ""]
    return ["Handhaving in het centrum", "Jos Speetjens (Nationale Politie)\nAnna (Gemeente)"]


def _data(draw, form) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, field in form.fields.items():
        value = st.one_of(TEXT, st.sampled_from(_hints(field)))
        if isinstance(field, forms.MultipleChoiceField):
            data.setlist(name, draw(st.lists(value, max_size=3), label=name))
        else:
            data[name] = draw(value, label=name)
    return data


def _use_what_was_cleaned(name: str, form, omgeving):
    if hasattr(form, "service_data"):
        form.service_data()
    if name == "overleg":
        form.deelnemers_list(), form.agenda_list(), form.besluiten_list()
    if name == "actielijst_filter":
        arrangement = omgeving["arrangement"]
        list(actiepunt_selectors.actielijst(omgeving["user"], arrangement.driehoek, **form.filters()))
    if name == "mijn_filter":
        list(actiepunt_selectors.mijn_actiepunten(omgeving["user"], **form.filters()))


@pytest.mark.parametrize("name", [
    "nieuw_arrangement", "arrangement", "afspraak", "afspraak_zonder_bibliotheek", "partij", "overgang", "opmerking",
    "arrangementen_filter", "overleg", "actiepunt_nieuw", "actiepunt_bewerken", "status", "actielijst_filter",
    "mijn_filter", "voorkeur",
])
def test_any_text_in_every_field_is_valid_or_an_error_and_stays_in_the_form(omgeving, name):
    make = omgeving["forms"][name]

    @FUZZ
    @given(st.data())
    def fuzz(data):
        typed = _data(data.draw, make(None))
        form = make(typed)
        assert form.is_valid() or form.errors
        if form.is_valid():
            _use_what_was_cleaned(name, form, omgeving)
        html = form.as_div()
        for field_name, field in form.fields.items():
            if isinstance(field.widget, TYPED_WIDGETS) and typed.get(field_name):
                assert form[field_name].value() == typed[field_name]
                assert escape(typed[field_name]).strip() in html, field_name

    fuzz()


def test_the_inzet_formset_with_any_text_is_valid_or_has_errors(omgeving):
    @settings(parent=FUZZ, max_examples=min(FUZZ.max_examples, 50))
    @given(st.data())
    def fuzz(data):
        prefix = arrangement_forms.InzetFormSet(prefix="inzet").prefix
        typed = QueryDict(mutable=True)
        counts = st.one_of(TEXT, st.sampled_from(["0", "6", "7", "1000", "-1"]))
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            typed[f"{prefix}-{key}"] = data.draw(counts, label=key)
        for index in range(7):
            for field, hints in (("domein", ["I", "II", "III", "IV", "V", "VI"]), ("aantal_boas", ["0", "3"]),
                                 ("fte", ["0", "2.5"])):
                typed[f"{prefix}-{index}-{field}"] = data.draw(st.one_of(TEXT, st.sampled_from(hints)))
        formset = arrangement_forms.InzetFormSet(typed, prefix=prefix)
        assert formset.is_valid() or formset.errors or formset.non_form_errors()
        formset.as_div() if hasattr(formset, "as_div") else str(formset)

    fuzz()
