"""Issue 20 items 3 and 4 in a real browser: the secretaris of BES records the driehoek's advice on a request for
geweldsmiddelen (a domein the arrangement does not cover is refused, the typed motivering kept) and downloads the
platform-signed advice; then produces the publication version (PDF/A and HTML) with a citeertitel and records the
CVDR link (a wrong form refused naming the field, the input kept). axe-core and the Nu Html Checker on every page."""

import datetime
import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arrangementen import services
from arrangementen.models import Arrangement, Geweldsadvies
from arrangementen.services import InzetRegel
from samenwerking.models import Driehoek
from tests.arrangementen.helpers import in_werking_met_pdf

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOTIVERING = "De boa's in het centrum hebben de training geweldsbeheersing gevolgd."
CONTACT = "Carla Contact, 06-11223344"


@pytest.fixture
def in_werking(demo_data, signing_setup) -> Arrangement:
    """A BES arrangement in force with boa's in domein I and a stored signed PDF (setup only: signing has its own
    browser test, test_signing.py)."""
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    coordinator = demo_data["coordinator"]
    arrangement = services.create_arrangement(driehoek=bes, user=coordinator, titel="Handhavingsarrangement BES",
                                              start="leeg")
    services.update_arrangement(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                                data={"doel": "Samen zichtbaar in de kernen."},
                                inzet=[InzetRegel("I", 6, Decimal("4.5"))])
    arrangement.refresh_from_db()
    return in_werking_met_pdf(arrangement, demo_data["secretaris"], contactpersonen=CONTACT,
                              vastgesteld_op=timezone.localdate() - datetime.timedelta(days=40))


def test_secretaris_geeft_advies_en_maakt_de_publicatieversie(page, live_server, in_werking, tmp_path):
    detail_url = f"{live_server.url}/arrangementen/{in_werking.pk}/"
    login_checked(page, live_server, "secretaris")
    page.goto(detail_url)
    sectie = page.get_by_role("region", name="Publicatie en geweldsmiddelen")
    expect(sectie).to_contain_text("Nog geen adviezen.")
    assert_no_axe_violations(page)

    # 1. The advice: a domein the arrangement does not cover is refused, naming it; the motivering stays --------
    sectie.get_by_role("link", name="Advies over geweldsmiddelen vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advies over een aanvraag geweldsmiddelen")
    expect(page.get_by_label("Domein")).to_have_accessible_description(
        "Dit arrangement regelt de inzet van boa's in: I – Openbare ruimte.")
    assert_no_axe_violations(page)
    page.get_by_label("BOA-organisatie").select_option(label="Gemeente Soest")
    page.get_by_label("Domein").select_option(label="II – Milieu, welzijn en infrastructuur")
    middelen = page.get_by_role("group", name="Gevraagde geweldsmiddelen")
    middelen.get_by_label("handboeien").check()
    middelen.get_by_label("korte wapenstok").check()
    page.get_by_role("group", name="Advies van de driehoek").get_by_label("positief", exact=True).check()
    page.get_by_label("Motivering").fill(MOTIVERING)
    page.get_by_label("Datum van het advies").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Advies vastleggen en PDF maken").click()
    domein = page.get_by_label("Domein")
    expect(domein).to_have_attribute("aria-invalid", "true")
    expect(domein).to_have_accessible_description(re.compile(
        "Domein: dit arrangement regelt geen inzet van boa's in II – Milieu, welzijn en infrastructuur."))
    expect(page.get_by_label("Motivering")).to_have_value(MOTIVERING)
    expect(page.get_by_role("group", name="Gevraagde geweldsmiddelen").get_by_label("korte wapenstok")).to_be_checked()
    assert not Geweldsadvies.objects.exists()
    assert_no_axe_violations(page)
    page.screenshot(path=str(tmp_path / "advies-fout.png"), full_page=True)

    page.get_by_label("Domein").select_option(label="I – Openbare ruimte")
    # The embedded default renders and certifies the PDF in the request's on_commit: give it time on a busy machine.
    page.get_by_role("button", name="Advies vastleggen en PDF maken").click(no_wait_after=True)
    expect(page).to_have_url(f"{detail_url}#geweldsadviezen", timeout=90_000)
    advies = Geweldsadvies.objects.get(arrangement=in_werking)
    page.reload()  # the PDF was made in the task after the commit
    sectie = page.get_by_role("region", name="Publicatie en geweldsmiddelen")
    expect(sectie).to_contain_text("Gemeente Soest, I – Openbare ruimte: positief")
    with page.expect_download() as download_info:
        sectie.get_by_role("link", name=f"PDF {advies.referentie} downloaden").click()
    data = Path(download_info.value.path()).read_bytes()
    advies.refresh_from_db()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == advies.sha256
    (tmp_path / "advies.pdf").write_bytes(data)
    assert_no_axe_violations(page)

    # 2. The publication version with a citeertitel, and the CVDR link --------------------------------------------
    sectie.get_by_role("link", name="Publicatieversie en vindplaats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publicatie in het Gemeenteblad")
    assert_no_axe_violations(page)
    page.get_by_label("Citeertitel").fill("Handhavingsarrangement BES 2026")
    page.get_by_role("button", name="Citeertitel opslaan").click()
    expect_message(page, "De citeertitel is vastgelegd.")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als PDF/A").click()
    pdf = Path(download_info.value.path())
    assert pdf.read_bytes().startswith(b"%PDF-")
    (tmp_path / "publicatie.pdf").write_bytes(pdf.read_bytes())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als HTML, voor het publicatiesysteem van de gemeente").click()
    tekst = Path(download_info.value.path()).read_text("utf-8")
    assert "<title>Handhavingsarrangement BES 2026</title>" in tekst and "Carla Contact" not in tekst

    cvdr = page.get_by_label("CVDR-identificatie of -URL")
    cvdr.fill("755740")
    page.get_by_role("button", name="Vindplaats vastleggen").click()
    cvdr = page.get_by_label("CVDR-identificatie of -URL")
    expect(cvdr).to_have_attribute("aria-invalid", "true")
    expect(cvdr).to_have_accessible_description(re.compile("CVDR-identificatie of -URL: vul een identificatie in"))
    expect(cvdr).to_have_value("755740")
    assert_no_axe_violations(page)
    page.screenshot(path=str(tmp_path / "publicatie-fout.png"), full_page=True)
    cvdr.fill("CVDR755740")
    page.get_by_role("button", name="Vindplaats vastleggen").click()
    expect_message(page, "De publicatie in het CVDR is vastgelegd.")
    expect(page.get_by_role("link", name="CVDR755740")).to_have_attribute(
        "href", "https://lokaleregelgeving.overheid.nl/CVDR755740")
    assert_no_axe_violations(page)
    page.goto(detail_url)
    expect(page.get_by_role("region", name="Publicatie en geweldsmiddelen").get_by_role(
        "link", name="CVDR755740")).to_be_visible()
    page.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
