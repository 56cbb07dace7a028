"""The aggregate pages (issue 16) walked as the demo's landelijk and eenheid users would, in a real browser: the main
navigation on one line at 1280 px; the zoomed map, where Tab reaches every gemeente of the area; the zoom and the
filters kept by the peildatum form, the sort links and the way to the comparison and back; a gemeente's detail;
the CSV and XLSX downloads read byte by byte; axe-core and vnu on every page (conftest)."""

import csv
import datetime
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from arrangementen.models import BoaInzet, Partij, Status
from samenwerking.models import Gemeente, Organisatie, Veiligheidsregio

from ..factories import ArrangementFactory, DriehoekFactory
from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
# Screenshots to look at (set BEELD_SCHERMAFBEELDINGEN to a folder); the checks below hold without them.
SCHERMAFBEELDINGEN = os.environ.get("BEELD_SCHERMAFBEELDINGEN", "")


def _signed(gemeente: Gemeente, *, sinds: int, tot: int, fte: str = "2.5"):
    """A signed arrangement of `gemeente` in force from `sinds` days ago until `tot` days from today."""
    today, now = timezone.localdate(), timezone.now()
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=[gemeente]), status=Status.ONDERTEKEND,
                                     aangemaakt_op=now - (sinds + 100) * DAY, vastgesteld_op=today - (sinds + 10) * DAY,
                                     ondertekend_op=now - (sinds + 5) * DAY, geldig_van=today - sinds * DAY,
                                     geldig_tot=today + tot * DAY)
    organisatie = Organisatie.objects.create(naam=f"Gemeente {gemeente} (rand)", soort=Organisatie.Soort.GEMEENTE,
                                             gemeente=gemeente)
    Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")
    BoaInzet.objects.create(arrangement=arrangement, domein="I", aantal_boas=3, fte=fte)
    return arrangement


def _screenshot(page, name: str) -> None:
    if SCHERMAFBEELDINGEN:
        Path(SCHERMAFBEELDINGEN).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCHERMAFBEELDINGEN}/{name}.png", full_page=False)


def _nav_lines(page) -> int:
    """On how many lines the main navigation's links stand."""
    tops = {round(item.bounding_box()["y"]) for item in page.locator(".app-nav__list > li").all()}
    return len(tops)


def _check_navigation(page, naam: str) -> None:
    expect(page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Landelijk en regionaal beeld")).to_be_visible()
    for width in (1280, 1024, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _screenshot(page, f"{naam}-{width}")
        if width == 1280:
            assert _nav_lines(page) == 1, "de hoofdnavigatie loopt bij 1280 px over twee regels"
        for item in page.locator(".app-nav__list > li").all():  # narrower: it wraps, but nothing sticks out
            box = item.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.set_viewport_size({"width": 1280, "height": 900})


def _tab_through_map(page, count: int) -> list[str]:
    """From the zoom button, Tab past the skip link and through the map: the accessible names reached."""
    page.get_by_role("button", name="Toon op de kaart").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Sla de kaart over: naar de tabel met dezelfde gegevens")
    reached = []
    for _ in range(count):
        page.keyboard.press("Tab")
        reached.append(page.locator(":focus").get_attribute("aria-label"))
    page.keyboard.press("Tab")  # past the map: the keyboard leaves it
    assert page.locator(":focus").get_attribute("class") != "app-kaart__gemeente"
    return reached


def _download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    return Path(info.value.path()).read_bytes()


def test_the_eenheid_user_zooms_tabs_through_the_map_keeps_the_zoom_and_exports(page, live_server, demo_data):
    utrecht = Veiligheidsregio.objects.get(naam="Utrecht")
    baarn, bilt = Gemeente.objects.get(weergavenaam="Baarn"), Gemeente.objects.get(weergavenaam="De Bilt")
    _signed(baarn, sinds=100, tot=300)
    _signed(bilt, sinds=400, tot=-10)  # expired ten days ago

    login(page, live_server, "eenheid")
    page.goto(f"{live_server.url}/beeld/")
    _check_navigation(page, "eenheid-beeld")
    in_eenheid = Gemeente.objects.filter(eenheid=baarn.eenheid)
    table = page.get_by_role("table", name="Gemeenten", exact=True)
    expect(table.get_by_role("row")).to_have_count(in_eenheid.count() + 1)
    assert_no_axe_violations(page)

    page.get_by_label("Zoom de kaart naar").select_option(label=utrecht.naam)
    page.get_by_role("button", name="Toon op de kaart").click()
    in_regio = sorted(g.weergavenaam for g in Gemeente.objects.filter(veiligheidsregio=utrecht))
    kaart = page.get_by_role("group", name="Kaart")
    expect(kaart.get_by_role("link")).to_have_count(len(in_regio))
    reached = _tab_through_map(page, len(in_regio))
    assert [label.split(":")[0] for label in reached] == sorted(in_regio, key=str.lower)
    assert "Baarn: ondertekend en in werking" in reached and "De Bilt: verlopen of opgezegd" in reached
    _screenshot(page, "eenheid-kaart-utrecht")
    assert_no_axe_violations(page)

    # Another peildatum keeps the zoom; so does sorting.
    page.get_by_label("Peildatum").fill((timezone.localdate() - 30 * DAY).strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Toon de stand").click()
    kaart = page.get_by_role("group", name="Kaart")
    expect(kaart.get_by_role("link")).to_have_count(len(in_regio))
    expect(kaart.get_by_role("link", name="De Bilt: ondertekend en in werking")).to_have_count(1)  # the past state
    page.get_by_role("table", name="Gemeenten", exact=True).get_by_role("link", name="Stand").click()
    expect(page.get_by_role("columnheader", name="Stand")).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("group", name="Kaart").get_by_role("link")).to_have_count(len(in_regio))
    expect(page.get_by_label("Peildatum")).to_have_value((timezone.localdate() - 30 * DAY).strftime("%d-%m-%Y"))
    assert_no_axe_violations(page)

    page.get_by_role("group", name="Kaart").get_by_role("link", name="Baarn: ondertekend en in werking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baarn")
    assert_no_axe_violations(page)
    page.go_back()

    # The downloads hold the page's rows; numbers as Dutch Excel reads them.
    body = _download(page, "CSV")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == in_eenheid.count() + 1
    baarn_row = next(row for row in rows if row[0] == "Baarn")
    assert baarn_row[4:10] == ["Ondertekend en in werking", "1", "3", "2,5", "3", "2,5"]
    sheet = load_workbook(io.BytesIO(_download(page, "Excel (XLSX)"))).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in xlsx_rows] == [row[0] for row in rows]
    assert next(row for row in xlsx_rows if row[0] == "Baarn")[6:8] == (3, 2.5)


def test_the_landelijk_user_filters_compares_and_comes_back_with_the_filters(page, live_server, demo_data):
    baarn = Gemeente.objects.get(weergavenaam="Baarn")
    _signed(baarn, sinds=20, tot=300)  # newly covered within the last month

    login(page, live_server, "landelijk")
    page.goto(f"{live_server.url}/beeld/")
    _check_navigation(page, "landelijk-beeld")
    page.get_by_role("combobox", name="Politie-eenheid").select_option(str(baarn.eenheid_id))
    page.get_by_role("button", name="Toon de stand").click()
    page.get_by_label("Zoom de kaart naar").select_option(label=baarn.veiligheidsregio.naam)
    page.get_by_role("button", name="Toon op de kaart").click()
    expect(page.get_by_role("combobox", name="Politie-eenheid")).to_have_value(str(baarn.eenheid_id))
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Twee dagen vergelijken: wat is er veranderd?").click()
    expect(page.get_by_role("combobox", name="Politie-eenheid")).to_have_value(str(baarn.eenheid_id))
    page.get_by_role("textbox", name="Van").fill((timezone.localdate() - 30 * DAY).strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Vergelijk").click()
    nieuw = page.get_by_role("table", name="Nieuw gedekt (1)")
    expect(nieuw.get_by_role("rowheader", name="Baarn")).to_be_visible()
    _screenshot(page, "landelijk-vergelijk")
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Landelijk en regionaal beeld").click()
    expect(page.get_by_role("combobox", name="Politie-eenheid")).to_have_value(str(baarn.eenheid_id))
    in_regio = Gemeente.objects.filter(veiligheidsregio=baarn.veiligheidsregio).count()
    expect(page.get_by_role("group", name="Kaart").get_by_role("link")).to_have_count(in_regio)
    expect(page.get_by_role("table", name="Gemeenten", exact=True).get_by_role("row")).to_have_count(
        Gemeente.objects.filter(eenheid=baarn.eenheid).count() + 1)
    assert_no_axe_violations(page)


def test_the_beheerder_sees_the_scope_roles_where_access_is_administered(page, live_server, demo_data):
    login(page, live_server, "beheerder")
    page.goto(f"{live_server.url}/beveiliging/toegang/")
    rollen = page.get_by_role("table", name="Overzichtsrollen")
    expect(rollen.get_by_role("row", name="heel Nederland Lotte Landelijk (landelijk)", exact=False)).to_have_count(1)
    expect(rollen.get_by_role("row").filter(has_text="Erik Eenheid (eenheid)")).to_contain_text("politie-eenheid")
    rollen.scroll_into_view_if_needed()
    _screenshot(page, "beheerder-toegang")
    assert_no_axe_violations(page)

    erik = demo_data["eenheid"]
    page.goto(f"{live_server.url}/beheer/samenwerking/gebruiker/{erik.pk}/change/")
    expect(page.get_by_role("link", name="Eenheid Midden-Nederland (politie-eenheid)", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Overzichtsrol toevoegen")).to_be_visible()
    _screenshot(page, "beheerder-gebruiker")
    page.get_by_role("link", name="Overzichtsrol toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("overzichtsrol")
