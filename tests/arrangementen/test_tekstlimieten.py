"""Free text in arrangementen is bounded in the forms and in the API: refused in Dutch, the input kept."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from arrangementen.models import Afspraak, Arrangement, Opmerking, Status
from samenwerking.models import Rol
from samenwerking.tekstlimieten import LANGE_TEKST

from ..samenwerking.test_diff_limieten import random_text
from .helpers import html, zet_status

TE_LANG = f"Maximaal {LANGE_TEKST} tekens"


def long_text(characters: int, seed: int = 1) -> str:
    """Exactly `characters` characters of words, starting with a marker to find it back on the page."""
    text = f"BEGINMARKERING {random_text(characters // 4, seed)}"
    while len(text) < characters:
        text += f" {random_text(1_000, seed + len(text))}"
    return text[:characters]


def edit_payload(arrangement, **overrides) -> dict:
    data = {name: getattr(arrangement, name) or "" for name in
            ("titel", "doel", "aanleiding", "werkgebied", "toezichthouders", "contactpersonen")}
    data.update({
        "lock_version": arrangement.lock_version,
        "inzet-TOTAL_FORMS": "6", "inzet-INITIAL_FORMS": "6", "inzet-MIN_NUM_FORMS": "6",
        "inzet-MAX_NUM_FORMS": "6",
    })
    for index, regel in enumerate(arrangement.inzet.order_by("domein")):
        data.update({f"inzet-{index}-domein": regel.domein, f"inzet-{index}-aantal_boas": regel.aantal_boas,
                     f"inzet-{index}-fte": regel.fte})
    data.update(overrides)
    return data


@pytest.fixture
def concept(db, wereld):
    return wereld.nieuw("Arrangement met grenzen")


@pytest.fixture
def coordinator_client(client, wereld):
    client.force_login(wereld.coordinator)
    return client


@pytest.mark.parametrize("veld", ["doel", "aanleiding", "werkgebied", "toezichthouders", "contactpersonen"])
def test_an_over_long_arrangement_text_is_refused_in_dutch_and_kept_in_the_form(coordinator_client, concept, veld):
    text = long_text(LANGE_TEKST + 1)
    response = coordinator_client.post(reverse("arrangementen:bewerken", args=[concept.pk]),
                                       edit_payload(concept, **{veld: text}))
    assert response.status_code == 200
    page = html(response)
    assert TE_LANG in page
    assert "BEGINMARKERING" in page
    assert getattr(Arrangement.objects.get(pk=concept.pk), veld) == getattr(concept, veld)


def test_a_text_of_exactly_the_maximum_is_saved(coordinator_client, concept):
    text = long_text(LANGE_TEKST)
    response = coordinator_client.post(reverse("arrangementen:bewerken", args=[concept.pk]),
                                       edit_payload(concept, doel=text))
    assert response.status_code == 302
    assert Arrangement.objects.get(pk=concept.pk).doel == text


def test_the_form_tells_the_browser_the_maximum(coordinator_client, concept):
    page = html(coordinator_client.get(reverse("arrangementen:bewerken", args=[concept.pk])))
    assert f'maxlength="{LANGE_TEKST}"' in page


def test_an_over_long_afspraak_is_refused_and_kept(coordinator_client, concept):
    afspraak = concept.afspraken.order_by("pk").first()
    response = coordinator_client.post(
        reverse("arrangementen:afspraak_bewerken", args=[concept.pk, afspraak.pk]),
        {"lock_version": concept.lock_version, "onderwerp": afspraak.onderwerp_id, "titel": afspraak.titel,
         "tekst": long_text(LANGE_TEKST + 1), "verantwoordelijke": afspraak.verantwoordelijke})
    assert response.status_code == 200
    assert TE_LANG in html(response) and "BEGINMARKERING" in html(response)
    assert Afspraak.objects.get(pk=afspraak.pk).tekst == afspraak.tekst


def test_an_over_long_opmerking_is_refused_with_the_reason(coordinator_client, concept):
    response = coordinator_client.post(reverse("arrangementen:opmerking_nieuw", args=[concept.pk]),
                                       {"tekst": long_text(LANGE_TEKST + 1)}, follow=True)
    assert TE_LANG in html(response)
    assert not Opmerking.objects.filter(arrangement=concept).exists()


def test_an_over_long_toelichting_on_a_transition_is_refused(db, client, wereld):
    arrangement = zet_status(wereld.nieuw("Ter beoordeling"), Status.TER_REVIEW)
    client.force_login(wereld.leden[Rol.REVIEWER])
    response = client.post(reverse("arrangementen:overgang", args=[arrangement.pk, "wijzigingen_vragen"]),
                           {"toelichting": long_text(LANGE_TEKST + 1)})
    assert response.status_code == 200
    assert TE_LANG in html(response) and "BEGINMARKERING" in html(response)
    assert Arrangement.objects.get(pk=arrangement.pk).status == Status.TER_REVIEW


# --- the API ----------------------------------------------------------------------------------------

@pytest.fixture
def api(db, wereld):
    client = APIClient()
    client.force_login(wereld.coordinator)
    return client


@pytest.mark.parametrize("veld", ["doel", "aanleiding", "werkgebied", "toezichthouders"])
def test_the_api_refuses_an_over_long_arrangement_text_in_dutch(api, concept, veld):
    response = api.patch(f"/api/v1/arrangementen/{concept.pk}/",
                         {"lock_version": concept.lock_version, veld: long_text(LANGE_TEKST + 1)}, format="json")
    assert response.status_code == 400
    assert f"hoogstens {LANGE_TEKST} tekens" in str(response.data[veld])
    assert Arrangement.objects.get(pk=concept.pk).lock_version == concept.lock_version


def test_the_api_accepts_a_text_of_exactly_the_maximum(api, concept):
    text = long_text(LANGE_TEKST)
    response = api.patch(f"/api/v1/arrangementen/{concept.pk}/",
                         {"lock_version": concept.lock_version, "doel": text}, format="json")
    assert response.status_code == 200, response.data
    assert Arrangement.objects.get(pk=concept.pk).doel == text


def test_the_api_refuses_an_over_long_afspraak_and_a_long_toelichting(api, wereld, concept):
    afspraak = concept.afspraken.order_by("pk").first()
    response = api.post(f"/api/v1/arrangementen/{concept.pk}/afspraken/", {
        "lock_version": concept.lock_version, "onderwerp": afspraak.onderwerp_id, "titel": "Lang",
        "tekst": long_text(LANGE_TEKST + 1), "verantwoordelijke": "gemeente"}, format="json")
    assert response.status_code == 400
    assert f"hoogstens {LANGE_TEKST} tekens" in str(response.data["tekst"])
    assert not concept.afspraken.filter(titel="Lang").exists()
    response = api.post(f"/api/v1/arrangementen/{concept.pk}/transitie/",
                        {"actie": "intrekken", "toelichting": long_text(LANGE_TEKST + 1)}, format="json")
    assert response.status_code == 400
    assert f"hoogstens {LANGE_TEKST} tekens" in str(response.data["toelichting"])
    assert Arrangement.objects.get(pk=concept.pk).status == Status.CONCEPT
