"""Two-step verification in the browser: a new reviewer links an app, keeps the recovery codes, and from then
on gives a code after the password. axe-core and the Nu Html Checker run on every page (see conftest)."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from samenwerking.models import Driehoek, Gebruiker, Rol
from samenwerking.services import grant_membership

from ..mfa import code_for
from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the key typed over from the page."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def test_nieuwe_beoordelaar_koppelt_een_app_en_logt_daarna_met_code_in(page, live_server, demo_data):
    nieuw = Gebruiker.objects.create_user("nieuwe-oe", password=DEMO_PASSWORD, first_name="Nina",
                                          last_name="Nieuw", functie="Operationeel expert")
    grant_membership(gebruiker=nieuw, driehoek=Driehoek.objects.get(naam="Basisteamdriehoek BES"),
                     rol=Rol.REVIEWER)

    page.goto(f"{live_server.url}/arrangementen/")
    page.get_by_label("Gebruikersnaam").fill("nieuwe-oe")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    # Straight to setting up: the role asks for it, and nothing else opens first.
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/instellen/\?next=%2Farrangementen%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    expect(page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/instellen/\?next=%2F$"))

    # A wrong code keeps the page, with the message next to the field.
    page.get_by_label("Verificatiecode").fill("12345")
    page.get_by_role("button", name="App koppelen").click()
    veld = page.get_by_label("Verificatiecode")
    expect(veld).to_have_attribute("aria-invalid", "true")
    expect(veld).to_have_accessible_description(re.compile("Deze code klopt niet"))
    assert_no_axe_violations(page)

    page.wait_for_timeout(1_100)  # one wrong code: a second's patience
    secret = page.locator(".app-geheim").inner_text()
    page.get_by_label("Verificatiecode").fill(code_from_secret(secret))
    page.get_by_role("button", name="App koppelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    codes = page.get_by_role("list", name="Herstelcodes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    expect(page).to_have_url(f"{live_server.url}/")  # where the user last wanted to go

    # The account page says what is set up.
    page.goto(f"{live_server.url}/account/tweestapsverificatie/")
    expect(page.get_by_text("U heeft nog 10 ongebruikte herstelcodes.")).to_be_visible()
    assert_no_axe_violations(page)

    # Next login: password, then the code from the app.
    page.get_by_role("button", name="Uitloggen").click()
    login(page, live_server, "nieuwe-oe")
    expect(page.get_by_role("heading", name="Mijn driehoeken")).to_be_visible()


def test_herstelcode_in_plaats_van_de_app(page, live_server, demo_data):
    from samenwerking import tweestaps

    codes = tweestaps.new_recovery_codes(demo_data["secretaris"])
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("secretaris")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede stap: verificatiecode")
    assert_no_axe_violations(page)
    page.get_by_label("Verificatiecode").fill(codes[0])
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect_message(page, "U heeft een herstelcode gebruikt; u heeft er nog 9. Maak nieuwe herstelcodes aan als u "
                         "uw app kwijt bent, of koppel een nieuwe app.")
    assert_no_axe_violations(page)


def test_nieuwe_herstelcodes_en_een_api_token_vragen_wachtwoord_en_code(page, live_server, demo_data):
    """Ook in een geverifieerde sessie: eerst wachtwoord en een actuele code, dan pas codes of een token."""
    from samenwerking.models import ApiToken

    login(page, live_server, "secretaris")
    page.goto(f"{live_server.url}/account/tweestapsverificatie/")
    formulier = page.locator("form", has=page.get_by_role("button", name="Nieuwe herstelcodes maken"))
    formulier.get_by_label("Uw wachtwoord").fill("niet-het-wachtwoord")
    formulier.get_by_label("Huidige verificatiecode").fill(code_for(demo_data["secretaris"]))
    formulier.get_by_role("button", name="Nieuwe herstelcodes maken").click()
    veld = page.get_by_label("Uw wachtwoord")
    expect(veld).to_have_attribute("aria-invalid", "true")
    expect(veld).to_have_accessible_description(re.compile("Het wachtwoord klopt niet"))
    assert_no_axe_violations(page)

    page.get_by_label("Uw wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_label("Huidige verificatiecode").fill(code_for(demo_data["secretaris"]))
    page.get_by_role("button", name="Nieuwe herstelcodes maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    codes = page.get_by_role("list", name="Herstelcodes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10

    page.goto(f"{live_server.url}/account/tweestapsverificatie/")
    page.get_by_role("link", name="Uw API-tokens bekijken, aanmaken of intrekken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-tokens")
    assert_no_axe_violations(page)
    page.get_by_label("Omschrijving").fill("Rapportagescript")
    page.get_by_label("Uw wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_label("Huidige verificatiecode").fill(codes[0])  # a recovery code also confirms
    page.get_by_role("button", name="Token aanmaken").click()
    sleutel = page.locator(".app-sleutel").inner_text()
    assert sleutel.startswith("hh_")
    assert_no_axe_violations(page)
    assert ApiToken.objects.get(gebruiker=demo_data["secretaris"]).naam == "Rapportagescript"

    page.get_by_role("link", name="Ik heb de sleutel bewaard, terug naar mijn tokens").click()
    expect(page.locator(".app-sleutel")).to_have_count(0)
    page.get_by_role("button", name=re.compile(r"^Intrekken\W+Rapportagescript$")).click()
    expect_message(page, "De API-token 'Rapportagescript' is ingetrokken; hij werkt niet meer.")
    assert_no_axe_violations(page)
