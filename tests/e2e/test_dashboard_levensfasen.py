"""The dashboard's three blocks of arrangements in force, read in one query (issue 19), in a real browser: each
block its own ten rows in its own order, with its own date; axe-core and vnu on the page."""

import datetime
import os

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from arrangementen.models import Status

from ..factories import ArrangementFactory
from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def test_each_block_of_arrangements_in_force_lists_its_own_first_ten(page, live_server, demo_data):
    coordinator = demo_data["coordinator"]
    driehoek = coordinator.lidmaatschappen.get().driehoek
    today = timezone.localdate()
    for i in range(12):
        ArrangementFactory(driehoek=driehoek, titel=f"Loopt {i:02d}", status=Status.ONDERTEKEND,
                           geldig_van=today - (i + 1) * DAY, geldig_tot=today + 400 * DAY)
        ArrangementFactory(driehoek=driehoek, titel=f"Afloop {i:02d}", status=Status.ONDERTEKEND,
                           geldig_van=today - 300 * DAY, geldig_tot=today + (i + 1) * DAY)
    ArrangementFactory(driehoek=driehoek, titel="Evaluatie te laat", status=Status.ONDERTEKEND,
                       geldig_van=today - 300 * DAY, geldig_tot=today + 400 * DAY, evaluatiedatum=today - 5 * DAY)

    login(page, live_server, "coordinator")
    werking = page.get_by_role("region", name="In werking")
    expect(werking.get_by_role("link")).to_have_count(10)
    # The newest geldig_van first ("Loopt 00" started yesterday); the demo data may hold others in force.
    loopt = [t for t in werking.get_by_role("link").all_inner_texts() if t.startswith("Loopt")]
    assert loopt == [f"Loopt {i:02d}" for i in range(len(loopt))] and len(loopt) >= 8
    verloopt = page.get_by_role("region", name="Verloopt binnenkort")
    expect(verloopt.get_by_role("link")).to_have_count(10)
    expect(verloopt.get_by_role("listitem").first).to_contain_text(
        f"Afloop 00 ({driehoek.naam}, tot en met {date_format(today + DAY, 'j F Y')})")
    expect(verloopt.get_by_role("link", name="Afloop 10")).to_have_count(0)
    achterstallig = page.get_by_role("region", name="Evaluatie achterstallig")
    expect(achterstallig.get_by_role("listitem").filter(has_text="Evaluatie te laat")).to_have_text(
        [f"Evaluatie te laat ({driehoek.naam}, evaluatie {date_format(today - 5 * DAY, 'j F Y')})"])
    assert_no_axe_violations(page)
    if os.environ.get("SCREENSHOT_DIR"):  # for looking at the page, not for the test
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "dashboard_levensfasen.png"), full_page=True)
