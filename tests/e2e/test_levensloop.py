"""The levensfase in a real browser: the dashboard's lifecycle blocks, the list filter with a peildatum (a bad
date is a Dutch message next to the field), the fase in words on the detail page; axe-core and vnu on each page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arrangementen.models import Status

from ..factories import ArrangementFactory
from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def test_coordinator_finds_arrangementen_by_levensfase(page, live_server, demo_data):
    coordinator = demo_data["coordinator"]
    driehoek = coordinator.lidmaatschappen.get().driehoek
    today = timezone.localdate()
    ArrangementFactory(driehoek=driehoek, titel="Arrangement dat loopt", status=Status.ONDERTEKEND,
                       geldig_van=datetime.date(2026, 1, 1), geldig_tot=today + 400 * DAY)
    ArrangementFactory(driehoek=driehoek, titel="Arrangement dat afloopt", status=Status.ONDERTEKEND,
                       geldig_van=datetime.date(2026, 1, 1), geldig_tot=today + 20 * DAY)

    login(page, live_server, "coordinator")
    for kop in ("In werking", "Evaluatie achterstallig", "Verloopt binnenkort", "Opgezegd / vervangen"):
        expect(page.get_by_role("heading", name=kop, exact=True)).to_be_visible()
    blok = page.get_by_role("region", name="Verloopt binnenkort")
    expect(blok.get_by_role("link", name="Arrangement dat afloopt")).to_be_visible()
    expect(blok.get_by_role("link", name="Arrangement dat loopt", exact=True)).to_have_count(0)
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/arrangementen/?peildatum=31-02-2027&levensfase=in_werking")
    expect(page.get_by_text("Vul een geldige peildatum in")).to_be_visible()
    expect(page.get_by_label("Peildatum")).to_have_value("31-02-2027")
    expect(page.get_by_label("Levensfase")).to_have_value("in_werking")
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/arrangementen/")
    page.get_by_label("Levensfase").select_option("in_werking")
    page.get_by_label("Peildatum").fill("1-6-2026")
    page.get_by_role("button", name="Toon resultaten").click()
    resultaten = page.get_by_role("table")
    # On 1 June 2026 both were in force, and neither was close to its end.
    expect(resultaten.get_by_role("link")).to_have_count(2)
    expect(page.get_by_label("Peildatum")).to_have_value("1-6-2026")  # what the user typed
    assert_no_axe_violations(page)

    resultaten.get_by_role("link", name="Arrangement dat loopt").click()
    expect(page.get_by_text("In werking sinds 1 januari 2026")).to_be_visible()
    assert_no_axe_violations(page)
