"""Issue 15 item 6 in a real browser: BES's privacy adviser opens the Gegevensdeling register from the driehoek
page, sees both flows of the arrangement in force, filters on an ontvanger, gets a Dutch message for a bad
peildatum with the typed text kept, and exports the filtered rows as CSV; the combined page is reached from the
arrangementen list. axe-core and the Nu Html Checker check every page (tests/e2e/conftest.py)."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arrangementen import gegevensstromen, services
from arrangementen.models import Arrangement, Grondslag, Status
from samenwerking.models import Driehoek, Gebruiker, Organisatie, Rol

from .conftest import assert_no_axe_violations, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POLITIE, SOEST, BAARN = "Politie Eenheid Midden-Nederland", "Gemeente Soest", "Gemeente Baarn"


@pytest.fixture
def in_werking(demo_data) -> Arrangement:
    """BES's arrangement with two flows, signed and in force (setup only: the workflow has its own tests)."""
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    coordinator = demo_data["coordinator"]
    arrangement = services.create_arrangement(driehoek=bes, user=coordinator, titel="Arrangement BES in werking")
    for categorieen, ontvanger, code in (("Meldingen van overlast", SOEST, "wpg-16"),
                                         ("Camerabeelden uit de wijk", BAARN, "avg-6-1-e")):
        arrangement.refresh_from_db()
        gegevensstromen.add_gegevensstroom(
            arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
            gegevens=gegevensstromen.Stroomgegevens(
                verstrekker=Organisatie.objects.get(naam=POLITIE), ontvangers=[Organisatie.objects.get(naam=ontvanger)],
                categorieen=categorieen, doel="Gerichte inzet in de wijk", grondslag=Grondslag.objects.get(code=code)))
    today = timezone.localdate()
    Arrangement.objects.filter(pk=arrangement.pk).update(
        status=Status.ONDERTEKEND, geldig_van=today - datetime.timedelta(days=30),
        geldig_tot=today + datetime.timedelta(days=700), ondertekend_op=timezone.now() - datetime.timedelta(days=31))
    return arrangement


@pytest.fixture
def adviseur(demo_data) -> Gebruiker:
    """The demo's privacy adviser of BES (privacyadviseur in the driehoek)."""
    user = demo_data["privacy"]
    assert user.lidmaatschappen.filter(rol=Rol.PRIVACYADVISEUR, driehoek__naam="Basisteamdriehoek BES").exists()
    return user


def test_privacyadviseur_bekijkt_filtert_en_exporteert_de_gegevensdeling(new_page, live_server, in_werking, adviseur):
    page = new_page()
    login_checked(page, live_server, "privacy")
    page.get_by_role("link", name="Basisteamdriehoek BES").first.click()
    page.get_by_role("link", name="Gegevensdeling in de arrangementen die in werking zijn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevensdeling Basisteamdriehoek BES")
    tabel = page.get_by_role("table", name="Gegevensstromen per arrangement")
    expect(tabel.locator("tbody tr")).to_have_count(2)
    expect(tabel).to_contain_text("Wet politiegegevens, artikel 16")
    assert_no_axe_violations(page)

    page.get_by_label("Ontvanger").select_option(label=BAARN)
    page.get_by_role("button", name="Toon gegevensstromen").click()
    expect(tabel.locator("tbody tr")).to_have_count(1)
    expect(tabel).to_contain_text("Camerabeelden uit de wijk")
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren als CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:5] == ["Driehoek", "Arrangement", "Versie", "Verstrekker", "Ontvangers"]
    assert [(r[1], r[4], r[5]) for r in rows] == [("Arrangement BES in werking", BAARN, "Camerabeelden uit de wijk")]

    page.get_by_label("Peildatum").fill("31-02-2026")
    page.get_by_role("button", name="Toon gegevensstromen").click()
    expect(page.get_by_text("Vul een geldige peildatum in, bijvoorbeeld 1-1-2027.")).to_be_visible()
    expect(page.get_by_label("Peildatum")).to_have_value("31-02-2026")
    expect(page.get_by_role("table")).to_have_count(0)
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/arrangementen/")
    page.get_by_role("link", name="Gegevensdeling: alle gegevensstromen van de arrangementen in werking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevensdeling in mijn driehoeken")
    expect(page.get_by_role("table", name="Gegevensstromen per arrangement").locator("tbody tr")).to_have_count(2)
    assert_no_axe_violations(page)
