"""The CONCEPT PDF in a real browser: the coordinator opens a concept arrangement, follows "Concept-PDF
downloaden" and gets a PDF marked "CONCEPT — niet vastgesteld" on every page; axe-core and the Nu Html Checker
check the arrangement page."""

import subprocess

import pytest
from playwright.sync_api import Page, expect

from arrangementen import services
from arrangementen.bibliotheek import load_library
from samenwerking.models import Driehoek

from .conftest import assert_no_axe_violations, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_downloads_the_concept_pdf_from_the_arrangement_page(page: Page, live_server, demo_data,
                                                                             tmp_path):
    load_library()
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    arrangement = services.create_arrangement(driehoek=bes, user=demo_data["coordinator"],
                                              titel="Handhavingsarrangement BES in concept", start="model")
    login_checked(page, live_server, "coordinator")
    page.goto(f"{live_server.url}{arrangement.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name="Handhavingsarrangement BES in concept")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Concept-PDF downloaden").click()
    download = download_info.value
    assert download.suggested_filename == "handhavingsarrangement-bes-in-concept-versie-1-concept.pdf"
    path = tmp_path / "concept.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True,
                           timeout=60).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1
    assert all("CONCEPT — niet vastgesteld" in " ".join(p.split()) for p in pages)
