"""Issue 18 acceptance in a real browser: overleg 1 with actiepunten → overleg 2 carries the open one → the verslag
is written per agendapunt, vastgesteld and sent (the mail captured, the PDF attached) → the eigenaar adds a progress
note and reports the point gereed with a toelichting that stays. axe-core and the Nu Html Checker on every page."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from actiepunten.models import Actiepunt, Overleg, Status, Verslagverzending, Voortgang

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
CARLA = "Carla de Coördinator"
TITEL = "Werkgroep handhavingscyclus"
OPEN_PUNT = "Alle basisteams in de regio bezoeken"
KLAAR_PUNT = "Contactlijst BOA-werkgevers bijwerken"
TOELICHTING = "Alle drie de basisteams bezocht; de verslagen staan in de map."


def _datum(days: int) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=days):%Y-%m-%d}"


def add_actiepunt(page: Page, onderwerp: str, days: int, mede: str = "") -> None:
    page.get_by_role("link", name="Actiepunt toevoegen").click()
    page.get_by_label("Onderwerp").fill(onderwerp)
    page.get_by_label(re.compile("^Eigenaar")).select_option(label=CARLA)
    if mede:
        page.get_by_label(re.compile("^Andere mede-eigenaren")).fill(mede)
    page.get_by_label("Datum gereed").fill(_datum(days))
    page.get_by_role("button", name="Opslaan").click()


def test_vergadercyclus_van_actiepunten_tot_verstuurd_verslag(page, new_page, live_server, demo_data):
    # 1. Overleg 1, reached from the driehoek page, with two actiepunten for Carla; one is done --------------
    secretaris = page
    login_checked(secretaris, live_server, "secretaris")
    secretaris.get_by_role("list", name="Mijn driehoeken").get_by_role("link", name=BES, exact=True).click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(BES)
    assert_no_axe_violations(secretaris)
    secretaris.get_by_role("link", name="Overleggen en verslagen").click()
    secretaris.get_by_role("link", name="Nieuw overleg").click()
    secretaris.get_by_label("Soort overleg").select_option(label="werkgroep")
    secretaris.get_by_label(re.compile("^Titel")).fill(TITEL)
    secretaris.get_by_label("Datum", exact=True).fill(_datum(-14))
    secretaris.get_by_role("group", name="Deelnemers uit de driehoek").get_by_label(CARLA).check()
    secretaris.get_by_label(re.compile("^Agenda")).fill("Opening\nRondvraag")
    secretaris.get_by_role("button", name="Opslaan").click()
    expect_message(secretaris, "Het overleg is vastgelegd.")
    eerste_url = secretaris.url
    add_actiepunt(secretaris, OPEN_PUNT, 30, mede="de secretaris")
    expect_message(secretaris, "Actiepunt 1 is toegevoegd.")
    add_actiepunt(secretaris, KLAAR_PUNT, 10)
    expect_message(secretaris, "Actiepunt 2 is toegevoegd.")
    tabel = secretaris.get_by_role("table", name="Actiepunten")
    expect(tabel.get_by_role("row").filter(has_text=OPEN_PUNT)).to_contain_text(f"{CARLA} i.s.m. de secretaris")
    assert_no_axe_violations(secretaris)
    tabel.get_by_role("link", name=KLAAR_PUNT).click()
    secretaris.get_by_role("button", name="Gereed melden").click()
    expect_message(secretaris, "De status is nu 'gereed'.")
    # Carla got one mail per point assigned to her, whatever was saved after.
    toewijzing = [m for m in mail.outbox if m.subject.startswith("Nieuw actiepunt voor u")
                  and m.to == [demo_data["coordinator"].email]]
    assert sorted(m.subject for m in toewijzing) == sorted(
        f"Nieuw actiepunt voor u: {o}" for o in (OPEN_PUNT, KLAAR_PUNT))

    # 2. Overleg 2 of the series carries the open point into its agenda ----------------------------------------
    secretaris.goto(eerste_url)
    secretaris.get_by_role("link", name="Volgend overleg plannen").click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text("Nieuw overleg")
    meegenomen = secretaris.get_by_role("list", name=re.compile("Op de agenda komt 'Actiepuntenlijst'"))
    expect(meegenomen).to_contain_text(OPEN_PUNT)
    expect(meegenomen).not_to_contain_text(KLAAR_PUNT)
    expect(secretaris.get_by_label(re.compile("^Titel"))).to_have_value(TITEL)
    assert_no_axe_violations(secretaris)
    secretaris.get_by_label("Datum", exact=True).fill(_datum(0))
    secretaris.get_by_role("button", name="Opslaan").click()
    expect_message(secretaris, "Het overleg is vastgelegd; de open actiepunten staan op de agenda onder "
                               "'Actiepuntenlijst'.")
    agenda = secretaris.get_by_role("list", name="Agenda en verslag")
    expect(agenda.get_by_role("heading", level=3)).to_have_text(["Actiepuntenlijst", "Opening", "Rondvraag"])
    expect(agenda).to_contain_text(OPEN_PUNT)
    expect(agenda).not_to_contain_text(KLAAR_PUNT)
    assert_no_axe_violations(secretaris)
    tweede = Overleg.objects.get(titel=TITEL, vorige__isnull=False)

    # 3. The verslag per agendapunt, in Markdown, with a besluit; vastgesteld; sent ----------------------------
    secretaris.get_by_role("link", name="Verslag per agendapunt schrijven").click()
    assert_no_axe_violations(secretaris)
    secretaris.get_by_label("Verslag bij 1. Actiepuntenlijst").fill(
        "Carla meldt **voortgang**:\n\n- twee basisteams bezocht\n- één volgt")
    secretaris.get_by_label("Besluiten bij 2. Opening").fill("De werkgroep komt elke zes weken bijeen")
    secretaris.get_by_role("button", name="Verslag opslaan").click()
    expect_message(secretaris, "Het verslag is opgeslagen.")
    expect(agenda.locator("strong", has_text="voortgang")).to_be_visible()
    expect(agenda.get_by_role("listitem").filter(has_text="twee basisteams bezocht").first).to_be_visible()
    expect(agenda).to_contain_text("Besluit 1: De werkgroep komt elke zes weken bijeen")
    secretaris.get_by_role("button", name="Verslag vaststellen").click()
    expect(secretaris.locator(".app-messages")).to_contain_text("Het verslag is vastgesteld op")
    assert_no_axe_violations(secretaris)
    secretaris.get_by_role("button", name="Verslag versturen").click()
    expect_message(secretaris, "Het verslag wordt verstuurd naar 1 ontvanger.")
    expect(secretaris.get_by_role("list", name="Verstuurd")).to_contain_text("verzonden")
    assert_no_axe_violations(secretaris)
    verzending = Verslagverzending.objects.get(overleg=tweede)
    assert (verzending.status, verzending.verzonden_door.username) == ("verzonden", "secretaris")
    verslagen = [m for m in mail.outbox if m.subject.startswith("Verslag ")]
    assert len(verslagen) == 1 and verslagen[0].to == [demo_data["coordinator"].email]
    naam, inhoud, soort = verslagen[0].attachments[0]
    assert soort == "application/pdf" and inhoud.startswith(b"%PDF") and naam.endswith(".pdf")
    tweede.refresh_from_db()
    assert tweede.verslag_vastgesteld_op is not None

    # 4. Carla adds a progress note and reports the point gereed with a toelichting -----------------------------
    carla = new_page()
    login_checked(carla, live_server, "coordinator")
    punt = Actiepunt.objects.get(onderwerp=OPEN_PUNT)
    carla.goto(f"{live_server.url}/actiepunten/punt/{punt.pk}/")
    expect(carla.get_by_role("heading", level=1)).to_have_text("Actiepunt 1")
    assert_no_axe_violations(carla)
    carla.get_by_label("Voortgang", exact=True).fill("Twee van de drie basisteams bezocht")
    carla.get_by_role("button", name="Voortgang melden").click()
    expect_message(carla, "De voortgang is vastgelegd.")
    expect(carla.get_by_role("list", name="Voortgang")).to_contain_text("Twee van de drie basisteams bezocht")
    carla.get_by_label(re.compile("^Toelichting")).fill(TOELICHTING)
    carla.get_by_role("button", name="Gereed melden").click()
    expect_message(carla, "De status is nu 'gereed'.")
    expect(carla.get_by_role("main")).to_contain_text(TOELICHTING)
    assert_no_axe_violations(carla)
    carla.goto(f"{live_server.url}/actiepunten/driehoek/{punt.driehoek_id}/")
    rij = carla.get_by_role("row").filter(has_text=OPEN_PUNT)
    expect(rij).to_contain_text("Twee van de drie basisteams bezocht")
    assert_no_axe_violations(carla)

    punt.refresh_from_db()
    assert punt.status == Status.GEREED
    assert TOELICHTING in punt.history.first().history_change_reason
    assert Voortgang.objects.get(actiepunt=punt).auteur.username == "coordinator"
