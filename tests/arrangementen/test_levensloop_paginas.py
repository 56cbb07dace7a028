"""Where users see the levensfase: the list filter with a peildatum, the detail page in words, and the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arrangementen.models import Opzegging, Partij, Status
from samenwerking.models import Rol

from ..factories import ArrangementFactory, GebruikerFactory, OrganisatieFactory, lid
from .helpers import html

DAY = datetime.timedelta(days=1)
LIJST = "/arrangementen/"


@pytest.fixture
def lezer(driehoek):
    user = GebruikerFactory(username="lezer")
    lid(user, driehoek, Rol.LEZER)
    return user


@pytest.fixture
def keten(driehoek):
    """Version 1 replaced by version 2 from 1 March 2026, version 2 in force; and a concept (no fase)."""
    v1 = ArrangementFactory(driehoek=driehoek, titel="Stadsarrangement", status=Status.ONDERTEKEND,
                            geldig_van=datetime.date(2024, 1, 1), vervangen_per=datetime.date(2026, 3, 1))
    v2 = ArrangementFactory(driehoek=driehoek, titel="Stadsarrangement", versie=2, vorige_versie=v1,
                            status=Status.ONDERTEKEND, geldig_van=datetime.date(2026, 3, 1))
    concept = ArrangementFactory(driehoek=driehoek, titel="Concept")
    return v1, v2, concept


def rows(page: str) -> list[str]:
    return [titel for titel in ("Stadsarrangement", "Concept") for _ in range(page.count(f">{titel}</a>"))]


def test_list_filters_on_levensfase_at_a_peildatum(client, lezer, keten):
    client.force_login(lezer)
    today = html(client.get(LIJST, {"levensfase": "vervangen"}))
    assert rows(today) == ["Stadsarrangement"]
    assert "vervangen door een nieuwe versie" in today
    before = html(client.get(LIJST, {"levensfase": "in_werking", "peildatum": "1-6-2025"}))
    assert rows(before) == ["Stadsarrangement"]
    # On 1 June 2025 version 1 was in force and version 2 not yet: no version 2 in the result.
    assert "<td class=\"utrecht-table__cell\">1</td>" in before and ">2</td>" not in before
    assert rows(html(client.get(LIJST, {"levensfase": "nog_niet_in_werking", "peildatum": "2025-06-01"}))) == [
        "Stadsarrangement"]


@pytest.mark.parametrize(("peildatum", "melding"), [
    ("31-02-2027", "Vul een geldige peildatum in"), ("morgen", "Vul een geldige peildatum in"),
    ("0001-01-01", "Kies een peildatum tussen 1900 en 2999"), ("31-12-9999", "Kies een peildatum tussen 1900 en 2999"),
])
def test_a_bad_peildatum_is_a_dutch_message_and_the_form_keeps_the_input(client, lezer, keten, peildatum, melding):
    client.force_login(lezer)
    response = client.get(LIJST, {"levensfase": "vervangen", "peildatum": peildatum, "zoek": "stad"})
    page = html(response)
    assert response.status_code == 200
    assert melding in page
    assert f'value="{peildatum}"' in page and 'value="stad"' in page
    assert '<option value="vervangen" selected>' in page


def test_detail_page_shows_the_fase_in_words(client, lezer, keten):
    v1, v2, concept = keten
    client.force_login(lezer)
    assert "Vervangen door versie 2 per 1 maart 2026" in html(client.get(reverse("arrangementen:detail",
                                                                                 args=[v1.pk])))
    assert "In werking sinds 1 maart 2026" in html(client.get(reverse("arrangementen:detail", args=[v2.pk])))
    assert "Levensfase" not in html(client.get(reverse("arrangementen:detail", args=[concept.pk])))


def test_detail_page_names_an_opzegging(client, lezer, driehoek):
    arrangement = ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND,
                                     geldig_van=timezone.localdate() - 10 * DAY)
    partij = Partij.objects.create(arrangement=arrangement, organisatie=OrganisatieFactory(),
                                   ondertekenaar_functie="burgemeester")
    Opzegging.objects.create(arrangement=arrangement, partij=partij, door=lezer, reden="Stopt.",
                             ingangsdatum=datetime.date(2040, 7, 1))
    client.force_login(lezer)
    assert "Opgezegd per 1 juli 2040" in html(client.get(reverse("arrangementen:detail", args=[arrangement.pk])))


def test_api_exposes_and_filters_on_levensfase(lezer, keten):
    v1, v2, concept = keten
    api = APIClient()
    api.force_login(lezer)
    body = api.get(reverse("api:arrangement-list")).json()
    fasen = {row["id"]: (row["levensfase"], row["levensfase_label"]) for row in body["results"]}
    assert fasen == {v1.pk: ("vervangen", "vervangen door een nieuwe versie"), v2.pk: ("in_werking", "in werking"),
                     concept.pk: (None, None)}
    filtered = api.get(reverse("api:arrangement-list"), {"levensfase": "in_werking", "peildatum": "2025-06-01"})
    assert [row["id"] for row in filtered.json()["results"]] == [v1.pk]
    detail = api.get(reverse("api:arrangement-detail", args=[v1.pk])).json()
    assert (detail["levensfase"], detail["levensfase_label"]) == ("vervangen", "vervangen door een nieuwe versie")


@pytest.mark.parametrize(("query", "veld", "melding"), [
    ({"peildatum": "morgen"}, "peildatum", "Geen geldige datum"),
    ({"peildatum": "0001-01-01"}, "peildatum", "Kies een peildatum tussen 1900 en 2999"),
    ({"levensfase": "onsterfelijk"}, "levensfase", "onsterfelijk"),
])
def test_api_refuses_a_bad_filter_in_dutch(lezer, keten, query, veld, melding):
    api = APIClient()
    api.force_login(lezer)
    response = api.get(reverse("api:arrangement-list"), query)
    assert response.status_code == 400
    assert melding in " ".join(response.json()[veld])
