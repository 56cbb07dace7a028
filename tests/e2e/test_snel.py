"""The everyday pages after issue 19's cuts, in a real browser (axe-core and vnu on every page): the dashboard's
"Opgezegd / vervangen" block from the shared read of signed arrangements, and the arrangementen list whose filter
selects are written in Python (Keuzelijst) — the chosen filter stays chosen and the rows follow it."""

import datetime
import os

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from arrangementen.models import Opzegging, Partij, Status

from ..factories import ArrangementFactory, OrganisatieFactory
from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def _shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):  # for looking at the page, not for the test
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], name), full_page=True)


def test_dashboard_and_list_after_the_cuts(page, live_server, demo_data):
    coordinator = demo_data["coordinator"]
    driehoek = coordinator.lidmaatschappen.get().driehoek
    today = timezone.localdate()
    opgezegd = ArrangementFactory(driehoek=driehoek, titel="Snel opgezegd", status=Status.ONDERTEKEND,
                                  geldig_van=today - 300 * DAY, geldig_tot=today + 400 * DAY)
    partij = Partij.objects.create(arrangement=opgezegd, organisatie=OrganisatieFactory(),
                                   ondertekenaar_functie="burgemeester")
    Opzegging.objects.create(arrangement=opgezegd, partij=partij, door=coordinator, reden="Samenwerking stopt.",
                             ingangsdatum=today + 60 * DAY)
    ArrangementFactory(driehoek=driehoek, titel="Snel vervangen", status=Status.ONDERTEKEND,
                       geldig_van=today - 300 * DAY, geldig_tot=today + 400 * DAY, vervangen_per=today + 20 * DAY)

    login(page, live_server, "coordinator")
    blok = page.get_by_role("region", name="Opgezegd / vervangen")
    expect(blok.get_by_role("listitem").filter(has_text="Snel")).to_have_text([
        f"Snel vervangen ({driehoek.naam}, vervangen per {date_format(today + 20 * DAY, 'j F Y')})",
        f"Snel opgezegd ({driehoek.naam}, opgezegd per {date_format(today + 60 * DAY, 'j F Y')})",
    ])
    expect(page.get_by_role("region", name="In werking").get_by_role("link", name="Snel vervangen")).to_have_count(0)
    assert_no_axe_violations(page)
    _shot(page, "snel_dashboard.png")

    page.get_by_role("link", name="Arrangementen", exact=True).click()
    page.get_by_label("Status").select_option(label="ondertekend")
    page.get_by_label("Levensfase").select_option(label="opgezegd, nog in werking")
    page.get_by_role("button", name="Toon resultaten").click()
    expect(page.get_by_label("Status")).to_have_value("ondertekend")
    expect(page.get_by_label("Levensfase")).to_have_value("opgezegd")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="Snel opgezegd")).to_have_count(1)
    expect(rows.filter(has_text="Snel vervangen")).to_have_count(0)
    assert_no_axe_violations(page)
    _shot(page, "snel_lijst.png")
