"""The register of data flows per arrangement: edited like the afspraken, copied into a herziening, shown on the
arrangement page, and an art. 20 flow must be complete before the arrangement can be submitted."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrangementen import gegevensstromen, services, stroomregels
from arrangementen.models import Gegevensstroom, Grondslag, Status
from arrangementen.workflow import perform
from samenwerking.models import Rol

from ..factories import OrganisatieFactory
from .helpers import html, zet_status
from .test_views import fresh, url

pytestmark = pytest.mark.django_db


def grondslag(code: str) -> Grondslag:
    return Grondslag.objects.get(code=code)


def partijen(arrangement):
    return [p.organisatie for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]


def stroom(arrangement, user, **overrides) -> Gegevensstroom:
    gemeente, politie, *_ = partijen(arrangement)
    velden = {"verstrekker": politie, "ontvangers": [gemeente], "categorieen": "Meldingen van overlast",
              "doel": "Gerichte inzet van BOA's", "grondslag": grondslag("wpg-16"), **overrides}
    return gegevensstromen.add_gegevensstroom(arrangement=arrangement, user=user,
                                              expected_version=fresh(arrangement).lock_version,
                                              gegevens=gegevensstromen.Stroomgegevens(**velden))


def payload(arrangement, **overrides) -> dict:
    gemeente, politie, *_ = partijen(arrangement)
    return {"lock_version": fresh(arrangement).lock_version, "verstrekker": politie.pk,
            "ontvangers": [gemeente.pk], "categorieen": "Meldingen van overlast", "doel": "Gerichte inzet",
            "grondslag": grondslag("wpg-20").pk, "zwaarwegend_algemeen_belang": "Veiligheid in de wijk",
            "voorwaarden": "Alleen voor de hotspots", "kanaal": "Beveiligde mail", "frequentie": "Wekelijks",
            "bewaartermijn": "6 maanden", "beveiligingsafspraken": "Versleuteld", **overrides}


# --- editing --------------------------------------------------------------------------------------

def test_coordinator_adds_a_flow_and_the_page_shows_it(als, concept):
    response = als(Rol.COORDINATOR).post(url("stroom_nieuw", concept.pk), payload(concept))
    assert response.status_code == 302
    flow = concept.gegevensstromen.get()
    assert flow.grondslag.code == "wpg-20" and flow.frequentie == "Wekelijks"
    assert list(flow.ontvangers.all()) == partijen(concept)[:1]
    assert flow.history.first().history_user == concept.aangemaakt_door
    assert fresh(concept).lock_version == concept.lock_version + 1
    page = html(als(Rol.LEZER).get(url("detail", concept.pk)))
    assert "Meldingen van overlast" in page and "Wet politiegegevens, artikel 20" in page


def test_flow_without_verstrekker_ontvanger_or_grondslag_is_refused_in_dutch_keeping_input(als, concept):
    response = als(Rol.COORDINATOR).post(url("stroom_nieuw", concept.pk), payload(
        concept, verstrekker="", ontvangers=[], grondslag="", categorieen="Camerabeelden"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["verstrekker"] == ["Kies de verstrekker."]
    assert errors["ontvangers"] == ["Kies ten minste één ontvanger, of noem een andere ontvanger."]
    assert errors["grondslag"] == ["Kies een grondslag uit de lijst."]
    assert "Camerabeelden" in html(response)
    assert not concept.gegevensstromen.exists()


def test_unknown_grondslag_is_a_dutch_message_not_a_500(als, concept):
    response = als(Rol.COORDINATOR).post(url("stroom_nieuw", concept.pk), payload(concept, grondslag="999999"))
    assert response.status_code == 200
    assert response.context["form"].errors["grondslag"] == ["Kies een grondslag uit de lijst."]


def test_ontvanger_outside_the_parties_is_refused(wereld, concept):
    buiten = OrganisatieFactory(naam="Buitenstaander")
    with pytest.raises(ValidationError) as refused:
        stroom(concept, wereld.coordinator, ontvangers=[buiten])
    assert refused.value.message_dict["ontvangers"] == ["Elke ontvanger moet een partij van het arrangement zijn."]


def test_ontvanger_outside_the_parties_without_an_explanation_is_refused_keeping_input(als, concept):
    response = als(Rol.COORDINATOR).post(url("stroom_nieuw", concept.pk), payload(
        concept, overige_ontvangers="RIEC Midden-Nederland", toelichting_overige_ontvangers=""))
    assert response.status_code == 200
    assert response.context["form"].errors["toelichting_overige_ontvangers"] == [
        "Licht toe waarom gegevens naar een ontvanger buiten de partijen gaan."]
    assert 'value="RIEC Midden-Nederland"' in html(response)
    assert not concept.gegevensstromen.exists()


def test_ontvanger_outside_the_parties_with_an_explanation_is_kept_and_counts_as_ontvanger(als, wereld, concept):
    response = als(Rol.COORDINATOR).post(url("stroom_nieuw", concept.pk), payload(
        concept, ontvangers=[], overige_ontvangers="RIEC Midden-Nederland",
        toelichting_overige_ontvangers="Casusoverleg ondermijning, convenant RIEC 2024"))
    assert response.status_code == 302
    flow = concept.gegevensstromen.get()
    assert flow.overige_ontvangers == "RIEC Midden-Nederland" and not flow.ontvangers.exists()
    assert stroomregels.missing_elements(flow) == []
    page = html(als(Rol.LEZER).get(url("detail", concept.pk)))
    assert "RIEC Midden-Nederland" in page and "Casusoverleg ondermijning" in page


def test_stale_edit_of_a_flow_is_refused_and_keeps_the_input(als, wereld, concept):
    flow = stroom(concept, wereld.coordinator)
    oud = payload(concept, categorieen="Mijn nieuwe tekst")
    services.add_opmerking(arrangement=concept, user=wereld.coordinator, tekst="tussendoor")  # no version bump
    stroom(concept, wereld.coordinator, categorieen="Iemand anders")  # bumps the version
    response = als(Rol.COORDINATOR).post(url("stroom_bewerken", concept.pk, flow.pk), oud)
    assert response.status_code == 200
    assert "Mijn nieuwe tekst" in html(response)
    assert response.context["form"].non_field_errors()
    flow.refresh_from_db()
    assert flow.categorieen == "Meldingen van overlast"


def test_history_page_lists_the_flow_and_who_added_it(als, wereld, concept):
    stroom(concept, wereld.coordinator, categorieen="Camerabeelden uit de wijk")
    response = als(Rol.LEZER).get(url("geschiedenis", concept.pk))
    assert response.status_code == 200
    assert "Gegevensstroom “Camerabeelden uit de wijk”" in html(response)


def test_stale_edit_names_the_flow_someone_else_added(wereld, concept):
    opened = fresh(concept).lock_version
    stroom(concept, wereld.coordinator, categorieen="Tussendoor toegevoegd")
    with pytest.raises(services.StaleEdit) as stale:
        gegevensstromen.add_gegevensstroom(
            arrangement=concept, user=wereld.coordinator, expected_version=opened,
            gegevens=gegevensstromen.Stroomgegevens(
                verstrekker=partijen(concept)[1], ontvangers=partijen(concept)[:1], categorieen="Later",
                doel="Doel", grondslag=grondslag("wpg-16")))
    assert any("Tussendoor toegevoegd" in str(e.onderwerp) for e in stale.value.wijzigingen)


def test_flow_is_edited_and_deleted_only_in_concept(als, wereld, concept):
    flow = stroom(concept, wereld.coordinator)
    client = als(Rol.COORDINATOR)
    response = client.post(url("stroom_bewerken", concept.pk, flow.pk), payload(concept, doel="Nieuw doel"))
    assert response.status_code == 302
    flow.refresh_from_db()
    assert flow.doel == "Nieuw doel"
    client.post(url("stroom_verwijderen", concept.pk, flow.pk), {"lock_version": fresh(concept).lock_version})
    assert not concept.gegevensstromen.exists()
    ingediend = zet_status(wereld.nieuw("Ingediend"), Status.TER_REVIEW)
    with pytest.raises(ValidationError):
        stroom(ingediend, wereld.coordinator)


def test_a_party_in_a_flow_cannot_be_removed_until_the_flow_is_changed(wereld, concept):
    stroom(concept, wereld.coordinator, categorieen="Meldingen van overlast")
    ontvanger = concept.partijen.get(organisatie=partijen(concept)[0])
    with pytest.raises(ValidationError) as refused:
        services.remove_partij(partij=ontvanger, user=wereld.coordinator,
                               expected_version=fresh(concept).lock_version)
    assert "Meldingen van overlast" in refused.value.messages[0]
    assert concept.partijen.filter(pk=ontvanger.pk).exists()


def test_lezer_may_not_add_a_flow(als, concept):
    response = als(Rol.LEZER).post(url("stroom_nieuw", concept.pk), payload(concept))
    assert response.status_code == 403
    assert not concept.gegevensstromen.exists()


def test_detail_page_queries_do_not_grow_with_flows(als, wereld, concept):
    client = als(Rol.LEZER)
    stroom(concept, wereld.coordinator)
    with CaptureQueriesContext(connection) as one:
        client.get(url("detail", concept.pk))
    for i in range(4):
        stroom(concept, wereld.coordinator, categorieen=f"Soort {i}")
    with CaptureQueriesContext(connection) as five:
        client.get(url("detail", concept.pk))
    assert len(five) == len(one)


# --- herziening -----------------------------------------------------------------------------------

def test_herziening_copies_every_flow_with_its_recipients_and_afspraak(wereld, vastgesteld):
    afspraak = vastgesteld.afspraken.first()
    zet_status(vastgesteld, Status.CONCEPT)
    flow = stroom(vastgesteld, wereld.coordinator, afspraak=afspraak, grondslag=grondslag("wpg-20"),
                  zwaarwegend_algemeen_belang="Openbare orde", voorwaarden="Alleen hotspots",
                  overige_ontvangers="RIEC", toelichting_overige_ontvangers="Convenant RIEC")
    zet_status(vastgesteld, Status.VASTGESTELD)
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    kopie = copy.gegevensstromen.get()
    assert kopie.vorige == flow
    assert (kopie.categorieen, kopie.grondslag, kopie.voorwaarden, kopie.zwaarwegend_algemeen_belang) == (
        flow.categorieen, flow.grondslag, flow.voorwaarden, flow.zwaarwegend_algemeen_belang)
    assert set(kopie.ontvangers.all()) == set(flow.ontvangers.all())
    assert (kopie.overige_ontvangers, kopie.toelichting_overige_ontvangers) == ("RIEC", "Convenant RIEC")
    assert kopie.afspraak.arrangement == copy and kopie.afspraak.vorige == afspraak
    assert flow.arrangement.gegevensstromen.count() == 1  # the old version keeps its own


def test_comparison_shows_a_changed_an_added_and_a_removed_flow(als, wereld, vastgesteld):
    zet_status(vastgesteld, Status.CONCEPT)
    blijft = stroom(vastgesteld, wereld.coordinator, categorieen="Meldingen van overlast")
    stroom(vastgesteld, wereld.coordinator, categorieen="Verdwijnt later")
    zet_status(vastgesteld, Status.VASTGESTELD)
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    kopie = copy.gegevensstromen.get(vorige=blijft)
    gegevensstromen.update_gegevensstroom(
        stroom=kopie, user=wereld.coordinator, expected_version=fresh(copy).lock_version,
        gegevens=gegevensstromen.Stroomgegevens(
            verstrekker=kopie.verstrekker, ontvangers=list(kopie.ontvangers.all()), categorieen=kopie.categorieen,
            doel=kopie.doel, grondslag=kopie.grondslag, frequentie="Dagelijks"))
    gegevensstromen.delete_gegevensstroom(stroom=copy.gegevensstromen.get(categorieen="Verdwijnt later"),
                                          user=wereld.coordinator, expected_version=fresh(copy).lock_version)
    stroom(copy, wereld.coordinator, categorieen="Nieuw erbij")
    response = als(Rol.LEZER).get(url("vergelijk", copy.pk), {"a": vastgesteld.pk, "b": copy.pk})
    rijen = response.context["vergelijking"]["gegevensstromen"]
    assert sorted(str(r.soort) for r in rijen) == ["", "toegevoegd", "verwijderd"]
    gewijzigd = next(r for r in rijen if not r.soort)
    assert gewijzigd.gewijzigd and "Dagelijks" in gewijzigd.rechts and "Dagelijks" not in gewijzigd.links
    assert "Nieuw erbij" in html(response) and "Verdwijnt later" in html(response)


# --- submission (art. 20) -------------------------------------------------------------------------

def test_indienen_is_refused_naming_the_art20_flow_and_the_missing_element(wereld):
    arrangement = wereld.nieuw("Met artikel 20")
    stroom(arrangement, wereld.coordinator, grondslag=grondslag("wpg-20"), categorieen="Signalen woonoverlast",
           zwaarwegend_algemeen_belang="Veiligheid", voorwaarden="")
    with pytest.raises(ValidationError) as refused:
        perform(arrangement=fresh(arrangement), action="indienen", user=wereld.coordinator)
    message = " ".join(refused.value.messages)
    assert "Signalen woonoverlast" in message and "de voorwaarden" in message
    assert "zwaarwegend algemeen belang" not in message
    assert fresh(arrangement).status == Status.CONCEPT


def test_indienen_succeeds_once_the_art20_flow_is_complete(wereld):
    arrangement = wereld.nieuw("Volledig artikel 20")
    flow = stroom(arrangement, wereld.coordinator, grondslag=grondslag("wpg-20"), voorwaarden="")
    gegevensstromen.update_gegevensstroom(
        stroom=flow, user=wereld.coordinator, expected_version=fresh(arrangement).lock_version,
        gegevens=gegevensstromen.Stroomgegevens(
            verstrekker=flow.verstrekker, ontvangers=list(flow.ontvangers.all()), categorieen=flow.categorieen,
            doel=flow.doel, grondslag=flow.grondslag, zwaarwegend_algemeen_belang="Veiligheid",
            voorwaarden="Alleen binnen het werkgebied"))
    perform(arrangement=fresh(arrangement), action="indienen", user=wereld.coordinator)
    assert fresh(arrangement).status == Status.TER_REVIEW


def test_a_flow_on_another_ground_needs_no_art20_elements(wereld):
    arrangement = wereld.nieuw("Artikel 16")
    stroom(arrangement, wereld.coordinator, grondslag=grondslag("wpg-16"))
    perform(arrangement=fresh(arrangement), action="indienen", user=wereld.coordinator)
    assert fresh(arrangement).status == Status.TER_REVIEW


def test_refused_submission_page_names_the_missing_element(als, wereld):
    arrangement = wereld.nieuw("Via de pagina")
    stroom(arrangement, wereld.coordinator, grondslag=grondslag("wpg-20"), categorieen="Cameradata")
    response = als(Rol.COORDINATOR).post(url("overgang", arrangement.pk, "indienen"), {"toelichting": ""})
    page = html(response)
    assert "Cameradata" in page and "het zwaarwegend algemeen belang" in page and "de voorwaarden" in page
    assert fresh(arrangement).status == Status.CONCEPT


def test_submission_page_lists_the_incomplete_art20_flow_before_submitting(als, wereld):
    arrangement = wereld.nieuw("Vooraf zichtbaar")
    flow = stroom(arrangement, wereld.coordinator, grondslag=grondslag("wpg-20"), categorieen="Bodycambeelden",
                  zwaarwegend_algemeen_belang="Veiligheid")
    page = html(als(Rol.COORDINATOR).get(url("overgang", arrangement.pk, "indienen")))
    assert "Bodycambeelden" in page and "nog niet ingevuld: de voorwaarden" in page
    assert url("stroom_bewerken", arrangement.pk, flow.pk) in page
