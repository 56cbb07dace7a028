"""Issue 3 acceptance: the whole life of an arrangement up to the vaststelling, in a real browser.

The coordinator drafts from the standard model and submits; the teamchef comments on an afspraak and asks for
changes; the coordinator sees the comment, revises and resubmits; the teamchef approves; the secretaris records
the driehoek's vaststelling. Every user works in an own browser context, every outcome is checked on screen,
and axe-core checks every distinct page (and page state) on the way for WCAG 2.1 AA.
"""

import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement

from ..factories import approve_for_all
from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
TITEL = "Handhavingsarrangement BES 2026"
AFSPRAAK = "Roosters en bereikbaarheid"  # a suggested (not mandatory) clause of the standard model
DOEL = "Politie en BOA's in de vijf BES-gemeenten werken volgens één set afspraken."
OPMERKING = "Noem ook wie buiten kantoortijd het eerste aanspreekpunt is."
VRAAG = "Graag de bereikbaarheid buiten kantoortijd aanvullen, zie mijn opmerking."
AANVULLING = "Buiten kantoortijd is de dienstdoende operationeel expert het eerste aanspreekpunt."
AKKOORD = "Akkoord namens het basisteam."
REFERENTIE = "Verslag driehoek BES 2026-03, agendapunt 4"

CARLA, TOM, SANNE = "Carla de Coördinator", "Tom Teamchef", "Sanne Secretaris"


# --- small readers of the detail page ------------------------------------------------------------------------

def status_of(page: Page):
    """The arrangement's status as the detail page shows it (first definition list, "Status")."""
    return page.locator("xpath=//main//dt[normalize-space()='Status']/following-sibling::dd[1]").first


def acties(page: Page):
    return page.get_by_role("region", name="Wat u nu kunt doen")


def tijdlijn(page: Page):
    return page.locator("h2#tijdlijn + ol.app-timeline > li")


def afspraak(page: Page, titel: str = AFSPRAAK):
    return page.get_by_role("article", name=titel, exact=True)


def expect_status(page: Page, status: str) -> None:
    expect(status_of(page)).to_have_text(status)


def do_transition(page: Page, live_server, pk: int, label: str, action: str, expected_status: str, *,
                  toelichting: str = "", check_page=None) -> None:
    """From the detail page: follow the action link, check the confirmation page (axe), confirm."""
    acties(page).get_by_role("link", name=label, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/arrangementen/{pk}/status/{action}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    expect(page.get_by_text(f"Arrangement “{TITEL}”, versie 1")).to_be_visible()
    assert_no_axe_violations(page)
    if check_page:
        check_page(page)
    if toelichting:
        page.get_by_label("Toelichting").fill(toelichting)
    page.get_by_role("button", name=label, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/arrangementen/{pk}/")
    expect_message(page, f"Het arrangement heeft nu de status '{expected_status}'.")
    expect_status(page, expected_status)


# --- the journey ---------------------------------------------------------------------------------------------

def test_van_concept_tot_vaststelling_met_opmerking_en_herziening(page, new_page, live_server, demo_data):
    load_library()

    # 1. The coordinator drafts from the standard model ------------------------------------------------------
    coordinator = page
    login_checked(coordinator, live_server, "coordinator")
    coordinator.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Arrangementen").click()
    expect(coordinator).to_have_url(f"{live_server.url}/arrangementen/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Arrangementen")
    expect(coordinator.get_by_role("heading", name="0 arrangementen")).to_be_visible()
    expect(coordinator.get_by_text("Geen arrangementen gevonden met deze filters.")).to_be_visible()
    assert_no_axe_violations(coordinator)

    coordinator.get_by_role("link", name="Nieuw arrangement").click()
    expect(coordinator).to_have_url(f"{live_server.url}/arrangementen/nieuw/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Nieuw arrangement")
    assert_no_axe_violations(coordinator)
    coordinator.get_by_label("Driehoek").select_option(label=BES)
    coordinator.get_by_label("Titel").fill(TITEL)
    coordinator.get_by_role("radio", name=re.compile("^het standaardmodel")).check()
    coordinator.get_by_role("button", name="Arrangement aanmaken").click()

    expect(coordinator).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/arrangementen/\d+/$"))
    pk = int(coordinator.url.rstrip("/").rsplit("/", 1)[1])
    detail_url = f"{live_server.url}/arrangementen/{pk}/"
    expect_message(coordinator, "Het arrangement is aangemaakt als concept.")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(TITEL)
    expect_status(coordinator, "concept")
    # The standard model brings every mandatory clause, so nothing blocks submitting.
    expect(coordinator.get_by_text("Deze verplichte afspraken ontbreken nog")).to_have_count(0)
    expect(afspraak(coordinator)).to_be_visible()
    expect(afspraak(coordinator, "Noodmelding geldt als assistentie collega verplicht")).to_be_visible()
    # Every gemeente of the driehoek with its burgemeester, the eenheid and the parket that serves BES.
    partijen = coordinator.get_by_role("table", name="Partijen").locator("tbody tr")
    expect(partijen.locator("td:nth-child(1)")).to_have_text([
        "Gemeente Baarn", "Gemeente Bunschoten", "Gemeente De Bilt", "Gemeente Eemnes", "Gemeente Soest",
        "Politie Eenheid Midden-Nederland", "Arrondissementsparket Midden-Nederland"])
    expect(partijen.locator("td:nth-child(2)")).to_have_text([
        *["burgemeester"] * 5, "teamchef, namens de politiechef",
        "officier van justitie, namens de hoofdofficier van justitie"])
    expect(tijdlijn(coordinator)).to_have_count(1)
    expect(tijdlijn(coordinator).first).to_contain_text(f"Aangemaakt door {CARLA}")
    expect(acties(coordinator).get_by_role("link")).to_have_text(
        ["Gegevens bewerken", "Ter beoordeling aanbieden", "Intrekken"])
    assert_no_axe_violations(coordinator)

    acties(coordinator).get_by_role("link", name="Gegevens bewerken").click()
    expect(coordinator).to_have_url(f"{detail_url}bewerken/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"{TITEL} bewerken")
    assert_no_axe_violations(coordinator)
    coordinator.get_by_label("Doel").fill(DOEL)
    coordinator.get_by_role("button", name="Opslaan", exact=True).click()
    expect(coordinator).to_have_url(detail_url)
    expect_message(coordinator, "De wijzigingen zijn opgeslagen.")
    expect(coordinator.get_by_text(DOEL)).to_be_visible()

    # ... and submits it for review.
    do_transition(coordinator, live_server, pk, "Ter beoordeling aanbieden", "indienen", "ter beoordeling",
                  toelichting="Eerste versie voor het tactisch overleg.")
    expect(tijdlijn(coordinator).last).to_contain_text(f"Van concept naar ter beoordeling door {CARLA}")
    expect(tijdlijn(coordinator).last).to_contain_text("Toelichting: Eerste versie voor het tactisch overleg.")
    # Under review the content is frozen: no edit links any more.
    expect(coordinator.get_by_role("link", name=f"Bewerk “{AFSPRAAK}”")).to_have_count(0)
    expect(acties(coordinator).get_by_role("link")).to_have_text(
        ["Terug naar concept om te bewerken", "Intrekken"])
    assert_no_axe_violations(coordinator)

    # 2. The teamchef comments on an afspraak and asks for changes -------------------------------------------
    teamchef = new_page()
    login_checked(teamchef, live_server, "teamchef")
    teamchef.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Te beoordelen").click()
    expect(teamchef).to_have_url(f"{live_server.url}/arrangementen/te-beoordelen/")
    expect(teamchef.get_by_role("heading", level=1)).to_have_text("Te beoordelen")
    expect(teamchef.get_by_role("listitem").filter(has_text=TITEL)).to_contain_text(f"{BES}, versie 1")
    assert_no_axe_violations(teamchef)

    teamchef.get_by_role("link", name=TITEL).click()
    expect(teamchef).to_have_url(detail_url)
    expect_status(teamchef, "ter beoordeling")
    expect(acties(teamchef).get_by_role("link")).to_have_text(["Goedkeuren", "Wijzigingen vragen"])
    expect(teamchef.get_by_role("link", name=f"Bewerk “{AFSPRAAK}”")).to_have_count(0)

    kaart = afspraak(teamchef)
    kaart.get_by_text("Opmerking bij deze afspraak").click()
    kaart.get_by_label("Uw opmerking").fill(OPMERKING)
    assert_no_axe_violations(teamchef)  # with the comment form open
    kaart.get_by_role("button", name="Opmerking plaatsen").click()
    expect(teamchef).to_have_url(f"{detail_url}#afspraak-{_afspraak_pk(pk)}")
    expect_message(teamchef, "Uw opmerking is geplaatst.")
    opmerking = afspraak(teamchef).get_by_role("article", name=f"Opmerking van {TOM}")
    expect(opmerking).to_contain_text(OPMERKING)

    def toelichting_verplicht(confirmation: Page):
        # Asking for changes without saying why is refused, with the reason next to the field.
        confirmation.get_by_role("button", name="Wijzigingen vragen").click()
        veld = confirmation.get_by_label("Toelichting")
        expect(veld).to_have_attribute("aria-invalid", "true")
        expect(veld).to_have_accessible_description(
            re.compile("Geef een toelichting: de andere partijen lezen waarom."))
        assert Arrangement.objects.get(pk=pk).status == "ter_review"
        assert_no_axe_violations(confirmation)

    do_transition(teamchef, live_server, pk, "Wijzigingen vragen", "wijzigingen_vragen", "wijzigingen gevraagd",
                  toelichting=VRAAG, check_page=toelichting_verplicht)
    beoordelingen = teamchef.locator("h2#beoordelingen + ul > li")
    expect(beoordelingen).to_have_count(1)
    expect(beoordelingen.first).to_contain_text(f"Wijzigingen gevraagd door {TOM}")
    expect(beoordelingen.first).to_contain_text(VRAAG)
    expect(acties(teamchef)).to_have_count(0)
    assert_no_axe_violations(teamchef)

    teamchef.get_by_role("link", name="Te beoordelen").click()
    expect(teamchef.get_by_text("Er ligt niets ter beoordeling bij u.")).to_be_visible()
    assert_no_axe_violations(teamchef)

    # 3. The coordinator reads the comment, revises and resubmits --------------------------------------------
    coordinator.goto(detail_url)
    expect_status(coordinator, "wijzigingen gevraagd")
    opmerking = afspraak(coordinator).get_by_role("article", name=f"Opmerking van {TOM}")
    expect(opmerking).to_contain_text(OPMERKING)
    expect(tijdlijn(coordinator).last).to_contain_text(
        f"Van ter beoordeling naar wijzigingen gevraagd door {TOM}")
    expect(tijdlijn(coordinator).last).to_contain_text(f"Toelichting: {VRAAG}")
    expect(acties(coordinator).get_by_role("link")).to_have_text(
        ["Terug naar concept om te bewerken", "Intrekken"])
    assert_no_axe_violations(coordinator)

    do_transition(coordinator, live_server, pk, "Terug naar concept om te bewerken", "terug_naar_concept",
                  "concept")
    expect(coordinator.locator("h2#beoordelingen + ul > li").first).to_contain_text(
        "vervallen: daarna opnieuw bewerkt")

    coordinator.get_by_role("link", name=f"Bewerk “{AFSPRAAK}”").click()
    expect(coordinator).to_have_url(f"{detail_url}afspraken/{_afspraak_pk(pk)}/bewerken/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Afspraak bewerken")
    tekst = coordinator.get_by_label("Tekst")
    oude_tekst = tekst.input_value()
    assert oude_tekst, "de tekst uit het standaardmodel hoort al ingevuld te zijn"
    assert_no_axe_violations(coordinator)
    tekst.fill(f"{oude_tekst} {AANVULLING}")
    coordinator.get_by_role("button", name="Afspraak opslaan").click()
    expect(coordinator).to_have_url(detail_url)
    expect_message(coordinator, "De afspraak is opgeslagen.")
    expect(afspraak(coordinator)).to_contain_text(AANVULLING)

    opmerking = afspraak(coordinator).get_by_role("article", name=f"Opmerking van {TOM}")
    opmerking.get_by_text("Reageren").click()
    opmerking.get_by_label("Uw reactie").fill("Aangevuld in de tekst.")
    opmerking.get_by_role("button", name="Reactie plaatsen").click()
    expect_message(coordinator, "Uw opmerking is geplaatst.")
    opmerking = afspraak(coordinator).get_by_role("article", name=f"Opmerking van {TOM}")
    expect(opmerking.locator(".app-comment__reply")).to_contain_text(f"{CARLA}")
    expect(opmerking.locator(".app-comment__reply")).to_contain_text("Aangevuld in de tekst.")
    opmerking.get_by_role("button", name="Markeer als opgelost").click()
    opmerking = afspraak(coordinator).get_by_role("article", name=f"Opmerking van {TOM}")
    expect(opmerking).to_contain_text(f"opgelost door {CARLA}")
    expect(opmerking.get_by_role("button", name="Weer openen")).to_be_visible()
    assert_no_axe_violations(coordinator)  # concept again, with an answered and resolved comment

    do_transition(coordinator, live_server, pk, "Ter beoordeling aanbieden", "indienen", "ter beoordeling",
                  toelichting="Bereikbaarheid buiten kantoortijd aangevuld.")
    expect(tijdlijn(coordinator)).to_have_count(5)

    # 4. The teamchef approves --------------------------------------------------------------------------------
    teamchef.get_by_role("link", name="Te beoordelen").click()
    teamchef.get_by_role("link", name=TITEL).click()
    expect(teamchef).to_have_url(detail_url)
    expect_status(teamchef, "ter beoordeling")
    expect(afspraak(teamchef)).to_contain_text(AANVULLING)
    acties(teamchef).get_by_role("link", name="Goedkeuren", exact=True).click()
    assert_no_axe_violations(teamchef)
    teamchef.get_by_label("Toelichting").fill(AKKOORD)
    teamchef.get_by_role("button", name="Goedkeuren", exact=True).click()
    expect(teamchef).to_have_url(detail_url)
    # Review per party: the politie approved, the other parties have not yet.
    expect_message(teamchef, "Uw goedkeuring is vastgelegd. Het arrangement wacht nog op de goedkeuring van: "
                             "Gemeente Baarn, Gemeente Bunschoten, Gemeente De Bilt, Gemeente Eemnes, "
                             "Arrondissementsparket Midden-Nederland.")
    expect_status(teamchef, "ter beoordeling")
    per_partij = teamchef.locator("h2#beoordeling-per-partij + ul > li")
    expect(per_partij.filter(has_text=f"goedgekeurd door {TOM}")).to_have_count(1)
    expect(per_partij.filter(has_text="nog niet beoordeeld").first).to_be_visible()
    assert_no_axe_violations(teamchef)
    approve_for_all(Arrangement.objects.get(pk=pk))  # the other parties (each its own browser journey elsewhere)
    teamchef.reload()
    expect_status(teamchef, "goedgekeurd")
    beoordelingen = teamchef.locator("h2#beoordelingen + ul > li")
    expect(beoordelingen.filter(has_text=f"Goedgekeurd door {TOM}")).to_have_count(1)
    expect(beoordelingen.filter(has_text=f"Goedgekeurd door {TOM}")).to_contain_text(AKKOORD)
    expect(tijdlijn(teamchef).last).to_contain_text("Van ter beoordeling naar goedgekeurd door")
    assert_no_axe_violations(teamchef)

    # 5. The secretaris finds it and records the vaststelling -------------------------------------------------
    secretaris = new_page()
    login_checked(secretaris, live_server, "secretaris")
    secretaris.goto(f"{live_server.url}/arrangementen/")
    filters = secretaris.get_by_role("search", name="Arrangementen zoeken en filteren")
    filters.get_by_label("Zoeken").fill("BES 2026")
    filters.get_by_label("Status").select_option(label="goedgekeurd")
    filters.get_by_role("button", name="Toon resultaten").click()
    expect(secretaris.get_by_role("heading", name="1 arrangement", exact=True)).to_be_visible()
    rij = secretaris.get_by_role("table", name="1 arrangement").get_by_role("row").filter(has_text=TITEL)
    expect(rij.get_by_role("cell").nth(3)).to_have_text("goedgekeurd")
    assert_no_axe_violations(secretaris)  # the list with filters applied

    rij.get_by_role("link", name=TITEL).click()
    expect(secretaris).to_have_url(detail_url)
    expect_status(secretaris, "goedgekeurd")
    expect(acties(secretaris).get_by_role("link")).to_have_text(
        ["Vaststelling door de driehoek vastleggen", "Intrekken"])
    assert_no_axe_violations(secretaris)

    vandaag = timezone.localdate()

    def datum_en_referentie_verplicht(confirmation: Page):
        confirmation.get_by_role("button", name="Vaststelling door de driehoek vastleggen").click()
        datum = confirmation.get_by_label("Datum besluit driehoek")
        referentie = confirmation.get_by_label("Referentie besluit")
        expect(datum).to_have_accessible_description(
            re.compile("Vul de datum van het besluit van de driehoek in."))
        expect(referentie).to_have_accessible_description(re.compile("Vul de referentie van het besluit in"))
        assert_no_axe_violations(confirmation)
        datum.fill(vandaag.isoformat())
        referentie.fill(REFERENTIE)

    do_transition(secretaris, live_server, pk, "Vaststelling door de driehoek vastleggen", "vaststellen",
                  "vastgesteld", toelichting="Vastgesteld in het driehoeksoverleg.",
                  check_page=datum_en_referentie_verplicht)
    with translation.override("nl"):
        datum_tekst = date_format(vandaag, "j F Y")
    vastgesteld = secretaris.locator(
        "xpath=//main//dt[normalize-space()='Vastgesteld door de driehoek']/following-sibling::dd[1]")
    expect(vastgesteld).to_have_text(f"{datum_tekst} ({REFERENTIE})")
    expect(tijdlijn(secretaris)).to_have_count(7)
    expect(tijdlijn(secretaris)).to_contain_text([
        f"Aangemaakt door {CARLA}",
        f"Van concept naar ter beoordeling door {CARLA}",
        f"Van ter beoordeling naar wijzigingen gevraagd door {TOM}",
        f"Van wijzigingen gevraagd naar concept door {CARLA}",
        f"Van concept naar ter beoordeling door {CARLA}",
        # the last party to approve was one of the other parties (approve_for_all above), not the teamchef
        re.compile("Van ter beoordeling naar goedgekeurd door "),
        f"Van goedgekeurd naar vastgesteld door {SANNE}",
    ])
    # The secretaris can now start the PDF for signing (tested end to end in test_signing.py).
    document = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(document.get_by_role("button", name="PDF voor ondertekening maken")).to_be_visible()
    assert_no_axe_violations(secretaris)

    # The history shows who changed what, including the revised text as a word diff.
    secretaris.get_by_role("link", name="Geschiedenis en wijzigingen").click()
    expect(secretaris).to_have_url(f"{detail_url}geschiedenis/")
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Geschiedenis")
    gebeurtenissen = secretaris.locator("ol.app-timeline > li")
    gewijzigd = gebeurtenissen.filter(has_text=f"Afspraak “{AFSPRAAK}” gewijzigd door {CARLA}")
    expect(gewijzigd).to_have_count(1)
    expect(gewijzigd.locator("ins")).to_contain_text(AANVULLING.split()[0])
    expect(gebeurtenissen.filter(has_text=f"Arrangement gewijzigd door {SANNE}")).to_contain_text(
        "Vaststelling door de driehoek vastleggen")
    expect(gebeurtenissen.filter(has_text=f"Arrangement gewijzigd door {TOM}").first).to_be_visible()
    assert_no_axe_violations(secretaris)

    # 6. A herziening makes version 2; the two versions can be compared ---------------------------------------
    coordinator.goto(detail_url)
    expect_status(coordinator, "vastgesteld")
    coordinator.get_by_role("button", name="Herziening starten (nieuwe versie)").click()
    expect_message(coordinator, "Versie 2 is aangemaakt als concept.")
    expect(coordinator).not_to_have_url(detail_url)
    expect_status(coordinator, "concept")
    expect(coordinator.get_by_role("link", name="versie 1", exact=True)).to_have_attribute(
        "href", f"/arrangementen/{pk}/")
    coordinator.get_by_role("link", name="Versies vergelijken").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Versies vergelijken")
    expect(coordinator.get_by_label("Oudere versie")).to_have_value(str(pk))
    expect(coordinator.get_by_text("0 afspraken zijn toegevoegd, verwijderd of gewijzigd.")).to_be_visible()
    assert_no_axe_violations(coordinator)


def _afspraak_pk(arrangement_pk: int) -> int:
    return Arrangement.objects.get(pk=arrangement_pk).afspraken.get(titel=AFSPRAAK).pk
