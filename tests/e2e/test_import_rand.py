"""Issue 18's leftovers in a real browser: a long list answered with one whole-list date default and one
deviating row; a verslag send step naming who gets no e-mail; an actiepunt kept 'datum onbekend' when edited.
axe-core on every page state, Nu Html Checker on every page served."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actiepunten import services
from actiepunten.cyclus import services as cyclus
from actiepunten.models import Actiepunt, Overleg, Verslagverzending
from samenwerking.models import Driehoek

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"


def _lijst(n: int) -> bytes:
    lines = ["Nr;Onderwerp;Wie;Datum gereed"]
    lines += [f"{i};Punt {i};Extern {i % 5};{'1-10-2025' if i % 10 == 0 else 'z.s.m.'}" for i in range(1, n + 1)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def overleg(demo_data) -> Overleg:
    bes = Driehoek.objects.get(naam=BES)
    return services.create_overleg(driehoek=bes, user=demo_data["secretaris"], data={
        "soort": Overleg.Soort.WERKGROEP, "titel": "Werkgroep Lange Lijst", "datum": timezone.localdate()})


def test_een_lange_lijst_met_een_keuze_voor_alle_datums(page, live_server, overleg, page_checks, tmp_path):
    login_checked(page, live_server, "secretaris")
    url = f"{live_server.url}/actiepunten/overleg/{overleg.pk}/importeren/"
    page_checks.expect_status(url, 400)
    page.goto(url)
    path = tmp_path / "lang.csv"
    path.write_bytes(_lijst(200))
    page.get_by_label("Actielijst (CSV of Excel)").set_input_files(path)
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.get_by_role("alert")).to_contain_text("Rij 2: 'z.s.m.' is geen datum.")
    assert_no_axe_violations(page)
    page.get_by_label("Alle onbekende datums: geen datum (datum onbekend)").check()
    page.get_by_label("Andere datums per rij").fill("3: 15-11-2025")
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    expect(page.get_by_role("button", name="200 actiepunten importeren")).to_be_visible()
    expect(page.get_by_label("Andere datums per rij")).to_have_value("3: 15-11-2025")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="200 actiepunten importeren").click()
    expect_message(page, "200 actiepunten zijn geïmporteerd.")
    punten = Actiepunt.objects.filter(overleg=overleg)
    assert punten.count() == 200 and punten.filter(datum_gereed__isnull=True).count() == 179
    assert punten.get(nummer=2).datum_gereed == datetime.date(2025, 11, 15)

    # The point without a date is edited and stays 'datum onbekend'.
    punt = punten.get(nummer=1)
    page.goto(f"{live_server.url}/actiepunten/punt/{punt.pk}/bewerken/")
    expect(page.get_by_text("Leeg laten: het actiepunt blijft 'datum onbekend'.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label(re.compile("^Onderwerp")).fill("Punt 1, bijgewerkt")
    page.get_by_role("button", name="Opslaan").click()
    expect_message(page, "Het actiepunt is opgeslagen.")
    punt.refresh_from_db()
    assert (punt.onderwerp, punt.datum_gereed) == ("Punt 1, bijgewerkt", None)


def test_het_verslag_noemt_wie_geen_mail_krijgt(page, live_server, overleg, demo_data):
    secretaris = demo_data["secretaris"]
    services.update_overleg(overleg=overleg, user=secretaris, data={
        "soort": "werkgroep", "titel": "Werkgroep Lange Lijst", "datum": timezone.localdate(),
        "verslag": "## Opening\n\nDe voorzitter **opent**.\n\n- Briefing\n- Portofoons"},
        deelnemers=[services.Deelnemer(gebruiker=demo_data["coordinator"]),
                    services.Deelnemer(naam="Jos Speetjens", organisatie="Nationale Politie")])
    cyclus.finalise_verslag(overleg=overleg, user=secretaris)
    login_checked(page, live_server, "secretaris")
    page.goto(f"{live_server.url}/actiepunten/overleg/{overleg.pk}/")
    expect(page.locator(".app-verslag strong")).to_have_text("opent")
    waarschuwing = page.get_by_role("note").filter(has_text="krijgt het verslag niet per e-mail")
    expect(waarschuwing).to_contain_text("Jos Speetjens (Nationale Politie): van buiten de driehoek")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Verslag versturen").click()
    expect_message(page, "Het verslag wordt verstuurd naar 1 ontvanger.")
    expect(page.locator(".app-messages")).to_contain_text("Niet per e-mail verstuurd aan: Jos Speetjens")
    assert_no_axe_violations(page)
    assert "Jos Speetjens" in Verslagverzending.objects.get(overleg=overleg).niet_ontvangen
