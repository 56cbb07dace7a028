"""The arrangement pages, continued: transitions, comments, herziening, history and comparison."""

import datetime

import pytest
from django.utils.html import escape

from arrangementen import services
from arrangementen.models import Arrangement, Opmerking, Status
from samenwerking.models import Rol

from ..factories import (
    vandaag,
)
from .helpers import GELDIGE_TOELICHTING, REFERENTIE, html
from .test_views import BEVESTIGD, fresh, url

# --- transitions ---------------------------------------------------------------------------------

def test_transition_page_asks_for_confirmation(db, als, concept):
    response = als(Rol.COORDINATOR).get(url("overgang", concept.pk, "indienen"))
    assert response.status_code == 200
    assert "Ter beoordeling aanbieden" in html(response)
    assert fresh(concept).status == Status.CONCEPT


def test_wijzigingen_vragen_without_toelichting_is_refused_in_dutch(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    response = als(Rol.REVIEWER).post(url("overgang", arrangement.pk, "wijzigingen_vragen"), {"toelichting": " "})
    assert response.status_code == 200
    assert "Geef een toelichting: de andere partijen lezen waarom." in html(response)
    assert fresh(arrangement).status == Status.TER_REVIEW


def test_wijzigingen_vragen_with_toelichting_shows_it_on_the_timeline(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    client = als(Rol.REVIEWER)
    response = client.post(url("overgang", arrangement.pk, "wijzigingen_vragen"),
                           {"toelichting": GELDIGE_TOELICHTING}, follow=True)
    assert fresh(arrangement).status == Status.WIJZIGINGEN_GEVRAAGD
    page = html(response)
    assert "Het arrangement heeft nu de status &#x27;wijzigingen gevraagd&#x27;." in page
    assert GELDIGE_TOELICHTING in page


@pytest.mark.parametrize(("datum", "message"), [
    pytest.param((vandaag() + datetime.timedelta(days=1)).isoformat(),
                 "De datum van het besluit kan niet in de toekomst liggen.", id="morgen"),
    pytest.param("", "Vul de datum van het besluit van de driehoek in.", id="leeg"),
    pytest.param("31-02-2025", "Voer een geldige datum in.", id="bestaat-niet"),
])
def test_vaststellen_with_a_bad_date_is_refused_in_dutch_and_keeps_the_reference(db, wereld, als, datum, message):
    arrangement = wereld.per_status["eigen"][Status.GOEDGEKEURD]
    response = als(Rol.SECRETARIS).post(url("overgang", arrangement.pk, "vaststellen"),
                                        {"vastgesteld_op": datum, "besluit_referentie": REFERENTIE})
    assert response.status_code == 200
    assert message in html(response)
    assert escape(REFERENTIE) in html(response)
    assert fresh(arrangement).status == Status.GOEDGEKEURD


def test_indienen_without_verplichte_afspraken_names_them(db, wereld, als):
    leeg = wereld.nieuw(start="leeg")
    response = als(Rol.COORDINATOR).post(url("overgang", leeg.pk, "indienen"), BEVESTIGD)
    assert response.status_code == 200
    page = html(response)
    assert "Het arrangement kan nog niet ter beoordeling" in page
    assert "Escalatieladder" in page
    assert fresh(leeg).status == Status.CONCEPT


def test_opening_a_transition_not_allowed_from_the_status_redirects_with_a_message(db, als, concept):
    response = als(Rol.REVIEWER).get(url("overgang", concept.pk, "goedkeuren"), follow=True)
    assert response.redirect_chain == [(url("detail", concept.pk), 302)]
    assert "Deze handeling kan niet vanuit de status &#x27;concept&#x27;." in html(response)


def test_posting_a_transition_not_allowed_from_the_status_is_refused_in_dutch(db, als, concept):
    response = als(Rol.REVIEWER).post(url("overgang", concept.pk, "goedkeuren"), BEVESTIGD)
    assert response.status_code == 200
    assert "kan niet: het arrangement heeft de status &#x27;concept&#x27;." in html(response)
    assert fresh(concept).status == Status.CONCEPT


def test_completing_signing_by_hand_is_refused(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.VASTGESTELD]
    client = als(Rol.ONDERTEKENAAR)
    assert client.get(url("overgang", arrangement.pk, "ondertekening_voltooien")).status_code == 302
    response = client.post(url("overgang", arrangement.pk, "ondertekening_voltooien"), BEVESTIGD)
    assert response.status_code == 200
    assert escape("'Ondertekening voltooien'") in html(response)  # quoted only in the refusal, not in the heading
    assert fresh(arrangement).status == Status.VASTGESTELD


def test_unknown_transition_is_not_found(db, als, concept):
    assert als(Rol.COORDINATOR).post(url("overgang", concept.pk, "publiceren"), BEVESTIGD).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_member_without_the_permission_gets_403_on_a_transition(db, als, concept, method):
    response = getattr(als(Rol.LEZER), method)(url("overgang", concept.pk, "indienen"),
                                               BEVESTIGD if method == "post" else None)
    assert response.status_code == 403
    assert fresh(concept).status == Status.CONCEPT


def test_detail_offers_exactly_the_transitions_the_user_may_perform(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.GOEDGEKEURD]
    page = html(als(Rol.SECRETARIS).get(url("detail", arrangement.pk)))
    assert url("overgang", arrangement.pk, "vaststellen") in page
    assert url("overgang", arrangement.pk, "intrekken") in page
    assert url("overgang", arrangement.pk, "terug_naar_concept") not in page
    assert url("bewerken", arrangement.pk) not in page


# --- comments ----------------------------------------------------------------------------------

def test_posting_a_comment_on_an_afspraak_and_replying(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    afspraak = arrangement.afspraken.first()
    client = als(Rol.REVIEWER)
    response = client.post(url("opmerking_nieuw", arrangement.pk), {"tekst": "Klopt dit?", "afspraak": afspraak.pk})
    assert response["Location"] == f"{url('detail', arrangement.pk)}#afspraak-{afspraak.pk}"
    vraag = Opmerking.objects.get(arrangement=arrangement)
    assert (vraag.afspraak, vraag.auteur) == (afspraak, wereld.leden[Rol.REVIEWER])

    als(Rol.COORDINATOR).post(url("opmerking_nieuw", arrangement.pk), {"tekst": "Ja.", "antwoord_op": vraag.pk})
    antwoord = Opmerking.objects.get(antwoord_op=vraag)
    assert (antwoord.tekst, antwoord.afspraak) == ("Ja.", afspraak)
    page = html(client.get(url("detail", arrangement.pk)))
    assert f'id="opmerking-{antwoord.pk}"' in page


def test_empty_comment_is_refused_with_a_message(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    response = als(Rol.REVIEWER).post(url("opmerking_nieuw", arrangement.pk), {"tekst": ""}, follow=True)
    assert "Schrijf eerst een opmerking." in html(response)
    assert not Opmerking.objects.filter(arrangement=arrangement).exists()


def test_resolving_a_comment(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    opmerking = services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.REVIEWER], tekst="Vraag")
    als(Rol.COORDINATOR).post(url("opmerking_oplossen", arrangement.pk, opmerking.pk), {"opgelost": "1"})
    opmerking.refresh_from_db()
    assert (opmerking.opgelost, opmerking.opgelost_door) == (True, wereld.coordinator)


def test_lezer_cannot_post_a_comment(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    response = als(Rol.LEZER).post(url("opmerking_nieuw", arrangement.pk), {"tekst": "Ik lees mee"})
    assert response.status_code == 403
    assert not Opmerking.objects.filter(arrangement=arrangement).exists()


# --- herziening, history and comparison pages ------------------------------------------------------------

def test_herziening_button_makes_version_2_once(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.VASTGESTELD]
    client = als(Rol.COORDINATOR)
    response = client.post(url("herziening", arrangement.pk), follow=True)
    v2 = Arrangement.objects.get(vorige_versie=arrangement)
    assert response.redirect_chain == [(url("detail", v2.pk), 302)]
    assert "Versie 2 is aangemaakt als concept." in html(response)

    response = client.post(url("herziening", arrangement.pk), follow=True)
    assert response.redirect_chain == [(url("detail", arrangement.pk), 302)]
    assert "Er bestaat al een herziening van deze versie: versie 2." in html(response)
    assert Arrangement.objects.filter(vorige_versie=arrangement).count() == 1


def test_herziening_of_a_concept_is_refused_with_a_message(db, als, concept):
    response = als(Rol.COORDINATOR).post(url("herziening", concept.pk), follow=True)
    assert "Alleen een vastgesteld of ondertekend arrangement kan worden herzien." in html(response)
    assert not Arrangement.objects.filter(vorige_versie=concept).exists()


@pytest.fixture
def herzien(wereld):
    """Version 1 adopted; version 2 with the portofoon clause reworded and 'Vaste koppels' removed."""
    v1 = wereld.per_status["eigen"][Status.VASTGESTELD]
    v2 = services.start_herziening(arrangement=v1, user=wereld.coordinator)
    portofoon = v2.afspraken.get(titel="Bereikbaarheid via portofoon")
    services.update_afspraak(afspraak=portofoon, user=wereld.coordinator, expected_version=1,
                             onderwerp=portofoon.onderwerp, titel=portofoon.titel, verantwoordelijke="politie",
                             tekst=portofoon.tekst.replace("de portofoon", "de portofoon of telefoon"))
    services.delete_afspraak(afspraak=v2.afspraken.get(titel="Vaste koppels"), user=wereld.coordinator,
                             expected_version=2)
    return v1, fresh(v2)


def test_vergelijk_page_shows_the_changed_and_removed_clause(db, als, herzien):
    v1, v2 = herzien
    page = html(als(Rol.LEZER).get(url("vergelijk", v2.pk), {"a": v1.pk, "b": v2.pk}))
    assert "2 afspraken zijn toegevoegd, verwijderd of gewijzigd." in page
    assert "Bereikbaarheid via portofoon<br><span class=\"app-tag\">gewijzigd</span>" in page
    assert "of telefoon</ins>" in page
    assert "Vaste koppels<br><span class=\"app-tag\">verwijderd</span>" in page


@pytest.mark.parametrize("query", [{"a": "abc"}, {"a": "999999"}, {"b": "-1"}])
def test_vergelijk_with_a_version_of_another_chain_is_not_found(db, als, herzien, query):
    assert als(Rol.LEZER).get(url("vergelijk", herzien[1].pk), query).status_code == 404


def test_vergelijk_refuses_a_version_from_another_chain(db, wereld, als, herzien):
    other = wereld.per_status["eigen"][Status.CONCEPT]
    assert als(Rol.LEZER).get(url("vergelijk", herzien[1].pk), {"a": other.pk}).status_code == 404


def test_geschiedenis_page_shows_the_changed_clause_and_the_versions(db, als, herzien):
    v1, v2 = herzien
    page = html(als(Rol.LEZER).get(url("geschiedenis", v2.pk)))
    assert "Afspraak “Bereikbaarheid via portofoon”" in page
    assert "of telefoon</ins>" in page
    assert "Afspraak “Vaste koppels”" in page
    assert url("detail", v1.pk) in page and url("detail", v2.pk) in page
