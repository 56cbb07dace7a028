"""Issue 17 in a real browser: a coordinator searches the kennisbank and reads a practice and the library; the
secretaris of BES offers one of its afspraken (names removed, the driehoek may be named); a beheerder publishes it
with an edit; a coordinator of another driehoek finds it with BES named as source. axe-core and the Nu Html Checker
check every page (tests/e2e/conftest.py)."""

import pytest
from playwright.sync_api import expect

from arrangementen import services
from arrangementen.bibliotheek import load_library
from arrangementen.models import PraktijkStatus, Praktijkvoorbeeld
from arrangementen.praktijkvoorbeelden import load_praktijkvoorbeelden
from samenwerking.models import Driehoek, Rol

from ..factories import GebruikerFactory, lid
from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kennis(demo_data):
    load_library()
    load_praktijkvoorbeelden()
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    arrangement = services.create_arrangement(driehoek=bes, user=demo_data["coordinator"],
                                              titel="Arrangement BES met een goed voorbeeld")
    andere = Driehoek.objects.exclude(pk=bes.pk).order_by("pk").first()
    collega = GebruikerFactory(username="kb_coordinator", first_name="Karel", last_name="Kennis")
    collega.set_password(DEMO_PASSWORD)
    collega.save()
    lid(collega, andere, Rol.COORDINATOR)
    return {"arrangement": arrangement, "bes": bes, "andere": andere}


def test_kennisbank_zoeken_lezen_aanbieden_publiceren_en_vinden(new_page, live_server, kennis):
    page = new_page()
    login_checked(page, live_server, "coordinator")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Kennisbank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennisbank")
    assert_no_axe_violations(page)
    page.get_by_role("textbox", name="Zoeken").fill("arrestanten")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", name="1 praktijkvoorbeeld")).to_be_visible()
    titel = "Arrestantenvervoer en identiteitsvaststelling door BOA's"
    page.get_by_role("link", name=titel).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titel)
    expect(page.get_by_text("RTIC").first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Identiteitsvaststelling via het RTIC").click()
    clause = page.locator("article", has=page.get_by_role("heading", name="Identiteitsvaststelling via het RTIC"))
    expect(clause).to_contain_text("Wanneer past deze afspraak?")
    expect(clause).to_contain_text("in 0 arrangementen")
    assert_no_axe_violations(page)
    page.get_by_role("combobox", name="Onderwerp").select_option(label="Alle onderwerpen")
    page.get_by_role("combobox", name="Niveau").select_option("strategisch")
    page.get_by_role("textbox", name="Zoeken").fill("")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", name="Samenwerking over gemeentegrenzen")).to_be_visible()
    expect(page.get_by_role("heading", name="Tactisch niveau")).to_have_count(0)
    assert_no_axe_violations(page)

    # The secretaris of BES offers the first afspraak of its arrangement.
    secretaris = new_page()
    login(secretaris, live_server, "secretaris")
    arrangement = kennis["arrangement"]
    afspraak = arrangement.afspraken.order_by("onderwerp__niveau", "volgorde").first()
    secretaris.goto(f"{live_server.url}/arrangementen/{arrangement.pk}/")
    secretaris.get_by_role("link", name=f"“{afspraak.titel}” aanbieden als praktijkvoorbeeld").click()
    expect(secretaris.get_by_label("Titel")).to_have_value(afspraak.titel)
    expect(secretaris.get_by_text("Verwijder namen en contactgegevens.")).to_be_visible()
    assert_no_axe_violations(secretaris)
    secretaris.get_by_label("Wat werkte").fill("Vraag het aan Piet, 06-12345678.")
    secretaris.get_by_role("button", name="Aanbieden").click()
    expect(secretaris.get_by_text("Verwijder namen en contactgegevens en vink dit daarna aan.")).to_be_visible()
    expect(secretaris.get_by_text("Verwijder contactgegevens (e-mailadres of telefoonnummer): 06-12345678")
           ).to_be_visible()
    expect(secretaris.get_by_label("Wat werkte")).to_have_value("Vraag het aan Piet, 06-12345678.")
    assert_no_axe_violations(secretaris)
    secretaris.get_by_label("Wat werkte").fill("Iedereen kent de afspraak; minder discussie op straat.")
    secretaris.get_by_label("Onze driehoek mag bij het voorbeeld worden genoemd").check()
    secretaris.get_by_label("Ik heb namen van personen en contactgegevens uit de tekst verwijderd").check()
    secretaris.get_by_role("button", name="Aanbieden").click()
    expect_message(secretaris, "Aangeboden. Een beheerder beoordeelt het voorbeeld voordat anderen het in de "
                               "kennisbank zien.")
    aanbod = Praktijkvoorbeeld.objects.get(status=PraktijkStatus.AANGEBODEN)

    # A beheerder publishes it with a sharper title.
    beheer = new_page()
    login(beheer, live_server, "beheerder")
    beheer.goto(f"{live_server.url}/kennisbank/aanbiedingen/")
    assert_no_axe_violations(beheer)
    beheer.get_by_role("link", name=aanbod.titel).click()
    assert_no_axe_violations(beheer)
    beheer.get_by_label("Titel").fill("Goed voorbeeld uit BES")
    beheer.get_by_label("Publiceren in de kennisbank").check()
    beheer.get_by_role("button", name="Besluit opslaan").click()
    expect_message(beheer, "Gepubliceerd: het voorbeeld staat nu in de kennisbank.")
    expect(beheer.get_by_text("Er wachten geen aangeboden voorbeelden op beoordeling.")).to_be_visible()

    # A coordinator of another driehoek finds it, with BES named.
    ander = new_page()
    login(ander, live_server, "kb_coordinator")
    ander.goto(f"{live_server.url}/kennisbank/?tekst=BES")
    ander.get_by_role("link", name="Goed voorbeeld uit BES").click()
    expect(ander.get_by_text("Iedereen kent de afspraak; minder discussie op straat.")).to_be_visible()
    expect(ander.locator("dd", has_text="Basisteamdriehoek BES")).to_be_visible()
    assert_no_axe_violations(ander)
