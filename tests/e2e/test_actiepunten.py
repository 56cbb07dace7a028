"""Issue 5 acceptance in a real browser: the secretaris records an overleg with three actiepunten for the
coordinator; the coordinator finds them under "Mijn actiepunten" and reports one done. Every page visited (and
every page state) is checked by axe-core for WCAG 2.1 AA."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actiepunten.models import Actiepunt, Overleg, Status

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
TITEL = "Tactisch overleg jaarwisseling"
CARLA = "Carla de Coördinator"
VERSLAG = "<p>De driehoek bespreekt de <strong>jaarwisseling</strong>.</p>"
PUNTEN = [  # onderwerp, days until datum gereed
    ("Afspraken over portofoongebruik met de meldkamer vastleggen", 5),
    ("Rooster gezamenlijke briefing delen", 20),
    ("Inzetplan jaarwisseling opstellen", 30),
]


def _datum(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def mijn_tabel(page: Page):
    return page.get_by_role("table", name=re.compile(r"^\d+ actiepunt"))


def rij(page: Page, onderwerp: str):
    return mijn_tabel(page).get_by_role("row").filter(has_text=onderwerp)


def test_secretaris_legt_overleg_vast_en_coordinator_meldt_actiepunt_gereed(page, new_page, live_server, demo_data):
    # 1. The secretaris finds the overleggen of the driehoek ----------------------------------------------
    secretaris = page
    login_checked(secretaris, live_server, "secretaris")
    secretaris.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn actiepunten").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Mijn actiepunten")
    expect(secretaris.get_by_text("Geen actiepunten gevonden met deze filters.")).to_be_visible()
    assert_no_axe_violations(secretaris)
    secretaris.get_by_role("main").get_by_role("link", name=BES).click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(f"Actielijst {BES}")
    assert_no_axe_violations(secretaris)
    secretaris.get_by_role("link", name="Overleggen en verslagen").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(f"Overleggen {BES}")
    expect(secretaris.get_by_text("Er zijn nog geen overleggen vastgelegd.")).to_be_visible()
    assert_no_axe_violations(secretaris)

    # 2. ... and records the overleg -----------------------------------------------------------------------
    secretaris.get_by_role("link", name="Nieuw overleg").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Nieuw overleg")
    assert_no_axe_violations(secretaris)
    secretaris.get_by_label("Soort overleg").select_option(label="tactisch overleg")
    secretaris.get_by_label(re.compile("^Titel")).fill(TITEL)
    secretaris.get_by_label("Datum", exact=True).fill(f"{timezone.localdate():%Y-%m-%d}")
    secretaris.get_by_label(re.compile("^Locatie")).fill("Politiebureau Soest")
    secretaris.get_by_role("group", name="Deelnemers uit de driehoek").get_by_label(CARLA).check()
    secretaris.get_by_label(re.compile("^Agenda")).fill("Opening\nInzet jaarwisseling\nRondvraag")
    secretaris.get_by_label(re.compile("^Verslag")).fill(VERSLAG)
    secretaris.get_by_role("button", name="Opslaan").click()
    expect(secretaris).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/actiepunten/overleg/\d+/$"))
    expect_message(secretaris, "Het overleg is vastgelegd.")
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(TITEL)
    expect(secretaris.get_by_text("Bij dit overleg zijn geen actiepunten vastgelegd.")).to_be_visible()
    expect(secretaris.get_by_role("link", name="Verslag en actiepunten downloaden (PDF)")).to_be_visible()
    assert_no_axe_violations(secretaris)
    overleg_url = secretaris.url
    overleg_pk = overleg_url.rstrip("/").rsplit("/", 1)[1]

    # 3. ... with three actiepunten, all for the coordinator -----------------------------------------------
    for index, (onderwerp, days) in enumerate(PUNTEN, start=1):
        secretaris.get_by_role("link", name="Actiepunt toevoegen").click()
        expect(secretaris.get_by_role("heading", level=1)).to_have_text("Nieuw actiepunt")
        expect(secretaris.get_by_label(re.compile("^Overleg"))).to_have_value(overleg_pk)
        if index == 1:
            assert_no_axe_violations(secretaris)
        secretaris.get_by_label("Onderwerp").fill(onderwerp)
        secretaris.get_by_label(re.compile("^Eigenaar")).select_option(label=CARLA)
        secretaris.get_by_label("Datum gereed").fill(f"{_datum(days):%Y-%m-%d}")
        secretaris.get_by_role("button", name="Opslaan").click()
        expect(secretaris).to_have_url(overleg_url)
        expect_message(secretaris, f"Actiepunt {index} is toegevoegd.")
    tabel = secretaris.get_by_role("table", name="Actiepunten")
    expect(tabel.get_by_role("row")).to_have_count(4)
    for index, (onderwerp, _days) in enumerate(PUNTEN, start=1):
        row = tabel.get_by_role("row").nth(index)
        expect(row.get_by_role("cell").nth(0)).to_have_text(f"{index}.")
        expect(row.get_by_role("cell").nth(1)).to_have_text(onderwerp)
        expect(row.get_by_role("cell").nth(2)).to_have_text(CARLA)
    assert_no_axe_violations(secretaris)

    overleg = Overleg.objects.get(titel=TITEL)
    punten = overleg.actiepunten.order_by("nummer")
    assert [(p.nummer, p.onderwerp, p.eigenaar.username, p.datum_gereed) for p in punten] == [
        (i, o, "coordinator", _datum(d)) for i, (o, d) in enumerate(PUNTEN, start=1)]

    # 4. The coordinator finds them under "Mijn actiepunten" -----------------------------------------------
    coordinator = new_page()
    login_checked(coordinator, live_server, "coordinator")
    coordinator.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn actiepunten").click()
    expect(coordinator).to_have_url(f"{live_server.url}/actiepunten/")
    expect(coordinator.get_by_role("heading", name="3 actiepunten")).to_be_visible()
    for onderwerp, _days in PUNTEN:
        expect(rij(coordinator, onderwerp)).to_contain_text(TITEL)
        expect(rij(coordinator, onderwerp)).to_contain_text(BES)
    expect(rij(coordinator, PUNTEN[0][0])).to_contain_text("binnenkort")
    assert_no_axe_violations(coordinator)

    # 5. ... and reports the first one done -----------------------------------------------------------------
    onderwerp = PUNTEN[0][0]
    rij(coordinator, onderwerp).get_by_role("link", name=onderwerp).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Actiepunt 1")
    # The eigenaar also reports progress (issue 18): that form's one button comes before the status buttons.
    expect(coordinator.get_by_role("main").get_by_role("button")).to_have_text(
        ["Voortgang melden", "In uitvoering nemen", "Gereed melden", "Laten vervallen"])
    assert_no_axe_violations(coordinator)
    coordinator.get_by_role("button", name="Gereed melden").click()
    expect_message(coordinator, "De status is nu 'gereed'.")
    status = coordinator.locator("xpath=//main//dt[normalize-space()='Status']/following-sibling::dd[1]")
    expect(status).to_contain_text(f"gereed (gereed gemeld op {timezone.localdate().day} ")
    expect(coordinator.get_by_role("main").get_by_role("button")).to_have_text(["Voortgang melden", "Heropenen"])
    assert_no_axe_violations(coordinator)

    coordinator.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn actiepunten").click()
    badge = rij(coordinator, onderwerp).locator(".app-signaal")
    expect(badge).to_have_text("gereed")  # the tick is drawn (SVG), not a font glyph
    expect(badge).to_have_class(re.compile(r"\bapp-signaal--gereed\b"))
    expect(badge.locator("svg.app-signaal__icoon")).to_have_count(1)
    coordinator.get_by_label("Status").select_option(label="Lopend (open of in uitvoering)")
    coordinator.get_by_role("button", name="Toon resultaten").click()
    expect(coordinator.get_by_role("heading", name="2 actiepunten")).to_be_visible()
    expect(rij(coordinator, onderwerp)).to_have_count(0)
    assert_no_axe_violations(coordinator)

    punt = Actiepunt.objects.get(overleg=overleg, nummer=1)
    assert (punt.status, punt.gereed_op, punt.history.first().history_user.username) == (
        Status.GEREED, timezone.localdate(), "coordinator")
    assert Actiepunt.objects.filter(overleg=overleg, status=Status.OPEN).count() == 2
