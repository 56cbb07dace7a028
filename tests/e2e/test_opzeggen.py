"""Issue 14 item 2 in a real browser: the burgemeester of Soest gives notice of a signed arrangement, with password
and a fresh second-factor code; a date before the end of the opzegtermijn is refused with the earliest date and the
typed reason kept; then the arrangement page says who gave notice for which party, when, from when and why.
axe-core and the Nu Html Checker check every page."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import formats, timezone
from playwright.sync_api import expect

from arrangementen import opzeggen, services
from arrangementen.models import Arrangement, Opzegging, Status
from samenwerking.models import Driehoek
from tests.mfa import code_for

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REDEN = "Soest sluit zich aan bij het regionale convenant van de eenheid."


@pytest.fixture
def ondertekend(demo_data) -> Arrangement:
    """A BES arrangement in status ondertekend with an opzegtermijn of 3 months (setup only: signing has its own
    browser test, test_signing.py)."""
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    arrangement = services.create_arrangement(driehoek=bes, user=demo_data["coordinator"],
                                              titel="Handhavingsarrangement BES 2026", start="leeg")
    today = timezone.localdate()
    Arrangement.objects.filter(pk=arrangement.pk).update(
        status=Status.ONDERTEKEND, opzegtermijn_maanden=3, geldig_van=today - datetime.timedelta(days=100),
        geldig_tot=today + datetime.timedelta(days=1000), vastgesteld_op=today - datetime.timedelta(days=120))
    arrangement.refresh_from_db()
    return arrangement


def long_date(day) -> str:
    return formats.date_format(day, "j F Y")


def test_burgemeester_zegt_op_met_tweede_factor_en_ziet_de_opzegging(page, live_server, ondertekend, demo_data):
    detail_url = f"{live_server.url}/arrangementen/{ondertekend.pk}/"
    login_checked(page, live_server, "burgemeester")
    page.goto(detail_url)
    acties = page.get_by_role("region", name="Wat u nu kunt doen")
    acties.get_by_role("link", name="Opzeggen").click()
    expect(page).to_have_url(f"{detail_url}opzeggen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opzeggen")
    expect(page.get_by_text("De opzegtermijn is 3 maanden.")).to_be_visible()
    keuze = page.get_by_role("group", name="Opzeggen namens")
    expect(keuze.get_by_role("radio")).to_have_count(1)  # only the own gemeente
    expect(keuze.get_by_role("radio", name=re.compile("^Gemeente Soest"))).to_be_checked()
    earliest = opzeggen.earliest_date(ondertekend)
    datum = page.get_by_label("Gaat in op")
    expect(datum).to_have_value(earliest.isoformat())
    expect(datum).to_have_accessible_description(re.compile(f"Op zijn vroegst {long_date(earliest)}"))
    assert_no_axe_violations(page)

    # A date before the end of the opzegtermijn: refused, naming the earliest date; the reason stays.
    page.get_by_label("Reden van de opzegging").fill(REDEN)
    datum.fill(timezone.localdate().isoformat())
    page.get_by_label("Uw wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_label("Verificatiecode").fill(code_for(demo_data["burgemeester"]))
    page.get_by_role("button", name="Opzeggen").click()
    datum = page.get_by_label("Gaat in op")
    expect(datum).to_have_attribute("aria-invalid", "true")
    expect(datum).to_have_accessible_description(re.compile(
        f"Met een opzegtermijn van 3 maanden gaat de opzegging op zijn vroegst in op {long_date(earliest)}."))
    expect(page.get_by_label("Reden van de opzegging")).to_have_value(REDEN)
    assert not Opzegging.objects.exists()
    assert_no_axe_violations(page)

    # The earliest date, with the password and a fresh code: given.
    datum.fill(earliest.isoformat())
    page.get_by_label("Uw wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_label("Verificatiecode").fill(code_for(demo_data["burgemeester"]))
    page.get_by_role("button", name="Opzeggen").click()
    expect(page).to_have_url(f"{detail_url}#opzegging")
    expect_message(page, "Het arrangement is opgezegd. Alle partijen krijgen hierover een e-mail.")
    melding = page.locator("#opzegging")
    expect(melding).to_have_text(
        f"Opgezegd door Bert Burgemeester namens Gemeente Soest op {long_date(timezone.localdate())}, per "
        f"{long_date(earliest)}: {REDEN}")
    expect(page.get_by_role("link", name="Opzeggen")).to_have_count(0)
    assert_no_axe_violations(page)

    opzegging = Opzegging.objects.get(arrangement=ondertekend)
    assert (opzegging.door, opzegging.ingangsdatum) == (demo_data["burgemeester"], earliest)
    ontvangers = [m.to[0] for m in mail.outbox if "is opgezegd per" in m.subject]
    assert demo_data["burgemeester"].email in ontvangers
    assert demo_data["secretaris"].email in ontvangers
    assert len(ontvangers) == len(set(ontvangers))
