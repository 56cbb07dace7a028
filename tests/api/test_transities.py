from arrangementen import workflow
from arrangementen.models import Beoordeling, Status, Statusovergang
from samenwerking.models import Rol

from ..factories import GebruikerFactory, approve_for_all, lid, vandaag

URL = "/api/v1/arrangementen/"


def _transitie(client, arrangement, actie, **body):
    return client.post(f"{URL}{arrangement.pk}/transitie/", {"actie": actie, **body}, format="json")


def _status(arrangement):
    arrangement.refresh_from_db()
    return arrangement.status


def test_coordinator_submits_a_complete_concept(api, coordinator, concept):
    response = _transitie(api(coordinator), concept, "indienen", toelichting="Graag uw oordeel")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "ter_review"
    assert response.data["lock_version"] == concept.lock_version + 1
    overgang = Statusovergang.objects.get(arrangement=concept)
    assert (overgang.van, overgang.naar, overgang.door, overgang.toelichting) == (
        "concept", "ter_review", coordinator, "Graag uw oordeel")


def test_coordinator_may_not_approve(api, coordinator, concept):
    workflow.perform(arrangement=concept, action="indienen", user=coordinator)
    response = _transitie(api(coordinator), concept, "goedkeuren")
    assert response.status_code == 403
    assert "Goedkeuren" in response.data["detail"]
    assert _status(concept) == Status.TER_REVIEW
    assert not Beoordeling.objects.exists()


def test_reviewer_approves(api, coordinator, reviewer, concept):
    workflow.perform(arrangement=concept, action="indienen", user=coordinator)
    politie = concept.partijen.get(organisatie__soort="politie").organisatie
    reviewer.organisatie = politie
    reviewer.save(update_fields=["organisatie"])
    response = _transitie(api(reviewer), concept, "goedkeuren")
    assert response.status_code == 200, response.data
    assert _status(concept) == Status.TER_REVIEW  # review per party: the gemeente has not approved yet
    assert {s["partij"]: s["stand"] for s in response.data["beoordeling_per_partij"]} == {
        politie.naam: "goedgekeurd", "Gemeente Teststad": "nog_niet_beoordeeld"}
    assert Beoordeling.objects.get().beoordelaar == reviewer
    gemeente = GebruikerFactory(organisatie=concept.partijen.get(organisatie__soort="gemeente").organisatie)
    lid(gemeente, concept.driehoek, Rol.REVIEWER)
    response = _transitie(api(gemeente), concept, "goedkeuren")
    assert response.status_code == 200, response.data
    assert _status(concept) == Status.GOEDGEKEURD
    assert response.data["status"] == "goedgekeurd"


def test_approving_for_no_required_party_is_403_in_dutch(api, coordinator, reviewer, concept):
    workflow.perform(arrangement=concept, action="indienen", user=coordinator)
    response = _transitie(api(reviewer), concept, "goedkeuren")
    assert response.status_code == 403
    assert "u hoort niet bij een partij die het moet goedkeuren" in response.data["detail"]
    assert not Beoordeling.objects.exists()


def test_reviewer_may_not_submit(api, reviewer, concept):
    assert _transitie(api(reviewer), concept, "indienen").status_code == 403
    assert _status(concept) == Status.CONCEPT


def test_submitting_a_blank_arrangement_names_the_missing_mandatory_clause(api, coordinator, driehoek,
                                                                          maak_arrangement, bibliotheek_geladen):
    arrangement = maak_arrangement(driehoek, start="leeg")
    response = _transitie(api(coordinator), arrangement, "indienen")
    assert response.status_code == 400
    message = str(response.data["non_field_errors"][0])
    assert "verplichte afspraken ontbreken" in message
    assert "Grondslag van informatiedeling" in message
    assert _status(arrangement) == Status.CONCEPT


def test_transition_not_allowed_from_the_current_status_is_400(api, coordinator, reviewer, concept):
    response = _transitie(api(reviewer), concept, "goedkeuren")
    assert response.status_code == 400
    assert "kan niet: het arrangement heeft de status 'concept'" in str(response.data["non_field_errors"][0])
    assert _status(concept) == Status.CONCEPT


def test_asking_for_changes_needs_a_reason(api, coordinator, reviewer, concept):
    workflow.perform(arrangement=concept, action="indienen", user=coordinator)
    response = _transitie(api(reviewer), concept, "wijzigingen_vragen", toelichting="  ")
    assert response.status_code == 400
    assert "Geef een toelichting" in str(response.data["toelichting"][0])
    assert _status(concept) == Status.TER_REVIEW
    response = _transitie(api(reviewer), concept, "wijzigingen_vragen", toelichting="Domein IV ontbreekt")
    assert response.status_code == 200
    assert _status(concept) == Status.WIJZIGINGEN_GEVRAAGD


def test_adoption_needs_date_and_reference(api, coordinator, reviewer, driehoek, concept):
    secretaris = GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS)
    workflow.perform(arrangement=concept, action="indienen", user=coordinator)
    approve_for_all(concept)
    client = api(secretaris)
    response = _transitie(client, concept, "vaststellen")
    assert response.status_code == 400
    assert set(response.data) == {"vastgesteld_op", "besluit_referentie"}
    response = _transitie(client, concept, "vaststellen", vastgesteld_op="gisteren", besluit_referentie="A1")
    assert response.status_code == 400
    assert "Geen geldige datum" in str(response.data["vastgesteld_op"][0])
    assert _status(concept) == Status.GOEDGEKEURD
    response = _transitie(client, concept, "vaststellen", vastgesteld_op=vandaag().isoformat(),
                          besluit_referentie="Verslag 2026-03, punt 4")
    assert response.status_code == 200, response.data
    assert response.data["vastgesteld_op"] == vandaag().isoformat()
    assert _status(concept) == Status.VASTGESTELD


def test_unknown_or_system_actions_are_refused(api, coordinator, concept):
    client = api(coordinator)
    for actie in ("vliegen", "ondertekening_voltooien", 7):
        response = _transitie(client, concept, actie)
        assert response.status_code == 400
        assert "ongeldige keuze" in str(response.data["actie"][0])
    response = client.post(f"{URL}{concept.pk}/transitie/", {"actie": "indienen", "status": "ondertekend"},
                           format="json")
    assert response.status_code == 400
    assert "Onbekend veld" in str(response.data["status"][0])
    assert _status(concept) == Status.CONCEPT


def test_lezer_may_not_withdraw(api, lezer, concept):
    response = _transitie(api(lezer), concept, "intrekken", toelichting="Weg ermee")
    assert response.status_code == 403
    assert _status(concept) == Status.CONCEPT


def test_withdrawing_is_how_an_arrangement_goes_away(api, coordinator, concept):
    response = _transitie(api(coordinator), concept, "intrekken", toelichting="Vervangen door regionaal")
    assert response.status_code == 200
    assert _status(concept) == Status.INGETROKKEN
    assert response.data["transities"] == []


def test_transition_on_another_driehoeks_arrangement_is_404(api, coordinator, vreemd_arrangement):
    response = _transitie(api(coordinator), vreemd_arrangement, "intrekken", toelichting="Niet van mij")
    assert response.status_code == 404
    assert _status(vreemd_arrangement) == Status.CONCEPT
