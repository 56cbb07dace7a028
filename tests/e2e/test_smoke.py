"""Smoke test through a real browser: login, dashboard, driehoek, history, and WCAG 2.1 AA by axe-core."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
BERGEN = "Driehoek Bergen (L.)"
BES_GEMEENTEN = ["Baarn", "Bunschoten", "De Bilt", "Eemnes", "Soest"]
# name and roles as the members table shows them
BES_LEDEN = {
    "Carla de Coördinator": "BOA-coördinator",
    "Tom Teamchef": "beoordelaar, ondertekenaar",
    "Sanne Secretaris": "driehoeksecretaris",
    "Bert Burgemeester": "ondertekenaar",
    "Olga Officier": "beoordelaar, ondertekenaar",
    "Bas van Baarn": "beoordelaar, ondertekenaar",
    "Bea van Bunschoten": "beoordelaar, ondertekenaar",
    "Dirk de Bilt": "beoordelaar, ondertekenaar",
    "Eva van Eemnes": "beoordelaar, ondertekenaar",
    "Priya Privacy": "privacyadviseur",
}
ONJUIST = "De combinatie van gebruikersnaam en wachtwoord is onjuist"


def test_coordinator_ziet_alleen_eigen_driehoek_en_alles_is_toegankelijk(page, live_server, demo_data):
    page.goto(f"{live_server.url}/inloggen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert_no_axe_violations(page)

    login(page, live_server, "coordinator")
    expect(page.get_by_role("heading", name="Mijn driehoeken")).to_be_visible()
    kaarten = page.get_by_role("list", name="Mijn driehoeken")
    expect(kaarten.get_by_role("link", name=BES)).to_be_visible()
    expect(page.get_by_text(BERGEN)).to_have_count(0)
    assert_no_axe_violations(page)

    kaarten.get_by_role("link", name=BES).click()
    bes = demo_data["coordinator"].lidmaatschappen.get().driehoek
    expect(page).to_have_url(f"{live_server.url}/driehoeken/{bes.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(BES)
    gemeenten = page.get_by_role("list", name="Gemeenten").get_by_role("listitem")
    expect(gemeenten).to_have_count(len(BES_GEMEENTEN))
    for naam, item in zip(BES_GEMEENTEN, gemeenten.all(), strict=True):
        expect(item).to_contain_text(naam)
    leden = page.get_by_role("table", name="Leden en rollen")
    expect(leden.locator("tbody tr")).to_have_count(len(BES_LEDEN))
    for naam, rollen in BES_LEDEN.items():
        rij = leden.get_by_role("row").filter(has=page.get_by_role("cell", name=naam, exact=True))
        expect(rij).to_have_count(1)
        rollen_cel = rij.get_by_role("cell").last
        assert sorted(rollen_cel.inner_text().strip().split(", ")) == sorted(rollen.split(", ")), naam
    expect(leden.get_by_text("Bas Buitenstaander")).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Geschiedenis van deze driehoek").click()
    expect(page).to_have_url(f"{live_server.url}/driehoeken/{bes.pk}/geschiedenis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschiedenis")
    expect(page.get_by_text("Lidmaatschap van Carla de Coördinator").first).to_be_visible()
    assert_no_axe_violations(page)


def test_fout_wachtwoord_geeft_nederlandse_melding_en_houdt_gebruikersnaam(page, live_server, demo_data):
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill("helemaal-niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("alert")).to_contain_text(ONJUIST)
    expect(page).to_have_url(f"{live_server.url}/inloggen/")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("coordinator")
    expect(page.get_by_label("Wachtwoord")).to_have_value("")
    assert_no_axe_violations(page)


def test_buitenstaander_ziet_bes_niet(page, live_server, demo_data):
    login(page, live_server, "buitenstaander")
    kaarten = page.get_by_role("list", name="Mijn driehoeken")
    expect(kaarten.get_by_role("link", name=BERGEN)).to_be_visible()
    expect(page.get_by_text(BES)).to_have_count(0)


def test_lege_velden_krijgen_foutmelding_die_schermlezers_voorlezen(page, live_server, demo_data):
    """Django sets aria-invalid and aria-describedby="<id>_error" on the input; the message has that id."""
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_role("button", name="Inloggen").click()

    foutmeldingen = page.locator(".utrecht-form-field-error-message")
    expect(foutmeldingen).to_have_count(2)
    for label, foutmelding in zip(("Gebruikersnaam", "Wachtwoord"), foutmeldingen.all(), strict=True):
        veld = page.get_by_label(label)
        expect(veld).to_have_attribute("aria-invalid", "true")
        tekst = foutmelding.inner_text().strip()
        assert tekst.startswith("Dit veld is "), tekst
        expect(veld).to_have_accessible_description(tekst)
    assert_no_axe_violations(page)
