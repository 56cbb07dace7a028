"""The arrangementen pages as a browser uses them: the journey, refusals in Dutch, scoping and query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from arrangementen import services, urls, workflow
from arrangementen.models import Afspraak, Arrangement, BoaInzet, Opmerking, Status
from samenwerking.models import Rol

from ..factories import (
    AfspraakFactory,
    ArrangementFactory,
    BoaInzetFactory,
    DriehoekFactory,
    GebruikerFactory,
    OnderwerpFactory,
    OpmerkingFactory,
    lid,
    vandaag,
)
from .helpers import GELDIGE_TOELICHTING, REFERENTIE, html, zet_status

NIET_NEGATIEF = "Zorg ervoor dat deze waarde minstens 0 is."
STALE = "is gewijzigd nadat u het opende"
BEVESTIGD = {"toelichting": ""}  # a confirmed transition form as the browser posts it: the textarea, even if empty


def url(name, *args) -> str:
    return reverse(f"arrangementen:{name}", args=args)


def fresh(arrangement) -> Arrangement:
    return Arrangement.objects.get(pk=arrangement.pk)


def edit_payload(arrangement, **overrides) -> dict:
    """The edit form as the browser posts it: every field, the six inzet rows and the version it was opened at."""
    data = {
        "titel": arrangement.titel, "doel": arrangement.doel, "aanleiding": arrangement.aanleiding,
        "werkgebied": arrangement.werkgebied, "toezichthouders": arrangement.toezichthouders,
        "contactpersonen": arrangement.contactpersonen,
        "geweldsmiddelen": arrangement.geweldsmiddelen,
        "geldig_van": arrangement.geldig_van or "", "geldig_tot": arrangement.geldig_tot or "",
        "evaluatiedatum": arrangement.evaluatiedatum or "",
        "opzegtermijn_maanden": arrangement.opzegtermijn_maanden or "",
        "lock_version": arrangement.lock_version,
        "inzet-TOTAL_FORMS": "6", "inzet-INITIAL_FORMS": "6", "inzet-MIN_NUM_FORMS": "6", "inzet-MAX_NUM_FORMS": "6",
    }
    for index, regel in enumerate(arrangement.inzet.order_by("domein")):
        data.update({f"inzet-{index}-domein": regel.domein, f"inzet-{index}-aantal_boas": regel.aantal_boas,
                     f"inzet-{index}-fte": regel.fte})
    data.update(overrides)
    return data


def state(arrangement) -> tuple:
    """Everything a save could touch."""
    a = fresh(arrangement)
    return ({f: getattr(a, f) for f in [*services.EDITABLE_FIELDS, "status", "lock_version"]},
            list(a.inzet.order_by("domein").values_list("domein", "aantal_boas", "fte")),
            list(a.afspraken.order_by("pk").values_list("titel", "tekst", "volgorde")),
            list(a.partijen.order_by("pk").values_list("organisatie_id", "ondertekenaar_functie")),
            list(a.opmerkingen.order_by("pk").values_list("tekst", "opgelost")))


@pytest.fixture
def als(client, wereld):
    """Log the client in as the member with this role in the own driehoek."""
    def login(rol):
        client.force_login(wereld.leden[rol])
        return client
    return login


@pytest.fixture
def concept(wereld):
    return wereld.nieuw("Handhavingsarrangement Heuvelrug")


# --- the journey -----------------------------------------------------------------------------------

def test_journey_from_new_arrangement_to_compared_herziening(db, wereld, als, django_capture_on_commit_callbacks):
    client = als(Rol.COORDINATOR)
    assert client.get(url("nieuw")).status_code == 200
    response = client.post(url("nieuw"), {"driehoek": wereld.eigen.pk, "titel": "Arrangement Heuvelrug",
                                          "start": "model"})
    arrangement = Arrangement.objects.get(titel="Arrangement Heuvelrug")
    assert response["Location"] == url("detail", arrangement.pk)
    page = html(client.get(url("detail", arrangement.pk)))
    assert "Bereikbaarheid via portofoon" in page
    assert "Het arrangement is aangemaakt als concept." in page

    response = client.post(url("bewerken", arrangement.pk), edit_payload(
        arrangement, doel="Samen zichtbaar in de wijk.", geldig_van="2025-01-01", geldig_tot="2026-12-31",
        geweldsmiddelen=["handboeien"], **{"inzet-0-aantal_boas": "6", "inzet-0-fte": "4.5"}))
    assert response["Location"] == url("detail", arrangement.pk)
    saved = fresh(arrangement)
    assert (saved.doel, saved.geldig_tot, saved.geweldsmiddelen) == (
        "Samen zichtbaar in de wijk.", datetime.date(2026, 12, 31), ["handboeien"])
    assert saved.inzet.values_list("aantal_boas", "fte").get(domein="I") == (6, Decimal("4.5"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("overgang", arrangement.pk, "indienen"), BEVESTIGD)
    assert fresh(arrangement).status == Status.TER_REVIEW

    client = als(Rol.REVIEWER)
    assert client.post(url("opmerking_nieuw", arrangement.pk), {"tekst": "Wie belt de meldkamer?"}).status_code == 302
    assert "Wie belt de meldkamer?" in html(client.get(url("detail", arrangement.pk)))
    client.post(url("overgang", arrangement.pk, "goedkeuren"), {"toelichting": "Akkoord."})
    assert fresh(arrangement).status == Status.GOEDGEKEURD

    client = als(Rol.SECRETARIS)
    client.post(url("overgang", arrangement.pk, "vaststellen"), {
        "vastgesteld_op": vandaag().isoformat(), "besluit_referentie": REFERENTIE})
    assert (fresh(arrangement).status, fresh(arrangement).besluit_referentie) == (Status.VASTGESTELD, REFERENTIE)

    client = als(Rol.COORDINATOR)
    response = client.post(url("herziening", arrangement.pk))
    v2 = Arrangement.objects.get(vorige_versie=arrangement)
    assert (response["Location"], v2.versie, v2.status) == (url("detail", v2.pk), 2, Status.CONCEPT)
    portofoon = v2.afspraken.get(titel="Bereikbaarheid via portofoon")
    response = client.post(url("afspraak_bewerken", v2.pk, portofoon.pk), {
        "lock_version": v2.lock_version, "onderwerp": portofoon.onderwerp_id, "titel": portofoon.titel,
        "tekst": portofoon.tekst.replace("de portofoon", "de portofoon of telefoon"),
        "verantwoordelijke": portofoon.verantwoordelijke})
    assert response["Location"] == url("detail", v2.pk)

    vergelijk = html(client.get(url("vergelijk", v2.pk)))
    assert "1 afspraak is toegevoegd, verwijderd of gewijzigd." in vergelijk
    assert "<ins><span class=\"app-visually-hidden\">[toegevoegd:] </span>of telefoon</ins>" in vergelijk
    geschiedenis = html(client.get(url("geschiedenis", v2.pk)))
    assert "Afspraak “Bereikbaarheid via portofoon”" in geschiedenis
    assert "of telefoon</ins>" in geschiedenis


# --- editing: refused input is kept, in Dutch, and nothing is saved ---------------------------------------

def test_geldig_tot_before_geldig_van_is_refused_in_dutch_and_keeps_the_input(db, als, concept):
    before = state(concept)
    response = als(Rol.COORDINATOR).post(url("bewerken", concept.pk), edit_payload(
        concept, doel="Mijn getypte doel", geldig_van="2026-01-01", geldig_tot="2025-12-31"))
    assert response.status_code == 200
    page = html(response)
    assert escape("'Geldig tot en met' ligt vóór 'geldig van'.") in page
    assert 'value="2026-01-01"' in page and 'value="2025-12-31"' in page
    assert "Mijn getypte doel" in page
    assert state(concept) == before


def test_negative_aantal_boas_is_refused_in_dutch_and_keeps_the_input(db, als, concept):
    before = state(concept)
    response = als(Rol.COORDINATOR).post(url("bewerken", concept.pk), edit_payload(
        concept, titel="Mijn nieuwe titel", **{"inzet-2-aantal_boas": "-3"}))
    assert response.status_code == 200
    page = html(response)
    assert NIET_NEGATIEF in page
    assert 'name="inzet-2-aantal_boas" value="-3"' in page
    assert 'value="Mijn nieuwe titel"' in page
    assert state(concept) == before


@pytest.mark.parametrize(("overrides", "message"), [
    pytest.param({"titel": ""}, "Dit veld is vereist.", id="lege-titel"),
    pytest.param({"opzegtermijn_maanden": "-2"}, NIET_NEGATIEF, id="negatieve-opzegtermijn"),
    pytest.param({"inzet-0-fte": "-0.5"}, NIET_NEGATIEF, id="negatieve-fte"),
    pytest.param({"inzet-0-fte": "veel"}, "Voer een getal in.", id="fte-geen-getal"),
    pytest.param({"geldig_van": "31-02-2025"}, "Voer een geldige datum in.", id="datum-bestaat-niet"),
    pytest.param({"geweldsmiddelen": ["taser"]}, "Selecteer een geldige keuze.", id="onbekend-geweldsmiddel"),
])
def test_invalid_edit_is_refused_in_dutch_and_saves_nothing(db, als, concept, overrides, message):
    before = state(concept)
    response = als(Rol.COORDINATOR).post(url("bewerken", concept.pk), edit_payload(concept, **overrides))
    assert response.status_code == 200
    assert message in html(response)
    assert state(concept) == before


@pytest.mark.parametrize("overrides", [
    pytest.param({"inzet-TOTAL_FORMS": "2"}, id="te-weinig-domeinen"),
    pytest.param({"inzet-TOTAL_FORMS": ""}, id="beheerformulier-kapot"),
    pytest.param({"inzet-0-domein": "VII"}, id="onbekend-domein"),
    pytest.param({"lock_version": "abc"}, id="versie-geen-getal"),
    pytest.param({"lock_version": "0"}, id="versie-nul"),
])
def test_tampered_edit_form_is_refused_without_error_page(db, als, concept, overrides):
    before = state(concept)
    response = als(Rol.COORDINATOR).post(url("bewerken", concept.pk), edit_payload(concept, **overrides))
    assert response.status_code == 200
    assert state(concept) == before


def test_stale_save_shows_the_conflict_keeps_the_input_and_overwrites_nothing(db, wereld, als, concept):
    client = als(Rol.COORDINATOR)
    opened = edit_payload(concept)  # the form as it was when the user opened it
    collega = GebruikerFactory()
    lid(collega, wereld.eigen, Rol.COORDINATOR)
    services.update_arrangement(arrangement=concept, user=collega, expected_version=1,
                                data={"titel": "Titel van de collega"})
    after_colleague = state(concept)

    # The titel was changed by both (changes to different fields alone are merged).
    response = client.post(url("bewerken", concept.pk), {**opened, "titel": "Mijn titel",
                                                         "doel": "Mijn zorgvuldig getypte doel",
                                                         "inzet-3-aantal_boas": "9"})
    assert response.status_code == 200
    page = html(response)
    assert STALE in page
    assert "Mijn zorgvuldig getypte doel" in page
    assert 'name="inzet-3-aantal_boas" value="9"' in page
    wijzigingen = page[page.index('id="wijzigingen-kop"'):]
    assert "Titel van de collega" in wijzigingen[:wijzigingen.index("</section>")]
    assert state(concept) == after_colleague


def test_after_a_stale_save_saving_again_keeps_the_input(db, wereld, als, concept):
    client = als(Rol.COORDINATOR)
    opened = edit_payload(concept)
    collega = GebruikerFactory()
    lid(collega, wereld.eigen, Rol.COORDINATOR)
    services.update_arrangement(arrangement=concept, user=collega, expected_version=1, data={"aanleiding": "X"})
    client.post(url("bewerken", concept.pk), {**opened, "doel": "Mijn doel"})

    # The re-rendered form is based on the current version, so the second save goes through.
    response = client.post(url("bewerken", concept.pk), {**opened, "doel": "Mijn doel",
                                                         "lock_version": fresh(concept).lock_version})
    assert response.status_code == 302
    assert fresh(concept).doel == "Mijn doel"


def test_after_a_stale_save_the_form_takes_over_what_others_changed_in_untouched_fields(db, wereld, als, concept):
    client = als(Rol.COORDINATOR)
    opened = edit_payload(concept)
    collega = GebruikerFactory()
    lid(collega, wereld.eigen, Rol.COORDINATOR)
    services.update_arrangement(arrangement=concept, user=collega, expected_version=1,
                                data={"titel": "Titel van de collega", "aanleiding": "Aanleiding van de collega"})

    # The aanleiding was changed by both, so the save is refused.
    response = client.post(url("bewerken", concept.pk), {**opened, "doel": "Mijn doel",
                                                         "aanleiding": "Mijn aanleiding"})
    page = html(response)
    assert STALE in page
    # The untouched titel now shows the colleague's value; the user's own doel and aanleiding stay.
    assert 'value="Titel van de collega"' in page
    assert "Mijn doel" in page and "Mijn aanleiding" in page

    # Saving the re-rendered form again keeps both the colleague's and the user's work.
    form = response.context["form"]
    resubmit = {key: form.data.getlist(key) if key == "geweldsmiddelen" else form.data[key] for key in form.data}
    assert client.post(url("bewerken", concept.pk), resubmit).status_code == 302
    saved = fresh(concept)
    assert (saved.titel, saved.aanleiding, saved.doel) == (
        "Titel van de collega", "Mijn aanleiding", "Mijn doel")


def test_stale_save_of_an_afspraak_keeps_the_typed_text(db, wereld, als, concept):
    client = als(Rol.COORDINATOR)
    afspraak = concept.afspraken.get(titel="Vaste koppels")
    services.update_arrangement(arrangement=concept, user=wereld.coordinator, expected_version=1,
                                data={"doel": "Intussen"})
    response = client.post(url("afspraak_bewerken", concept.pk, afspraak.pk), {
        "lock_version": 1, "onderwerp": afspraak.onderwerp_id, "titel": afspraak.titel,
        "tekst": "Mijn nieuwe tekst over koppels", "verantwoordelijke": "politie"})
    assert response.status_code == 200
    page = html(response)
    assert STALE in page and "Mijn nieuwe tekst over koppels" in page
    assert Afspraak.objects.get(pk=afspraak.pk).tekst == afspraak.tekst


@pytest.mark.parametrize(("payload", "field_message"), [
    pytest.param({"onderwerp": "999999", "titel": "T", "tekst": "Tekst", "verantwoordelijke": "gemeente"},
                 "Selecteer een geldige keuze", id="onbekend-onderwerp"),
    pytest.param({"onderwerp": "abc", "titel": "T", "tekst": "Tekst", "verantwoordelijke": "gemeente"},
                 "Selecteer een geldige keuze", id="onderwerp-geen-getal"),
    pytest.param({"titel": "T", "tekst": "Tekst", "verantwoordelijke": "gemeente"}, "Kies een onderwerp.",
                 id="geen-onderwerp"),
    pytest.param({"onderwerp": "ONDERWERP", "titel": "  ", "tekst": "Tekst", "verantwoordelijke": "gemeente"},
                 "Geef de afspraak een titel.", id="lege-titel"),
    pytest.param({"onderwerp": "ONDERWERP", "titel": "T", "tekst": "", "verantwoordelijke": "gemeente"},
                 "Schrijf de tekst van de afspraak.", id="lege-tekst"),
    pytest.param({"onderwerp": "ONDERWERP", "titel": "T", "tekst": "Tekst", "verantwoordelijke": "burgemeester"},
                 "Selecteer een geldige keuze", id="onbekende-verantwoordelijke"),
    pytest.param({"modelafspraak": "999999"}, "Selecteer een geldige keuze", id="onbekende-modelafspraak"),
])
def test_invalid_new_afspraak_is_refused_in_dutch_and_saves_nothing(db, als, concept, payload, field_message):
    before = state(concept)
    onderwerp = concept.afspraken.first().onderwerp_id
    payload = {k: (str(onderwerp) if v == "ONDERWERP" else v) for k, v in payload.items()}
    response = als(Rol.COORDINATOR).post(url("afspraak_nieuw", concept.pk), {"lock_version": 1, **payload})
    assert response.status_code == 200
    assert field_message in html(response)
    assert state(concept) == before


def test_new_afspraak_from_the_library_copies_the_model_clause(db, wereld, als):
    leeg = wereld.nieuw(start="leeg")
    model = wereld.verplichte()[0]
    response = als(Rol.COORDINATOR).post(url("afspraak_nieuw", leeg.pk), {"lock_version": 1,
                                                                          "modelafspraak": model.pk})
    assert response.status_code == 302
    assert list(leeg.afspraken.values_list("titel", "tekst", "modelafspraak")) == [(model.titel, model.tekst,
                                                                                   model.pk)]


def test_editing_a_non_concept_sends_back_to_the_detail_page(db, wereld, als):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    before = state(arrangement)
    client = als(Rol.COORDINATOR)
    response = client.post(url("bewerken", arrangement.pk), edit_payload(arrangement, titel="Stiekem"), follow=True)
    assert response.redirect_chain == [(url("detail", arrangement.pk), 302)]
    assert "Alleen een concept kan worden bewerkt." in html(response)
    assert state(arrangement) == before


def test_moving_and_deleting_afspraken_through_the_buttons(db, als, concept):
    client = als(Rol.COORDINATOR)
    backup = concept.afspraken.get(titel="Backup bij aanhouding")
    client.post(url("afspraak_verplaatsen", concept.pk, backup.pk), {"lock_version": 1, "richting": "omhoog"})
    titles = list(concept.afspraken.filter(onderwerp=backup.onderwerp).order_by("volgorde")
                  .values_list("titel", flat=True))
    assert titles == ["Backup bij aanhouding", "Noodmelding geldt als assistentie collega"]
    response = client.post(url("afspraak_verwijderen", concept.pk, backup.pk), {"lock_version": 2}, follow=True)
    assert "De afspraak is verwijderd." in html(response)
    assert not concept.afspraken.filter(pk=backup.pk).exists()


def test_stale_delete_button_is_refused_with_a_message(db, wereld, als, concept):
    services.update_arrangement(arrangement=concept, user=wereld.coordinator, expected_version=1,
                                data={"doel": "Intussen"})
    backup = concept.afspraken.get(titel="Backup bij aanhouding")
    response = als(Rol.COORDINATOR).post(url("afspraak_verwijderen", concept.pk, backup.pk), {"lock_version": 1},
                                         follow=True)
    assert STALE in html(response)
    assert concept.afspraken.filter(pk=backup.pk).exists()


@pytest.mark.parametrize("lock_version", ["", "abc"])
def test_button_without_a_version_is_refused_with_a_message(db, als, concept, lock_version):
    backup = concept.afspraken.get(titel="Backup bij aanhouding")
    response = als(Rol.COORDINATOR).post(url("afspraak_verwijderen", concept.pk, backup.pk),
                                         {"lock_version": lock_version}, follow=True)
    assert "Het formulier was onvolledig. Probeer het opnieuw." in html(response)
    assert concept.afspraken.filter(pk=backup.pk).exists()


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


# --- scoping ---------------------------------------------------------------------------------------

ARRANGEMENT_URLS = {
    # name → (extra URL args, methods the view answers)
    "detail": ([], ["get"]),
    "bewerken": ([], ["get", "post"]),
    "afspraak_nieuw": ([], ["get", "post"]),
    "afspraak_bewerken": (["afspraak"], ["get", "post"]),
    "afspraak_verwijderen": (["afspraak"], ["post"]),
    "afspraak_verplaatsen": (["afspraak"], ["post"]),
    "partij_nieuw": ([], ["get", "post"]),
    "partij_verwijderen": (["partij"], ["post"]),
    "overgang": (["indienen"], ["get", "post"]),
    "opmerking_nieuw": ([], ["post"]),
    "opmerking_oplossen": (["opmerking"], ["post"]),
    "herziening": ([], ["post"]),
    "geschiedenis": ([], ["get"]),
    "vergelijk": ([], ["get"]),
    "document_maken": ([], ["post"]),
    "document_download": ([], ["get"]),
    "document_ondertekenen": ([], ["get", "post"]),
    "document_herinneren": (["partij"], ["post"]),
}


def test_every_arrangement_url_is_checked_for_other_driehoeken():
    with_pk = {p.name for p in urls.urlpatterns if "<int:pk>" in str(p.pattern)}
    assert with_pk == set(ARRANGEMENT_URLS)


@pytest.fixture
def vreemd(wereld):
    """A concept of the other driehoek, with a comment, made by its own coordinator."""
    arrangement = wereld.per_status["andere"][Status.CONCEPT]
    services.add_opmerking(arrangement=arrangement, user=wereld.vreemden[Rol.COORDINATOR], tekst="Intern")
    return arrangement


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.LEZER])
@pytest.mark.parametrize(("name", "method"), [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, (_, methods) in ARRANGEMENT_URLS.items() for method in methods])
def test_arrangement_of_another_driehoek_is_not_found(db, als, vreemd, name, method, rol):
    extra = {"afspraak": vreemd.afspraken.first().pk, "partij": vreemd.partijen.first().pk,
             "opmerking": vreemd.opmerkingen.first().pk, "indienen": "indienen"}
    args = [vreemd.pk, *(extra[a] for a in ARRANGEMENT_URLS[name][0])]
    before = state(vreemd)
    payload = {**edit_payload(vreemd, titel="Overgenomen"), "tekst": "Hallo", "richting": "omhoog",
               "organisatie": "1", "ondertekenaar_functie": "x"}
    response = getattr(als(rol), method)(url(name, *args), payload if method == "post" else None)
    assert response.status_code == 404
    assert state(vreemd) == before
    assert Arrangement.objects.filter(vorige_versie=vreemd).count() == 0


@pytest.mark.parametrize("name", ["bewerken", "afspraak_nieuw", "partij_nieuw"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_lezer_gets_403_on_edit_pages(db, als, concept, name, method):
    before = state(concept)
    response = getattr(als(Rol.LEZER), method)(url(name, concept.pk),
                                               edit_payload(concept, titel="Stiekem") if method == "post" else None)
    assert response.status_code == 403
    assert state(concept) == before


@pytest.mark.parametrize("name", ["afspraak_verwijderen", "afspraak_verplaatsen"])
def test_lezer_gets_403_on_clause_buttons(db, als, concept, name):
    before = state(concept)
    afspraak = concept.afspraken.get(titel="Backup bij aanhouding")
    response = als(Rol.LEZER).post(url(name, concept.pk, afspraak.pk), {"lock_version": 1, "richting": "omhoog"})
    assert response.status_code == 403
    assert state(concept) == before


def test_clause_of_another_arrangement_is_not_found_under_this_one(db, wereld, als, concept):
    elders = wereld.per_status["eigen"][Status.CONCEPT].afspraken.first()
    response = als(Rol.COORDINATOR).post(url("afspraak_verwijderen", concept.pk, elders.pk), {"lock_version": 1})
    assert response.status_code == 404
    assert Afspraak.objects.filter(pk=elders.pk).exists()


# --- the list page and its filters ------------------------------------------------------------------

@pytest.fixture(scope="module")
def lijst(django_db_setup, django_db_blocker):
    """A reader in two driehoeken, arrangementen that each match some filters, and one they must never see."""
    with django_db_blocker.unblock(), transaction.atomic():
        vandaag_ = vandaag()
        d1, d2, d3 = DriehoekFactory(), DriehoekFactory(), DriehoekFactory()
        kijker = GebruikerFactory()
        lid(kijker, d1, Rol.LEZER)
        lid(kijker, d2, Rol.LEZER)
        onderwerp = OnderwerpFactory(naam="Meldkamer en portofoon")

        def maak(titel, driehoek, *, inzet=(), tekst="Partijen overleggen wekelijks.", **velden):
            arrangement = ArrangementFactory(driehoek=driehoek, titel=titel, **velden)
            AfspraakFactory(arrangement=arrangement, onderwerp=onderwerp, tekst=tekst)
            for domein, aantal, fte in inzet:
                BoaInzetFactory(arrangement=arrangement, domein=domein, aantal_boas=aantal, fte=fte)
            return arrangement

        maak("Arrangement Alfa", d1, status=Status.CONCEPT, geldig_tot=vandaag_ + datetime.timedelta(days=20),
             evaluatiedatum=vandaag_ + datetime.timedelta(days=10), inzet=[("II", 3, 0), ("I", 0, 0)],
             tekst="BOA's zijn bereikbaar via de portofoon van de meldkamer.")
        maak("Arrangement Bravo", d1, status=Status.TER_REVIEW, geldig_tot=vandaag_ + datetime.timedelta(days=60),
             inzet=[("I", 2, 1), ("II", 0, 0)], doel="Veilige uitgaansavonden.")
        maak("Arrangement Charlie", d2, status=Status.ONDERTEKEND, geldig_tot=vandaag_ - datetime.timedelta(days=1),
             evaluatiedatum=vandaag_ - datetime.timedelta(days=1), inzet=[("II", 0, Decimal("1.5"))])
        maak("Jaarwisseling Delta", d2, status=Status.VASTGESTELD)
        maak("Arrangement Echo", d3, status=Status.CONCEPT, geldig_tot=vandaag_ + datetime.timedelta(days=5),
             evaluatiedatum=vandaag_ + datetime.timedelta(days=5), inzet=[("II", 9, 9)],
             tekst="Portofoon en jaarwisseling.", doel="Veilige uitgaansavonden.")
        yield {"kijker": kijker, "d1": d1, "d2": d2, "d3": d3}
        transaction.set_rollback(True)


ALLE = {"Arrangement Alfa", "Arrangement Bravo", "Arrangement Charlie", "Jaarwisseling Delta"}


def listed(response) -> set[str]:
    page = html(response)
    return {titel for titel in [*ALLE, "Arrangement Echo"] if f">{titel}</a>" in page}


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param({}, ALLE, id="geen-filter"),
    pytest.param({"status": "ter_review"}, {"Arrangement Bravo"}, id="status"),
    pytest.param({"gemeente": lambda lijst: lijst["d1"].gemeenten.get().pk}, {"Arrangement Alfa", "Arrangement Bravo"},
                 id="gemeente"),
    pytest.param({"basisteam": lambda lijst: lijst["d2"].basisteam_id}, {"Arrangement Charlie", "Jaarwisseling Delta"},
                 id="basisteam"),
    pytest.param({"domein": "II"}, {"Arrangement Alfa", "Arrangement Charlie"}, id="domein"),
    pytest.param({"domein": "I"}, {"Arrangement Bravo"}, id="domein-niet-via-ander-domein"),
    pytest.param({"domein": "III"}, set(), id="domein-zonder-inzet"),
    pytest.param({"verloopt_binnen": "30"}, {"Arrangement Alfa"}, id="verloopt-binnen-30"),
    pytest.param({"verloopt_binnen": "90"}, {"Arrangement Alfa", "Arrangement Bravo"}, id="verloopt-binnen-90"),
    pytest.param({"evaluatie_gepland": "on"}, {"Arrangement Alfa"}, id="evaluatie-gepland"),
    pytest.param({"zoek": "portofoon"}, {"Arrangement Alfa"}, id="zoek-afspraaktekst"),
    pytest.param({"zoek": "portofoons"}, {"Arrangement Alfa"}, id="zoek-nederlandse-stam"),
    pytest.param({"zoek": "jaarwisseling"}, {"Jaarwisseling Delta"}, id="zoek-titel"),
    pytest.param({"zoek": "uitgaansavond"}, {"Arrangement Bravo"}, id="zoek-doel"),
    pytest.param({"zoek": "portofoon", "status": "concept", "domein": "II"}, {"Arrangement Alfa"},
                 id="gecombineerd"),
])
def test_list_filters(db, client, lijst, query, expected):
    query = {k: v(lijst) if callable(v) else v for k, v in query.items()}
    client.force_login(lijst["kijker"])
    response = client.get(url("lijst"), query)
    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize("query", [
    {"status": "onzin"}, {"gemeente": "abc"}, {"gemeente": "999999"}, {"basisteam": "1.5"}, {"domein": "VII"},
    {"verloopt_binnen": "-1"}, {"verloopt_binnen": "veel"}, {"verloopt_binnen": "9" * 30},
    {"evaluatie_gepland": "misschien"}, {"zoek": "\"&|!(:*"}, {"zoek": "x" * 500}, {"zoek": "\x00"},
    {"pagina": "abc"}, {"pagina": "99999"}, {"pagina": "-1"},
])
def test_invalid_filter_values_do_not_break_the_list(db, client, lijst, query):
    client.force_login(lijst["kijker"])
    response = client.get(url("lijst"), query)
    assert response.status_code == 200
    assert "Arrangement Echo" not in listed(response)


def test_gemeente_of_a_driehoek_the_user_is_not_in_is_not_a_valid_filter(db, client, lijst):
    client.force_login(lijst["kijker"])
    response = client.get(url("lijst"), {"gemeente": lijst["d3"].gemeenten.first().pk})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in html(response)
    assert listed(response) == ALLE


# --- query counts ------------------------------------------------------------------------------

def count_queries(client, path, query=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def bulk_arrangementen(driehoeken, user, onderwerp, n: int, afspraken_per_stuk: int = 3):
    """Test setup at volume: bulk_create skips history rows, which the list page does not read."""
    statuses = list(Status)
    made = Arrangement.objects.bulk_create(
        ArrangementFactory.build(driehoek=driehoeken[i % len(driehoeken)], aangemaakt_door=user,
                                 titel=f"Bulkarrangement {i}", status=statuses[i % len(statuses)],
                                 geldig_tot=vandaag() + datetime.timedelta(days=i % 400),
                                 evaluatiedatum=vandaag() + datetime.timedelta(days=i % 50))
        for i in range(n))
    Afspraak.objects.bulk_create(
        AfspraakFactory.build(arrangement=a, onderwerp=onderwerp, tekst="Bereikbaar via de portofoon.")
        for a in made for _ in range(afspraken_per_stuk))
    BoaInzet.objects.bulk_create(BoaInzetFactory.build(arrangement=a, domein="I") for a in made)
    return made


@pytest.mark.parametrize("query", [
    pytest.param({}, id="zonder-filter"),
    pytest.param({"zoek": "portofoon", "domein": "I", "evaluatie_gepland": "on", "verloopt_binnen": "365",
                  "status": "concept"}, id="met-filters"),
    pytest.param({"pagina": "2"}, id="pagina-2"),
])
def test_list_page_with_1000_arrangementen_needs_as_many_queries_as_with_5(db, client, query):
    user = GebruikerFactory()
    driehoek = DriehoekFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    onderwerp = OnderwerpFactory()
    bulk_arrangementen([driehoek], user, onderwerp, 5, afspraken_per_stuk=1)
    client.force_login(user)
    client.get(url("lijst"))  # warm the session and content-type caches
    five = count_queries(client, url("lijst"), query)

    # More rows, more clauses per row, and rows spread over more driehoeken.
    more_driehoeken = [DriehoekFactory() for _ in range(4)]
    for extra in more_driehoeken:
        lid(user, extra, Rol.LEZER)
    bulk_arrangementen([driehoek, *more_driehoeken], user, onderwerp, 995, afspraken_per_stuk=4)
    assert count_queries(client, url("lijst"), query) == five
    assert "1000 arrangementen" in html(client.get(url("lijst")))


def test_detail_page_query_count_does_not_grow_with_afspraken_comments_and_history(db, wereld, als):
    client = als(Rol.COORDINATOR)
    klein = wereld.nieuw("Klein", start="leeg")
    model = wereld.verplichte()[0]
    services.add_afspraak(arrangement=klein, user=wereld.coordinator, expected_version=1, onderwerp=model.onderwerp,
                          titel=model.titel, tekst=model.tekst, verantwoordelijke=model.verantwoordelijke,
                          modelafspraak=model)
    client.get(url("detail", klein.pk))
    small = count_queries(client, url("detail", klein.pk))

    groot = wereld.nieuw("Groot")
    reviewer = wereld.leden[Rol.REVIEWER]
    workflow.perform(arrangement=groot, action="indienen", user=wereld.coordinator)
    workflow.perform(arrangement=groot, action="goedkeuren", user=reviewer)
    workflow.perform(arrangement=groot, action="terug_naar_concept", user=wereld.coordinator)
    for afspraak in groot.afspraken.all()[:10]:
        vraag = OpmerkingFactory(arrangement=groot, afspraak=afspraak, auteur=GebruikerFactory(), opgelost=True,
                                 opgelost_door=GebruikerFactory())
        OpmerkingFactory(arrangement=groot, afspraak=afspraak, antwoord_op=vraag, auteur=GebruikerFactory())
    OpmerkingFactory.create_batch(5, arrangement=groot, auteur=reviewer)
    assert groot.afspraken.count() > 20
    assert count_queries(client, url("detail", groot.pk)) == small


def test_dashboard_query_count_does_not_grow_with_arrangementen_in_the_blocks(db, client):
    user = GebruikerFactory()
    driehoek = DriehoekFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    lid(user, driehoek, Rol.REVIEWER)
    soon = vandaag() + datetime.timedelta(days=20)

    def fill(n):
        ArrangementFactory.create_batch(n, driehoek=driehoek, aangemaakt_door=user, titel="Mijn concept")
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.TER_REVIEW, titel="Ter review")
        ArrangementFactory.create_batch(n, driehoek=driehoek, status=Status.ONDERTEKEND, geldig_tot=soon,
                                        evaluatiedatum=soon, titel="Loopt af")

    fill(1)
    client.force_login(user)
    dashboard = reverse("samenwerking:dashboard")
    client.get(dashboard)
    small = count_queries(client, dashboard)
    fill(15)
    many = count_queries(client, dashboard)
    assert many == small
    page = html(client.get(dashboard))
    assert page.count(">Mijn concept</a>") == 10
    assert page.count(">Ter review</a>") == 10
    assert page.count(">Loopt af</a>") == 20  # both in "verloopt" and in "evaluatie binnenkort"


def test_review_queue_query_count_does_not_grow(db, client):
    user = GebruikerFactory()
    driehoeken = [DriehoekFactory(), DriehoekFactory()]
    for driehoek in driehoeken:
        lid(user, driehoek, Rol.REVIEWER)
    ArrangementFactory(driehoek=driehoeken[0], status=Status.TER_REVIEW)
    client.force_login(user)
    client.get(url("te_beoordelen"))
    small = count_queries(client, url("te_beoordelen"))
    for driehoek in driehoeken:
        ArrangementFactory.create_batch(10, driehoek=driehoek, status=Status.TER_REVIEW)
    assert count_queries(client, url("te_beoordelen")) == small
    assert len(re.findall(r'href="/arrangementen/\d+/"', html(client.get(url("te_beoordelen"))))) == 21


def test_geschiedenis_page_query_count_does_not_grow_with_edits(db, wereld, als):
    client = als(Rol.COORDINATOR)
    arrangement = wereld.nieuw(start="leeg")
    onderwerp = wereld.verplichte()[0].onderwerp
    services.add_afspraak(arrangement=arrangement, user=wereld.coordinator, expected_version=1, onderwerp=onderwerp,
                          titel="Eerste afspraak", tekst="Tekst", verantwoordelijke="gemeente")
    client.get(url("geschiedenis", arrangement.pk))
    small = count_queries(client, url("geschiedenis", arrangement.pk))
    for version in range(2, 17):
        services.add_afspraak(arrangement=arrangement, user=wereld.coordinator, expected_version=version,
                              onderwerp=onderwerp, titel=f"Afspraak {version}", tekst="Tekst",
                              verantwoordelijke="gemeente")
    assert count_queries(client, url("geschiedenis", arrangement.pk)) == small


def test_vergelijk_page_query_count_does_not_grow_with_afspraken(db, wereld, als):
    client = als(Rol.COORDINATOR)
    klein_v1 = zet_status(wereld.nieuw("Klein", start="leeg"), Status.VASTGESTELD)
    klein_v2 = services.start_herziening(arrangement=klein_v1, user=wereld.coordinator)
    client.get(url("vergelijk", klein_v2.pk))
    small = count_queries(client, url("vergelijk", klein_v2.pk))
    groot_v1 = wereld.per_status["eigen"][Status.VASTGESTELD]
    groot_v2 = services.start_herziening(arrangement=groot_v1, user=wereld.coordinator)
    assert count_queries(client, url("vergelijk", groot_v2.pk)) == small
