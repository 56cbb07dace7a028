"""Issue 18 item 4 in a real browser: the secretaris of the BOA-Platform werkgroep (members from politie, OM, CCV,
VNG and the BOA-bond) opens it, plans an overleg and gives an actiepunt to a member of another organisation, who
finds it under "Mijn actiepunten" and reports progress. axe-core and the Nu Html Checker on every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actiepunten.models import Actiepunt, Overleg, Voortgang
from samenwerking.demowerkgroep import WERKGROEP_NAAM, create_demo_werkgroep

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITEL = "Werkgroep Samenwerking, tweede bijeenkomst"
ONDERWERP = "Brief van de VNG over domeinoverstijgend werken delen"
MARTINE = "Martine Meijers"
VOORTGANG = "Concept ligt bij de portefeuillehouder"


def test_werkgroep_secretaris_plans_an_overleg_and_a_member_of_another_organisation_reports_progress(
        page, new_page, live_server, demo_data):
    create_demo_werkgroep(password=DEMO_PASSWORD)
    secretaris = page
    login_checked(secretaris, live_server, "secretaris")
    secretaris.get_by_role("list", name="Mijn driehoeken").get_by_role("link", name=WERKGROEP_NAAM).click()
    expect(secretaris.get_by_role("heading", level=1)).to_have_text(WERKGROEP_NAAM)
    for organisatie in ("BOA-Platform", "Het CCV", "VNG", "De Nederlandse BOA Bond", "Politie Eenheid Midden-Nederland",
                        "Arrondissementsparket Midden-Nederland"):
        expect(secretaris.get_by_role("rowheader", name=organisatie)).to_be_visible()
    expect(secretaris.get_by_role("main")).not_to_contain_text("Gemeenten")
    assert_no_axe_violations(secretaris)

    secretaris.get_by_role("link", name="Overleg plannen").click()
    expect(secretaris.get_by_label("Soort overleg")).to_have_value(Overleg.Soort.WERKGROEP)
    secretaris.get_by_label(re.compile("^Titel")).fill(TITEL)
    secretaris.get_by_label("Datum", exact=True).fill(f"{timezone.localdate():%Y-%m-%d}")
    deelnemers = secretaris.get_by_role("group", name="Deelnemers uit de werkgroep")
    deelnemers.get_by_label("Jos Speetjens").check()
    deelnemers.get_by_label(MARTINE).check()
    secretaris.get_by_label(re.compile("^Agenda")).fill("Opening\nDomeinoverstijgend werken\nRondvraag")
    assert_no_axe_violations(secretaris)
    secretaris.get_by_role("button", name="Opslaan").click()
    expect_message(secretaris, "Het overleg is vastgelegd.")

    secretaris.get_by_role("link", name="Actiepunt toevoegen").click()
    secretaris.get_by_label("Onderwerp").fill(ONDERWERP)
    secretaris.get_by_label(re.compile("^Eigenaar")).select_option(label=MARTINE)
    gereed = timezone.localdate() + datetime.timedelta(days=14)
    secretaris.get_by_label("Datum gereed").fill(f"{gereed:%Y-%m-%d}")
    secretaris.get_by_role("button", name="Opslaan").click()
    expect_message(secretaris, "Actiepunt 1 is toegevoegd.")
    expect(secretaris.get_by_role("table", name="Actiepunten")).to_contain_text(ONDERWERP)
    assert_no_axe_violations(secretaris)

    martine = new_page()
    login_checked(martine, live_server, "martine")
    martine.goto(f"{live_server.url}/actiepunten/")
    martine.get_by_role("link", name=ONDERWERP).click()
    assert_no_axe_violations(martine)
    martine.get_by_label("Voortgang", exact=True).fill(VOORTGANG)
    martine.get_by_role("button", name="Voortgang melden").click()
    expect_message(martine, "De voortgang is vastgelegd.")
    expect(martine.get_by_role("list", name="Voortgang")).to_contain_text(VOORTGANG)
    assert_no_axe_violations(martine)

    punt = Actiepunt.objects.get(onderwerp=ONDERWERP)
    assert (punt.driehoek.naam, punt.overleg.titel, punt.eigenaar.username) == (WERKGROEP_NAAM, TITEL, "martine")
    assert punt.eigenaar.organisatie.naam == "VNG"
    assert Voortgang.objects.get(actiepunt=punt).auteur.username == "martine"
