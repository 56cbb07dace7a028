"""Issue 4 acceptance: the signed PDF in a real browser.

The secretaris starts the export of a vastgesteld arrangement, the burgemeester signs it with their password,
the secretaris downloads the signed file, and the public verification page reports it as valid and known —
to an anonymous visitor and, with per-signature details, to a logged-in member. axe-core checks every page.
"""

import hashlib
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from arrangementen import services, workflow
from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement, Document
from samenwerking.models import Driehoek, Organisatie
from tests.factories import approve_for_all
from tests.mfa import code_for

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITEL = "Handhavingsarrangement BES ter ondertekening"
PDF_TIMEOUT_S = 90  # rendering + platform certification take a few seconds; this is only an upper bound
ORGANISATIES = ("Gemeente Soest", "Politie Eenheid Midden-Nederland", "Arrondissementsparket Midden-Nederland")


@pytest.fixture
def vastgesteld(demo_data, signing_setup) -> Arrangement:
    """A BES arrangement from the standard model, walked through the workflow to 'vastgesteld', and a TEST
    signing key for each of its three parties (the other four gemeenten are left out: this is about signing)."""
    load_library()
    for naam in ORGANISATIES:
        signing_setup.add_key(Organisatie.objects.get(naam=naam))
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    arrangement = services.create_arrangement(driehoek=bes, user=demo_data["coordinator"], titel=TITEL,
                                              start="model")
    for partij in arrangement.partijen.exclude(organisatie__naam__in=ORGANISATIES):
        arrangement.refresh_from_db()
        services.remove_partij(partij=partij, user=demo_data["coordinator"], expected_version=arrangement.lock_version)
    workflow.perform(arrangement=arrangement, action="indienen", user=demo_data["coordinator"])
    approve_for_all(arrangement, toelichting="Akkoord.")
    workflow.perform(arrangement=arrangement, action="vaststellen", user=demo_data["secretaris"],
                     vastgesteld_op=timezone.localdate(), besluit_referentie="Driehoek BES, agendapunt 4")
    arrangement.refresh_from_db()
    assert arrangement.status == "vastgesteld"
    assert [p.organisatie.naam for p in arrangement.partijen.order_by("volgorde", "pk")] == list(ORGANISATIES)
    return arrangement


def dd(page: Page, term: str):
    """The <dd> after the <dt> reading `term` (within the main content)."""
    return page.locator(f"xpath=//main//dt[normalize-space()='{term}']/following-sibling::dd[1]").first


def wait_until_pdf_ready(page: Page) -> None:
    """Reload the arrangement page until its PDF status reads 'gereed' (bounded; fails on 'mislukt')."""
    pdf_status = dd(page, "Status van de PDF")
    deadline = time.monotonic() + PDF_TIMEOUT_S
    while True:
        text = pdf_status.inner_text().strip()
        if text == "gereed":
            return
        assert not text.startswith("mislukt"), f"De PDF is mislukt: {text}"
        assert time.monotonic() < deadline, f"De PDF is na {PDF_TIMEOUT_S} s nog niet gereed (status: {text})"
        page.wait_for_timeout(1_000)
        page.reload()


def upload_and_check(page: Page, live_server, pdf: Path) -> None:
    page.goto(f"{live_server.url}/verifieer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handtekeningen controleren")
    page.get_by_label("PDF-bestand").set_input_files(pdf)
    page.get_by_role("button", name="Controleren").click()
    uitslag = page.get_by_role("status").filter(has=page.get_by_role("heading", name="Uitslag"))
    expect(uitslag).to_contain_text("Nog niet door alle partijen ondertekend: 1 van 3. De handtekeningen die er "
                                    "staan zijn echt en het bestand is daarna niet gewijzigd.")
    expect(uitslag).to_contain_text("Bekend document: dit bestand is precies gelijk aan een versie die in deze "
                                    "applicatie is opgeslagen.")
    expect(uitslag).not_to_contain_text("Niet geldig")
    expect(uitslag).not_to_contain_text("Onbekend document")


def test_secretaris_exporteert_burgemeester_tekent_en_verificatie_meldt_geldig_en_bekend(
        page, new_page, live_server, vastgesteld, demo_data):
    pk = vastgesteld.pk
    detail_url = f"{live_server.url}/arrangementen/{pk}/"

    # 1. The secretaris starts the export ----------------------------------------------------------------------
    secretaris = page
    login_checked(secretaris, live_server, "secretaris")
    secretaris.goto(detail_url)
    expect(dd(secretaris, "Status")).to_have_text("vastgesteld")
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(sectie).to_contain_text("Het arrangement is vastgesteld. Maak de PDF die elke partij digitaal "
                                   "ondertekent.")
    assert_no_axe_violations(secretaris)
    sectie.get_by_role("button", name="PDF voor ondertekening maken").click()
    expect(secretaris).to_have_url(f"{detail_url}#document", timeout=PDF_TIMEOUT_S * 1000)
    expect_message(secretaris, "De PDF wordt gemaakt. Ververs deze pagina over enkele ogenblikken.",
                   timeout=PDF_TIMEOUT_S * 1000)
    wait_until_pdf_ready(secretaris)

    document = Document.objects.get(arrangement=vastgesteld)
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(dd(secretaris, "Documentreferentie")).to_have_text(document.referentie)
    expect(dd(secretaris, "Nieuwste versie")).to_contain_text("#1: Gecertificeerd door het platform")
    handtekeningen = sectie.locator("h3:text-is('Handtekeningen') + ul > li")
    expect(handtekeningen).to_have_text([
        "Gemeente Soest: nog niet getekend (burgemeester)",
        "Politie Eenheid Midden-Nederland: nog niet getekend (teamchef, namens de politiechef)",
        "Arrondissementsparket Midden-Nederland: nog niet getekend (officier van justitie, namens de hoofdofficier "
        "van justitie)",
    ])
    expect(sectie.get_by_role("link", name="PDF downloaden")).to_be_visible()
    expect(sectie.get_by_role("link", name="Ondertekenen")).to_have_count(0)  # the secretaris does not sign
    assert_no_axe_violations(secretaris)

    # 2. The burgemeester signs ---------------------------------------------------------------------------------
    burgemeester = new_page()
    login_checked(burgemeester, live_server, "burgemeester")
    burgemeester.goto(detail_url)
    burgemeester.get_by_role("region", name="PDF en ondertekening").get_by_role("link", name="Ondertekenen").click()
    expect(burgemeester).to_have_url(f"{detail_url}document/ondertekenen/")
    expect(burgemeester.get_by_role("heading", level=1)).to_have_text("Ondertekenen")
    expect(burgemeester.get_by_role("note").filter(has_text="TEST-omgeving")).to_be_visible()
    keuze = burgemeester.get_by_role("group", name="Tekenen voor")
    expect(keuze.get_by_role("radio")).to_have_count(1)  # only the own organisation's field
    optie = keuze.get_by_role("radio", name="Gemeente Soest – burgemeester")
    assert_no_axe_violations(burgemeester)

    # A wrong password signs nothing and says so next to the field.
    optie.check()
    burgemeester.get_by_label("Plaats").fill("Soest")
    burgemeester.get_by_label("Uw wachtwoord").fill("niet-mijn-wachtwoord")
    burgemeester.get_by_label("Verificatiecode").fill(code_for(demo_data["burgemeester"]))
    burgemeester.get_by_role("button", name="Onderteken").click()
    wachtwoord = burgemeester.get_by_label("Uw wachtwoord")
    expect(wachtwoord).to_have_attribute("aria-invalid", "true")
    expect(wachtwoord).to_have_accessible_description(
        re.compile("Het wachtwoord klopt niet. Uw handtekening is niet gezet."))
    assert not document.handtekeningen.exists()
    assert_no_axe_violations(burgemeester)

    burgemeester.get_by_role("radio", name="Gemeente Soest – burgemeester").check()
    burgemeester.get_by_label("Plaats").fill("Soest")
    wachtwoord.fill(DEMO_PASSWORD)
    # Before signing, the second factor again: a fresh code from the app.
    burgemeester.get_by_label("Verificatiecode").fill(code_for(demo_data["burgemeester"]))
    burgemeester.get_by_role("button", name="Onderteken").click()
    expect(burgemeester).to_have_url(f"{detail_url}#document", timeout=60_000)
    expect_message(burgemeester, "Uw handtekening is gezet.")
    sectie = burgemeester.get_by_role("region", name="PDF en ondertekening")
    handtekeningen = sectie.locator("h3:text-is('Handtekeningen') + ul > li")
    expect(handtekeningen.first).to_contain_text("Gemeente Soest: getekend door Bert Burgemeester op ")
    expect(handtekeningen.nth(1)).to_have_text(
        "Politie Eenheid Midden-Nederland: nog niet getekend (teamchef, namens de politiechef)")
    expect(sectie.get_by_role("link", name="Ondertekenen")).to_have_count(0)  # nothing left for Soest
    expect(dd(burgemeester, "Status")).to_have_text("vastgesteld")  # two parties still have to sign
    assert_no_axe_violations(burgemeester)

    # 3. The secretaris downloads the signed PDF ----------------------------------------------------------------
    secretaris.reload()
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(dd(secretaris, "Nieuwste versie")).to_contain_text(
        "#2: Ondertekend door Bert Burgemeester voor Gemeente Soest")
    with secretaris.expect_download() as download_info:
        sectie.get_by_role("link", name="PDF downloaden").click()
    download = download_info.value
    assert download.suggested_filename == f"{document.referentie}-02.pdf"
    pdf = Path(download.path())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    laatste = document.versies.get(volgnummer=2)
    assert hashlib.sha256(data).hexdigest() == laatste.sha256
    expect(dd(secretaris, "Nieuwste versie")).to_contain_text(f"SHA-256 {laatste.sha256}")

    # 4. Anyone can check the file: valid and known, without details --------------------------------------------
    anoniem = new_page()
    anoniem.goto(f"{live_server.url}/verifieer/")
    assert_no_axe_violations(anoniem)  # the empty form
    upload_and_check(anoniem, live_server, pdf)
    uitslag = anoniem.get_by_role("status").filter(has=anoniem.get_by_role("heading", name="Uitslag"))
    expect(uitslag.get_by_role("table")).to_have_count(0)
    expect(uitslag.get_by_role("link")).to_have_count(0)  # no hint at which arrangement it is
    assert_no_axe_violations(anoniem)

    # A tampered copy is neither valid nor known.
    vervalst = pdf.with_name("vervalst.pdf")
    midden = len(data) // 2
    vervalst.write_bytes(data[:midden] + bytes([data[midden] ^ 0x01]) + data[midden + 1:])
    anoniem.get_by_label("PDF-bestand").set_input_files(vervalst)
    anoniem.get_by_role("button", name="Controleren").click()
    uitslag = anoniem.get_by_role("status").filter(has=anoniem.get_by_role("heading", name="Uitslag"))
    expect(uitslag).to_contain_text("Niet geldig:")
    expect(uitslag).to_contain_text("Onbekend document:")
    assert_no_axe_violations(anoniem)

    # 5. A logged-in member of the driehoek sees who signed and which stored version it is ----------------------
    upload_and_check(secretaris, live_server, pdf)
    uitslag = secretaris.get_by_role("status").filter(has=secretaris.get_by_role("heading", name="Uitslag"))
    expect(uitslag.get_by_role("link", name=document.referentie)).to_have_attribute("href", f"/arrangementen/{pk}/")
    expect(uitslag).to_contain_text("2: Ondertekend door Bert Burgemeester voor Gemeente Soest")
    expect(uitslag).to_contain_text("Bert Burgemeester, burgemeester, Gemeente Soest (")
    expect(uitslag).to_contain_text("In orde: echt, en het bestand is daarna niet meer gewijzigd.")
    expect(uitslag).to_contain_text("Politie Eenheid Midden-Nederland: Nog niet getekend.")
    expect(uitslag).to_contain_text("Arrondissementsparket Midden-Nederland: Nog niet getekend.")
    rijen = uitslag.get_by_role("table", name="Handtekeningen in het bestand").locator("tbody tr")
    expect(rijen).to_have_count(2)
    burgemeester_rij = rijen.filter(has_text="Bert Burgemeester")
    expect(burgemeester_rij).to_have_count(1)
    expect(burgemeester_rij.get_by_role("cell").nth(1)).to_have_text("TEST Gemeente Soest")  # the certificate
    expect(burgemeester_rij.get_by_role("cell").nth(2)).to_have_text("het hele bestand")
    expect(burgemeester_rij.get_by_role("cell").nth(3)).to_have_text("nee")  # nothing changed after it
    expect(rijen.filter(has_text="certificering platform")).to_have_count(1)
    assert_no_axe_violations(secretaris)
