"""The functioneel beheerder's review pages, in a real browser: the security audit log (filtered, exported as
CSV) and the access review (active and all memberships, exported as CSV).

Nu Html Checker and axe-core check every page served (conftest `page_checks`).
"""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from samenwerking.models import Driehoek

from .conftest import assert_no_axe_violations, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def download_csv(page: Page, link_name: str) -> list[list[str]]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_beheerder_bekijkt_logboek_en_toegangsoverzicht(page, live_server, demo_data, page_checks):
    login_checked(page, live_server, "beheerder")

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Logboek en toegang").click()
    expect(page).to_have_url(f"{live_server.url}/beveiliging/logboek/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beveiligingslogboek")
    regels = page.get_by_role("table", name="Regels van het beveiligingslogboek").locator("tbody tr")
    expect(regels.filter(has_text="beheerder").first).to_be_visible()

    filters = page.get_by_role("form", name="Filteren")
    filters.get_by_label("Gebeurtenis").select_option(label="ingelogd")
    filters.get_by_label("Gebruikersnaam bevat").fill("beheerder")
    filters.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(f"{live_server.url}/beveiliging/logboek/?gebeurtenis=inloggen&resultaat="
                             "&gebruiker=beheerder&van=&tot=")
    expect(regels.first).to_contain_text("ingelogd")
    for rij in regels.all():
        expect(rij).to_contain_text("beheerder")
    assert_no_axe_violations(page)
    rows = download_csv(page, "Exporteren als CSV (met deze filters)")
    assert len(rows) >= 2 and all("beheerder" in ";".join(row) for row in rows[1:]), rows

    # A driehoek the beheerder is no member of: 404, and the refusal is on record.
    driehoek = Driehoek.objects.order_by("pk").first()
    pad = reverse("samenwerking:driehoek", args=[driehoek.pk])
    page_checks.expect_status(f"{live_server.url}{pad}", 404)
    assert page.goto(f"{live_server.url}{pad}").status == 404
    page.goto(f"{live_server.url}/beveiliging/logboek/")
    page.get_by_role("link", name="Alleen weigeringen tonen").click()
    expect(page.get_by_label("Resultaat")).to_have_value("geweigerd")
    expect(regels.first).to_contain_text("toegang geweigerd")
    expect(regels.first).to_contain_text(pad)
    for rij in regels.all():
        expect(rij).to_contain_text("geweigerd")
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/beveiliging/toegang/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Toegangsoverzicht")
    expect(page.get_by_role("main")).to_contain_text("Carla de Coördinator")
    rows = download_csv(page, "Exporteren als CSV")
    assert any("coordinator" in ";".join(row) for row in rows[1:]), rows
    page.get_by_role("link", name="Ook beëindigde lidmaatschappen").click()
    expect(page.get_by_role("link", name="Alleen actieve lidmaatschappen")).to_be_visible()
    rows = download_csv(page, "Exporteren als CSV")
    assert any("buitenstaander" in ";".join(row) for row in rows[1:]), rows
