"""What a form needs is marked as needed: no "(niet verplicht)" next to a field the action refuses to do without,
and the input says `required` to the browser and screen readers."""

import re

import pytest
from django.urls import reverse

from arrangementen.models import Status
from samenwerking.models import Rol

from .helpers import html, zet_status

OPTIONEEL = "(niet verplicht)"


def _label(page: str, field_id: str) -> str:
    return re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', page, flags=re.S)[1]


def _input(page: str, field_id: str) -> str:
    return re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{field_id}"[^>]*>', page)[0]


def assert_required(page: str, field_id: str):
    assert OPTIONEEL not in _label(page, field_id), _label(page, field_id)
    assert re.search(r"\srequired\b", _input(page, field_id)), _input(page, field_id)


def assert_optional(page: str, field_id: str):
    assert OPTIONEEL in _label(page, field_id)
    assert not re.search(r"\srequired\b", _input(page, field_id)), _input(page, field_id)


@pytest.fixture
def als(client, wereld):
    def login(rol):
        client.force_login(wereld.leden[rol])
        return client
    return login


def _overgang(arrangement, actie):
    return reverse("arrangementen:overgang", args=[arrangement.pk, actie])


def test_saving_an_empty_afspraak_marks_its_fields_required_next_to_the_messages(db, wereld, als):
    arrangement = wereld.nieuw("Leeg", start="leeg")
    response = als(Rol.COORDINATOR).post(reverse("arrangementen:afspraak_nieuw", args=[arrangement.pk]),
                                         {"lock_version": arrangement.lock_version})
    assert response.status_code == 200
    page = html(response)
    assert "Geef de afspraak een titel." in page
    for name in ("onderwerp", "titel", "tekst", "verantwoordelijke"):
        assert_required(page, f"id_{name}")
    assert_optional(page, "id_modelafspraak")


def test_the_afspraak_edit_form_marks_its_fields_required(db, wereld, als):
    arrangement = wereld.nieuw("Met afspraken")
    afspraak = arrangement.afspraken.first()
    page = html(als(Rol.COORDINATOR).get(reverse("arrangementen:afspraak_bewerken",
                                                 args=[arrangement.pk, afspraak.pk])))
    for name in ("onderwerp", "titel", "tekst", "verantwoordelijke"):
        assert_required(page, f"id_{name}")


def test_wijzigingen_vragen_marks_the_toelichting_required(db, wereld, als):
    arrangement = zet_status(wereld.nieuw("Ter review"), Status.TER_REVIEW)
    client = als(Rol.REVIEWER)
    assert_required(html(client.get(_overgang(arrangement, "wijzigingen_vragen"))), "id_toelichting")
    refused = html(client.post(_overgang(arrangement, "wijzigingen_vragen"), {"toelichting": " "}))
    assert "Geef een toelichting" in refused
    assert_required(refused, "id_toelichting")


def test_goedkeuren_leaves_the_toelichting_optional(db, wereld, als):
    arrangement = zet_status(wereld.nieuw("Ter review"), Status.TER_REVIEW)
    assert_optional(html(als(Rol.REVIEWER).get(_overgang(arrangement, "goedkeuren"))), "id_toelichting")


def test_vaststellen_marks_the_date_and_reference_required(db, wereld, als):
    arrangement = zet_status(wereld.nieuw("Goedgekeurd"), Status.GOEDGEKEURD)
    client = als(Rol.SECRETARIS)
    page = html(client.get(_overgang(arrangement, "vaststellen")))
    assert_required(page, "id_vastgesteld_op")
    assert_required(page, "id_besluit_referentie")
    assert_optional(page, "id_toelichting")
    refused = html(client.post(_overgang(arrangement, "vaststellen"), {"toelichting": ""}))
    assert "Vul de datum van het besluit van de driehoek in." in refused
    assert_required(refused, "id_vastgesteld_op")
    assert_required(refused, "id_besluit_referentie")


def test_intrekken_marks_the_toelichting_required(db, wereld, als):
    arrangement = wereld.nieuw("In te trekken")
    assert_required(html(als(Rol.COORDINATOR).get(_overgang(arrangement, "intrekken"))), "id_toelichting")
