"""The aggregate page above the driehoek (/beeld/, issue 16) in a real browser, for a landelijk and an eenheid
user: the table of gemeenten with their state, sorting by a column heading (no script), a bad and a past
peildatum, the map (keyboard, zoom); axe-core and vnu on each page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arrangementen.models import Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Gemeente, Organisatie, Overzichtsniveau

from ..factories import TEST_PASSWORD, ArrangementFactory, DriehoekFactory, GebruikerFactory
from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_landelijk_and_an_eenheid_user_read_the_table(page, new_page, live_server, demo_data):
    landelijk = GebruikerFactory(username="beeld-landelijk")
    overzichtsrollen.grant_overview(gebruiker=landelijk, niveau=Overzichtsniveau.LANDELIJK)
    baarn = Gemeente.objects.get(weergavenaam="Baarn")
    eenheid = baarn.eenheid
    today, year = timezone.localdate(), datetime.timedelta(days=365)
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=[baarn]), status=Status.ONDERTEKEND,
                                     aangemaakt_op=timezone.now() - year, vastgesteld_op=today - year,
                                     ondertekend_op=timezone.now() - year, geldig_van=today - year,
                                     geldig_tot=today + year)
    organisatie = Organisatie.objects.create(naam="Gemeente Baarn (beeld)", soort=Organisatie.Soort.GEMEENTE,
                                             gemeente=baarn)
    Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    regionaal = GebruikerFactory(username="beeld-eenheid")
    overzichtsrollen.grant_overview(gebruiker=regionaal, niveau=Overzichtsniveau.EENHEID, eenheid=eenheid)

    login(page, live_server, "beeld-landelijk", TEST_PASSWORD)
    page.goto(f"{live_server.url}/beeld/")
    tabel = page.get_by_role("table", name="Gemeenten", exact=True)
    expect(tabel.get_by_role("row")).to_have_count(Gemeente.objects.count() + 1)
    expect(tabel.get_by_role("rowheader", name="Baarn", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    # The map: the keyboard reaches the gemeenten past the zoom form and the skip link; zoom to Baarn's eenheid.
    kaart = page.get_by_role("group", name="Kaart")
    expect(kaart.get_by_role("link")).to_have_count(Gemeente.objects.count())
    page.get_by_role("button", name="Toon op de kaart").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("aria-label", re.compile(r"^[^:]+: (geen arrangement|\w)"))
    page.get_by_label("Zoom de kaart naar").select_option(label=eenheid.naam)
    page.get_by_role("button", name="Toon op de kaart").click()
    kaart = page.get_by_role("group", name="Kaart")
    expect(kaart.get_by_role("link")).to_have_count(Gemeente.objects.filter(eenheid=eenheid).count())
    expect(kaart.get_by_role("link", name="Baarn: ondertekend en in werking")).to_have_count(1)
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/beeld/")

    tabel.get_by_role("link", name="Stand").click()
    expect(page.get_by_role("columnheader", name="Stand")).to_have_attribute("aria-sort", "ascending")
    # Baarn's signed arrangement in force: the best state first.
    expect(page.get_by_role("row").nth(1)).to_contain_text("Baarn")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Ondertekend en in werking")
    page.get_by_role("table", name="Gemeenten", exact=True).get_by_role("link", name="Stand").click()
    expect(page.get_by_role("columnheader", name="Stand")).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Geen arrangement")

    page.get_by_role("table", name="Gemeenten", exact=True).get_by_role("link", name="Baarn", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baarn")
    expect(page.get_by_role("cell", name="Ondertekend en in werking")).to_be_visible()
    expect(page.get_by_role("link", name=arrangement.titel, exact=False)).to_have_count(0)  # not a member
    assert_no_axe_violations(page)
    page.go_back()

    page.get_by_label("Peildatum").fill("31-02-2026")
    page.get_by_role("button", name="Toon de stand").click()
    expect(page.get_by_text("Vul een geldige peildatum in, bijvoorbeeld 1-1-2027.")).to_be_visible()
    expect(page.get_by_label("Peildatum")).to_have_value("31-02-2026")
    assert_no_axe_violations(page)
    page.get_by_label("Peildatum").fill("1-1-2000")
    page.get_by_role("button", name="Toon de stand").click()
    expect(page.get_by_role("heading", name="Stand op 1 januari 2000")).to_be_visible()
    expect(page.get_by_text("Ondertekend en in werking", exact=True)).to_have_count(0)
    assert_no_axe_violations(page)

    second = new_page()
    login(second, live_server, "beeld-eenheid", TEST_PASSWORD)
    second.goto(f"{live_server.url}/beeld/")
    in_eenheid = Gemeente.objects.filter(eenheid=eenheid).count()
    expect(second.get_by_role("table", name="Gemeenten", exact=True).get_by_role("row")).to_have_count(in_eenheid + 1)
    expect(second.get_by_text(str(eenheid), exact=False).first).to_be_visible()
    assert_no_axe_violations(second)
