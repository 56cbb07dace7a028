"""The comparison of two dates and the filters of the aggregate page (issue 16 items 3 and 4) in a real browser:
a landelijk user filters /beeld/ by eenheid and reads the numbers per eenheid, then compares two dates; a reversed
pair is refused in Dutch with both dates kept; axe-core and vnu on each page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arrangementen.models import Partij, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Gemeente, Organisatie, Overzichtsniveau

from ..factories import TEST_PASSWORD, ArrangementFactory, DriehoekFactory, GebruikerFactory
from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_landelijk_user_filters_and_compares_two_dates(page, live_server, demo_data):
    landelijk = GebruikerFactory(username="landelijk2")
    overzichtsrollen.grant_overview(gebruiker=landelijk, niveau=Overzichtsniveau.LANDELIJK)
    baarn = Gemeente.objects.get(weergavenaam="Baarn")
    today, day = timezone.localdate(), datetime.timedelta(days=1)
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=[baarn]), status=Status.ONDERTEKEND,
                                     aangemaakt_op=timezone.now() - 400 * day, vastgesteld_op=today - 300 * day,
                                     ondertekend_op=timezone.now() - 200 * day, geldig_van=today - 200 * day,
                                     geldig_tot=today + 300 * day)
    organisatie = Organisatie.objects.create(naam="Gemeente Baarn (vergelijk)", soort=Organisatie.Soort.GEMEENTE,
                                             gemeente=baarn)
    Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")

    login(page, live_server, "landelijk2", TEST_PASSWORD)
    page.goto(f"{live_server.url}/beeld/")
    page.get_by_role("combobox", name="Politie-eenheid").select_option(str(baarn.eenheid_id))
    page.get_by_role("button", name="Toon de stand").click()
    rows = page.get_by_role("table", name="Gemeenten", exact=True).get_by_role("row")
    expect(rows).to_have_count(Gemeente.objects.filter(eenheid=baarn.eenheid).count() + 1)
    expect(page.get_by_role("table", name="Per politie-eenheid").get_by_role("row")).to_have_count(2)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Twee dagen vergelijken: wat is er veranderd?").click()
    page.get_by_role("textbox", name="Van").fill((today - 250 * day).strftime("%d-%m-%Y"))
    page.get_by_role("textbox", name="Tot en met").fill(today.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Vergelijk").click()
    nieuw = page.get_by_role("table", name="Nieuw gedekt (1)")
    expect(nieuw.get_by_role("rowheader", name="Baarn")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("textbox", name="Van").fill(today.strftime("%d-%m-%Y"))
    page.get_by_role("textbox", name="Tot en met").fill((today - 250 * day).strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Vergelijk").click()
    refusal = "De eerste datum ligt na de tweede; kies een eerdere datum of wissel ze om."
    expect(page.get_by_text(refusal).first).to_be_visible()
    expect(page.get_by_role("textbox", name="Van")).to_have_value(today.strftime("%d-%m-%Y"))
    assert_no_axe_violations(page)
