"""The arrangementen pages as a browser uses them: the journey and refusals in Dutch (transitions, comments and
versions: test_views_overgangen.py; scoping, the list and query counts: test_views_lijst.py)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from arrangementen import services
from arrangementen.models import Afspraak, Arrangement, Status
from samenwerking.models import Rol

from ..factories import (
    GebruikerFactory,
    approve_for_all,
    lid,
    vandaag,
)
from .helpers import REFERENTIE, html

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
        **{"inzet-0-aantal_boas": "6", "inzet-0-fte": "4.5"}))
    assert response["Location"] == url("detail", arrangement.pk)
    saved = fresh(arrangement)
    assert (saved.doel, saved.geldig_tot) == ("Samen zichtbaar in de wijk.", datetime.date(2026, 12, 31))
    assert saved.inzet.values_list("aantal_boas", "fte").get(domein="I") == (6, Decimal("4.5"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("overgang", arrangement.pk, "indienen"), BEVESTIGD)
    assert fresh(arrangement).status == Status.TER_REVIEW

    client = als(Rol.REVIEWER)
    assert client.post(url("opmerking_nieuw", arrangement.pk), {"tekst": "Wie belt de meldkamer?"}).status_code == 302
    assert "Wie belt de meldkamer?" in html(client.get(url("detail", arrangement.pk)))
    reviewer = wereld.leden[Rol.REVIEWER]
    reviewer.organisatie = arrangement.partijen.get(organisatie__soort="politie").organisatie
    reviewer.save(update_fields=["organisatie"])
    client.post(url("overgang", arrangement.pk, "goedkeuren"), {"toelichting": "Akkoord.", "bevestigd": "on"})
    assert fresh(arrangement).status == Status.TER_REVIEW  # the politie approved; the other parties not yet
    assert fresh(arrangement).beoordelingen.get().organisatie == reviewer.organisatie
    approve_for_all(arrangement)
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
    # The geweldsmiddelen left this form (issue 20: per organisation, tests/arrangementen/test_geweld_oud.py).
    pytest.param({"inzet-1-aantal_boas": "-3"}, NIET_NEGATIEF, id="negatief-aantal-boas"),
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
    resubmit = {key: form.data[key] for key in form.data}
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
