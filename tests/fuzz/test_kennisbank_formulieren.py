"""The kennisbank's forms (issue 17), fuzzed: any text in any field is valid or an error, never an exception; a
valid filter works in the search; an offer or review form keeps what was typed."""

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from arrangementen import kennisbank
from arrangementen.bibliotheek import load_library
from arrangementen.forms.kennisbank import AanbodForm, BeoordelingForm, KennisbankFilterForm
from arrangementen.models import Onderwerp
from arrangementen.praktijkvoorbeelden import load_praktijkvoorbeelden

from .profiel import FUZZ

TEXT = st.text(max_size=200)
FORMS = {
    "filter": lambda data: KennisbankFilterForm(data),
    "bibliotheek": lambda data: KennisbankFilterForm(data, bibliotheek=True),
    "aanbod": lambda data: AanbodForm(data),
    "beoordeling": lambda data: BeoordelingForm(data),
}


@pytest.fixture
def bibliotheek(db):
    load_library()
    load_praktijkvoorbeelden()
    return str(Onderwerp.objects.first().pk)


@pytest.mark.parametrize("name", list(FORMS))
def test_any_text_is_valid_or_an_error_and_a_valid_filter_searches(bibliotheek, name):
    make = FORMS[name]

    @FUZZ
    @given(st.data())
    def fuzz(data):
        typed = QueryDict(mutable=True)
        for field in make(None).fields:
            hints = {"onderwerp": bibliotheek, "niveau": "tactisch", "domein": "II", "domeinen": "I",
                     "besluit": "afwijzen", "geanonimiseerd": "on"}
            value = st.one_of(TEXT, st.just(hints.get(field, "Samen op pad")))
            typed[field] = data.draw(value, label=field)
        form = make(typed)
        assert form.is_valid() or form.errors
        if name == "filter" and form.is_valid():
            list(kennisbank.search(**form.filters()))
        if name == "bibliotheek" and form.is_valid():
            kennisbank.library(**form.filters())
        if name in ("aanbod", "beoordeling") and form.is_valid():
            assert form.inhoud().titel == form.cleaned_data["titel"]

    fuzz()
