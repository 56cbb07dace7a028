"""WCAG 1.4.10 (reflow) at 390 px wide, a phone held upright: the page itself never scrolls sideways; a wide
table scrolls inside its own region, which the keyboard can reach and a screen reader can name."""

import pytest
from playwright.sync_api import Page, expect

from actiepunten.demo import create_demo_overleg
from arrangementen import services
from arrangementen.bibliotheek import load_library
from arrangementen.demo import create_demo_arrangement
from samenwerking.models import Gebruiker

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMAL = {"width": 390, "height": 844}

# Elements wider than the viewport that are not inside a scroll region of their own (for the failure message).
OVERLOPERS = """() => {
  const breedte = window.innerWidth;
  const eigenScroll = el => el.closest('[role=region][tabindex="0"]');
  return Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getBoundingClientRect().right > breedte + 0.5 && !eigenScroll(el.parentElement || el))
    .slice(0, 8)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def assert_no_page_scroll_sideways(page: Page) -> None:
    page.wait_for_load_state("load")
    scroll_width, inner_width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (
        f"{page.url}: de pagina is {scroll_width} px breed bij een venster van {inner_width} px; "
        f"te breed: {page.evaluate(OVERLOPERS)}")


def assert_tables_scroll_in_a_named_region_or_fit(page: Page) -> None:
    """A table sits in a scroll region that the keyboard reaches and that has a name, or it reflows and fits."""
    tables = page.locator("main table")
    for index in range(tables.count()):
        table = tables.nth(index)
        region = table.locator("xpath=ancestor::*[@role='region'][1]")
        if region.count():
            expect(region).to_have_attribute("tabindex", "0")
            assert region.evaluate("el => el.getAttribute('aria-labelledby') || el.getAttribute('aria-label')"), \
                f"{page.url}: het scrollgebied van tabel {index + 1} heeft geen naam"
            assert region.evaluate("el => getComputedStyle(el).overflowX") in ("auto", "scroll")
        else:
            assert table.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth"), \
                f"{page.url}: tabel {index + 1} past niet en staat niet in een eigen scrollgebied"


def assert_breadcrumb_shows_no_list_numbers(page: Page) -> None:
    items = page.locator("nav.utrecht-breadcrumb-nav li")
    for index in range(items.count()):
        assert items.nth(index).evaluate(
            "el => getComputedStyle(el).display !== 'list-item' || getComputedStyle(el).listStyleType === 'none'"), \
            f"{page.url}: het kruimelpad toont lijstnummers"


@pytest.fixture
def inhoud(demo_data):
    load_library()
    vastgesteld = create_demo_arrangement()
    coordinator = Gebruiker.objects.get(username="coordinator")
    herziening = services.start_herziening(arrangement=vastgesteld, user=coordinator)
    afspraak = herziening.afspraken.order_by("volgorde").first()
    services.update_afspraak(
        afspraak=afspraak, user=coordinator, expected_version=herziening.lock_version, onderwerp=afspraak.onderwerp,
        titel=afspraak.titel, tekst=afspraak.tekst + " Aangevuld bij de herziening met een langere zin over "
        "bereikbaarheid buiten kantoortijd en de meldkamer.", verantwoordelijke=afspraak.verantwoordelijke)
    overleg = create_demo_overleg()
    return {"vastgesteld": vastgesteld, "herziening": herziening, "overleg": overleg}


def test_pages_reflow_at_390_px(browser, page_checks, live_server, inhoud):
    context = browser.new_context(locale="nl-NL", viewport=SMAL)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page_checks.attach(page)
    try:
        login(page, live_server, "coordinator")
        assert_no_page_scroll_sideways(page)
        vastgesteld, herziening, overleg = inhoud["vastgesteld"], inhoud["herziening"], inhoud["overleg"]
        for path in [
            f"/arrangementen/{vastgesteld.pk}/",
            f"/arrangementen/{herziening.pk}/",
            f"/arrangementen/{herziening.pk}/vergelijk/",
            f"/arrangementen/{herziening.pk}/geschiedenis/",
            "/arrangementen/",
            f"/actiepunten/driehoek/{overleg.driehoek_id}/",
            f"/actiepunten/driehoek/{overleg.driehoek_id}/overleggen/",
            f"/actiepunten/overleg/{overleg.pk}/",
            f"/actiepunten/punt/{overleg.actiepunten.order_by('nummer').first().pk}/",
            "/actiepunten/",
            f"/driehoeken/{overleg.driehoek_id}/",
        ]:
            page.goto(f"{live_server.url}{path}")
            assert_no_page_scroll_sideways(page)
            assert_tables_scroll_in_a_named_region_or_fit(page)
            assert_breadcrumb_shows_no_list_numbers(page)
            assert_no_axe_violations(page)
    finally:
        context.close()
