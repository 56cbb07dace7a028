"""The BOA-coördinator's own work, in a real browser: an arrangement built clause by clause from the library
(start empty, take clauses over, write one, reorder, delete), parties, a comment on the whole arrangement,
withdrawing a draft; Mijn actiepunten and the calendar link; the "over" page; the error pages a user can reach
(404, 403) and logging out.

Nu Html Checker and axe-core check every page served (conftest `page_checks`); the explicit axe calls below
are for page states that only exist after interaction.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from arrangementen.bibliotheek import load_library

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
TITEL = "Arrangement BES evenementen"
UIT_BIBLIOTHEEK = "Gedeelde uitgangspunten"  # strategisch, "Gemeenschappelijke waarden", not mandatory
EIGEN = "Gezamenlijke evaluatie na elk evenement"
EIGEN_TEKST = "Na elk groot evenement evalueren politie en BOA's binnen twee weken de samenwerking."


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name=name).click()


def afspraak(page: Page, titel: str):
    return page.get_by_role("article", name=titel, exact=True)


def test_coordinator_bouwt_arrangement_uit_de_bibliotheek_en_vindt_zijn_weg(page, live_server, demo_data,
                                                                         page_checks):
    load_library()
    login_checked(page, live_server, "coordinator")

    # The "over" page ---------------------------------------------------------------------------------------
    nav(page, "Over deze applicatie")
    expect(page).to_have_url(f"{live_server.url}/over/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Over deze applicatie")
    expect(page.get_by_role("heading", name="Bronnen van de referentiegegevens")).to_be_visible()

    # An empty arrangement lists the mandatory clauses it still misses ---------------------------------------
    nav(page, "Arrangementen")
    page.get_by_role("link", name="Nieuw arrangement").click()
    page.get_by_role("button", name="Arrangement aanmaken").click()  # nothing filled in
    expect(page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.get_by_label("Driehoek").select_option(label=BES)
    page.get_by_label("Titel").fill(TITEL)
    page.get_by_role("radio", name="een leeg arrangement").check()
    page.get_by_role("button", name="Arrangement aanmaken").click()
    expect_message(page, "Het arrangement is aangemaakt als concept.")
    detail_url = page.url
    assert re.fullmatch(rf"{re.escape(live_server.url)}/arrangementen/\d+/", detail_url), detail_url
    ontbrekend = page.get_by_role("note").filter(has_text="Deze verplichte afspraken ontbreken nog")
    expect(ontbrekend).to_be_visible()
    expect(page.get_by_text("Geen afspraken op dit niveau.").first).to_be_visible()

    # A clause taken over from the library ------------------------------------------------------------------
    page.get_by_role("link", name="Afspraak toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afspraak toevoegen")
    page.get_by_role("button", name="Afspraak opslaan").click()  # neither library nor own text
    expect(page.get_by_label("Titel")).to_have_accessible_description(re.compile("Geef de afspraak een titel."))
    assert_no_axe_violations(page)
    page.get_by_label("Overnemen uit de bibliotheek").select_option(label=UIT_BIBLIOTHEEK)
    page.get_by_role("button", name="Afspraak opslaan").click()
    expect_message(page, "De afspraak is opgeslagen.")
    expect(afspraak(page, UIT_BIBLIOTHEEK)).to_be_visible()

    # ... and one written by the coordinator under the same subject -----------------------------------------
    page.get_by_role("link", name="Afspraak toevoegen").click()
    onderwerp = page.get_by_label("Onderwerp")
    waarde = onderwerp.locator("option", has_text="Gemeenschappelijke waarden").get_attribute("value")
    onderwerp.select_option(value=waarde)
    page.get_by_label("Titel").fill(EIGEN)
    page.get_by_label("Tekst").fill(EIGEN_TEKST)
    expect(page.get_by_label("Verantwoordelijke").locator("option")).to_have_text([
        "Kies wie verantwoordelijk is", "gemeente", "politie", "Openbaar Ministerie", "terreinbeheerder",
        "vervoerder", "omgevingsdienst", "provincie", "waterschap", "gezamenlijk"])
    page.get_by_label("Verantwoordelijke").select_option(index=1)
    page.get_by_role("button", name="Afspraak opslaan").click()
    expect_message(page, "De afspraak is opgeslagen.")
    titels = page.locator("article.app-afspraak h5")
    expect(titels).to_have_text([UIT_BIBLIOTHEEK, EIGEN])

    # Reorder, then delete --------------------------------------------------------------------------------
    page.get_by_role("button", name=f"“{EIGEN}” omhoog").click()
    expect_message(page, "De volgorde is aangepast.")
    expect(titels).to_have_text([EIGEN, UIT_BIBLIOTHEEK])
    page.get_by_role("button", name=f"“{UIT_BIBLIOTHEEK}” verwijderen").click()
    expect_message(page, "De afspraak is verwijderd.")
    expect(titels).to_have_text([EIGEN])

    # Parties: remove one and add it again -----------------------------------------------------------------
    partijen = page.get_by_role("table", name="Partijen")
    eerste = partijen.locator("tbody tr").first.get_by_role("cell").first.inner_text().strip()
    aantal = partijen.locator("tbody tr").count()
    partijen.get_by_role("button", name=f"{eerste} verwijderen").click()
    expect_message(page, "De partij is verwijderd.")
    expect(partijen.locator("tbody tr")).to_have_count(aantal - 1)
    page.get_by_role("link", name="Partij toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partij toevoegen")
    page.get_by_role("button", name="Partij toevoegen").click()
    expect(page.get_by_label("Organisatie")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.get_by_label("Organisatie").select_option(label=eerste)
    page.get_by_label("Functie van de ondertekenaar").fill("burgemeester")
    page.get_by_role("button", name="Partij toevoegen").click()
    expect_message(page, "De partij is toegevoegd.")
    expect(partijen.get_by_role("cell", name=eerste, exact=True)).to_be_visible()

    # A BOA-werkgever that is not in the list yet: a terreinbeheerder --------------------------------------
    page.get_by_role("link", name="Partij toevoegen").click()
    page.get_by_label("Of een andere BOA-werkgever: naam").fill("Staatsbosbeheer")
    page.get_by_label("Functie van de ondertekenaar").fill("regiodirecteur")
    page.get_by_role("button", name="Partij toevoegen").click()  # the soort is missing
    soort = page.get_by_label("Soort van die BOA-werkgever")
    expect(soort).to_have_attribute("aria-invalid", "true")
    expect(soort).to_have_accessible_description(re.compile("Kies het soort van de nieuwe organisatie."))
    expect(page.get_by_label("Of een andere BOA-werkgever: naam")).to_have_value("Staatsbosbeheer")
    assert_no_axe_violations(page)
    soort.select_option(label="terreinbeheerder")
    page.get_by_label("Wie tekent namens deze partij").select_option(label="een bestuurder of directeur")
    page.get_by_role("button", name="Partij toevoegen").click()
    expect_message(page, "De partij is toegevoegd.")
    expect(partijen.locator("tbody tr").last.get_by_role("cell").nth(0)).to_have_text("Staatsbosbeheer")
    expect(partijen.locator("tbody tr").last.get_by_role("cell").nth(1)).to_have_text("regiodirecteur")
    expect(partijen.locator("tbody tr")).to_have_count(aantal + 1)

    # A comment on the whole arrangement ------------------------------------------------------------------
    algemeen = page.locator("details").filter(has_text="Opmerking bij het hele arrangement")
    algemeen.get_by_text("Opmerking bij het hele arrangement").click()
    algemeen.get_by_label("Uw opmerking").fill("Eerst de evenementenkalender van Soest afwachten.")
    assert_no_axe_violations(page)  # with the comment form open
    algemeen.get_by_role("button", name="Opmerking plaatsen").click()
    expect_message(page, "Uw opmerking is geplaatst.")
    expect(page.get_by_role("article", name="Opmerking van Carla de Coördinator")).to_contain_text(
        "evenementenkalender")

    # History of this draft, then withdraw it ----------------------------------------------------------------
    page.get_by_role("link", name="Geschiedenis en wijzigingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschiedenis")
    expect(page.locator("ol.app-timeline > li").filter(has_text=f"Afspraak “{UIT_BIBLIOTHEEK}”").first).to_be_visible()
    page.goto(detail_url)
    page.get_by_role("region", name="Wat u nu kunt doen").get_by_role("link", name="Intrekken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intrekken")
    page.get_by_label("Toelichting").fill("Wordt opgenomen in het jaararrangement.")
    page.get_by_role("button", name="Intrekken").click()
    expect_message(page, "Het arrangement heeft nu de status 'ingetrokken'.")

    # Mijn actiepunten and the calendar link ------------------------------------------------------------
    nav(page, "Mijn actiepunten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn actiepunten")
    page.get_by_role("link", name="Herinneringen en agendakoppeling instellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn instellingen voor actiepunten")
    page.get_by_role("button", name="Agendaadres maken").click()
    nieuw_adres = page.get_by_role("status").filter(has_text="Uw nieuwe agendaadres")
    expect(nieuw_adres).to_contain_text(re.compile(r"/actiepunten/agenda/[^/\s]+\.ics"))
    feed = page.request.get(nieuw_adres.locator("code").inner_text().strip())
    assert feed.ok and feed.text().startswith("BEGIN:VCALENDAR"), feed.status
    page.get_by_role("button", name="Agendakoppeling intrekken").click()
    expect_message(page, "De agendakoppeling is ingetrokken.")

    # Error pages a user can reach: a missing page (404) and a page for beheerders only (403) ------------
    onbekend = f"{live_server.url}/arrangementen/999999/"
    page_checks.expect_status(onbekend, 404)
    response = page.goto(onbekend)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    page.get_by_role("link", name="Naar mijn driehoeken").click()
    expect(page).to_have_url(f"{live_server.url}/")

    logboek = f"{live_server.url}/beveiliging/logboek/"
    page_checks.expect_status(logboek, 403)
    response = page.goto(logboek)
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toestemming")

    # Logging out leads back to the login page -----------------------------------------------------------
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(f"{live_server.url}/inloggen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")


def test_anonieme_bezoeker_ziet_nederlandse_404_en_moet_inloggen(page, live_server, demo_data, page_checks):
    onbekend = f"{live_server.url}/bestaat-niet/"
    page_checks.expect_status(onbekend, 404)
    response = page.goto(onbekend)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/actiepunten/")
    expect(page).to_have_url(f"{live_server.url}/inloggen/?next=/actiepunten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.goto(f"{live_server.url}/over/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Over deze applicatie")
