"""Issue 15 item 4 in a real browser: an arrangement of BES that shares data is approved by every party and by the
privacy adviser. The officier, who is also a privacy adviser, is asked in which capacity she approves (her typed
toelichting kept when she forgets); Priya Privacy, the FG of Soest, finds it under "Te beoordelen" and her approval
is the last one. axe-core and the Nu Html Checker check every page (tests/e2e/conftest.py)."""


import pytest
from django.urls import reverse
from playwright.sync_api import expect

from arrangementen import gegevensstromen, services, workflow
from arrangementen.bibliotheek import load_grondslagen
from arrangementen.models import Arrangement, Grondslag, Status
from samenwerking.models import Driehoek, Rol
from samenwerking.services import grant_membership

from .conftest import assert_no_axe_violations, expect_message, login_checked
from .reis import the_other_parties_approve

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITEL = "Handhavingsarrangement BES met gegevensdeling"


def shipped_grondslag(code: str) -> Grondslag:
    """The ground as shipped; loaded again when an earlier transactional test flushed it."""
    load_grondslagen()
    return Grondslag.objects.get(code=code)


@pytest.fixture
def ter_beoordeling(demo_data) -> Arrangement:
    """Submitted with one flow (police data to Soest, Wpg art. 16); the officier is privacy adviser as well."""
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    coordinator = demo_data["coordinator"]
    arrangement = services.create_arrangement(driehoek=bes, user=coordinator, titel=TITEL)
    politie = arrangement.partijen.get(organisatie__soort="politie").organisatie
    gegevensstromen.add_gegevensstroom(
        arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
        gegevens=gegevensstromen.Stroomgegevens(
            verstrekker=politie, ontvangers=[coordinator.organisatie], categorieen="Meldingen van overlast",
            doel="Gerichte inzet van BOA's", grondslag=shipped_grondslag("wpg-16")))
    grant_membership(gebruiker=demo_data["officier"], driehoek=bes, rol=Rol.PRIVACYADVISEUR)
    workflow.perform(arrangement=arrangement, action="indienen", user=coordinator, toelichting="Graag uw oordeel")
    return Arrangement.objects.get(pk=arrangement.pk)


def test_de_privacyadviseur_keurt_als_laatste_goed(page, new_page, live_server, ter_beoordeling):
    detail_url = f"{live_server.url}/arrangementen/{ter_beoordeling.pk}/"
    officier = new_page()
    login_checked(officier, live_server, "officier")
    officier.goto(detail_url)
    expect(officier.get_by_text("Privacyadviseur: nog niet beoordeeld")).to_be_visible()
    officier.get_by_role("link", name="Goedkeuren").click()
    # Both capacities are open: the form asks, and keeps what she typed when she forgets to choose.
    officier.get_by_label("Toelichting").fill("Akkoord namens het OM")
    officier.get_by_role("button", name="Goedkeuren").click()
    expect(officier.get_by_text("U bent beoordelaar én privacyadviseur: kies namens wie u beslist.")).to_be_visible()
    expect(officier.get_by_label("Toelichting")).to_have_value("Akkoord namens het OM")
    assert_no_axe_violations(officier)
    officier.get_by_label("Ik beslis").select_option(label="namens een partij")
    officier.get_by_role("button", name="Goedkeuren").click()
    expect(officier.locator(".app-messages").get_by_role("status")).to_contain_text("de privacyadviseur")
    expect(officier.get_by_text("Arrondissementsparket Midden-Nederland: goedgekeurd door Olga Officier")
           ).to_be_visible()
    assert_no_axe_violations(officier)

    the_other_parties_approve(ter_beoordeling)
    assert Arrangement.objects.get(pk=ter_beoordeling.pk).status == Status.TER_REVIEW

    login_checked(page, live_server, "privacy")
    page.goto(f"{live_server.url}{reverse('arrangementen:te_beoordelen')}")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=TITEL).click()
    expect(page.get_by_text("Privacyadviseur: nog niet beoordeeld")).to_be_visible()
    page.get_by_role("link", name="Goedkeuren").click()
    expect(page.get_by_label("Ik beslis")).to_have_count(0)  # her only capacity: nothing to choose
    assert_no_axe_violations(page)
    page.get_by_label("Toelichting").fill("Grondslag, bewaartermijn en ontvangers kloppen.")
    page.get_by_role("button", name="Goedkeuren").click()
    expect_message(page, "Het arrangement heeft nu de status 'goedgekeurd'.")
    expect(page.get_by_text("Privacyadviseur: goedgekeurd door Priya Privacy")).to_be_visible()
    assert_no_axe_violations(page)
    assert Arrangement.objects.get(pk=ter_beoordeling.pk).status == Status.GOEDGEKEURD
