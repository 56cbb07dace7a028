"""Issue 15 items 1–3 in a real browser: the coordinator of BES records two data flows (one on Wpg art. 20 without
its voorwaarden), submission is refused naming the flow and the missing element with the typed toelichting kept,
the coordinator completes the flow from the link on the submission page and then submits. axe-core and the Nu Html
Checker check every page (tests/e2e/conftest.py)."""

import pytest
from playwright.sync_api import Page, expect

from arrangementen import services
from arrangementen.models import Arrangement, Status
from samenwerking.models import Driehoek

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITEL = "Handhavingsarrangement BES gegevensdeling"
POLITIE, SOEST, BAARN = "Politie Eenheid Midden-Nederland", "Gemeente Soest", "Gemeente Baarn"
ART20 = "Structurele verstrekking in een samenwerkingsverband (Wet politiegegevens, artikel 20)"
ART16 = "Verstrekking voor de politietaak (Wet politiegegevens, artikel 16)"


@pytest.fixture
def concept(demo_data) -> Arrangement:
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    return services.create_arrangement(driehoek=bes, user=demo_data["coordinator"], titel=TITEL)


def voeg_stroom_toe(page: Page, *, verstrekker: str, ontvanger: str, categorieen: str, grondslag: str,
                    belang: str = "", voorwaarden: str = "") -> None:
    page.get_by_role("link", name="Gegevensstroom toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevensstroom toevoegen")
    page.get_by_label("Verstrekker").select_option(label=verstrekker)
    page.get_by_role("group", name="Ontvangers").get_by_label(ontvanger).check()
    page.get_by_label("Categorieën van gegevens").fill(categorieen)
    page.get_by_label("Doel", exact=True).fill("Gerichte inzet van BOA's en politie in de wijk")
    page.get_by_label("Grondslag").select_option(label=grondslag)
    page.get_by_label("Zwaarwegend algemeen belang").fill(belang)
    page.get_by_label("Voorwaarden").fill(voorwaarden)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Gegevensstroom opslaan").click()
    expect_message(page, "De gegevensstroom is opgeslagen.")


def test_coordinator_legt_stromen_vast_en_kan_pas_indienen_als_artikel20_volledig_is(page, live_server, concept):
    detail_url = f"{live_server.url}/arrangementen/{concept.pk}/"
    login_checked(page, live_server, "coordinator")
    page.goto(detail_url)
    # A flow without verstrekker, ontvanger or grondslag: Dutch messages next to the fields, input kept.
    page.get_by_role("link", name="Gegevensstroom toevoegen").click()
    page.get_by_label("Categorieën van gegevens").fill("Alleen getypt")
    page.get_by_role("button", name="Gegevensstroom opslaan").click()
    expect(page.get_by_text("Kies de verstrekker.")).to_be_visible()
    expect(page.get_by_text("Kies ten minste één ontvanger.")).to_be_visible()
    expect(page.get_by_label("Categorieën van gegevens")).to_have_value("Alleen getypt")
    assert_no_axe_violations(page)
    page.goto(detail_url)

    voeg_stroom_toe(page, verstrekker=POLITIE, ontvanger=SOEST, categorieen="Meldingen van overlast",
                    grondslag=ART16)
    voeg_stroom_toe(page, verstrekker=POLITIE, ontvanger=BAARN, categorieen="Signalen van woonoverlast",
                    grondslag=ART20, belang="Veiligheid in de wijk")
    stromen = page.locator("#gegevensstromen ~ article")
    expect(stromen).to_have_count(2)
    expect(page.get_by_text("Artikel 20 Wpg: nog niet ingevuld: de voorwaarden.", exact=False)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("region", name="Wat u nu kunt doen").get_by_role(
        "link", name="Ter beoordeling aanbieden", exact=True).click()
    page.get_by_label("Toelichting").fill("Graag voor de zomer.")
    page.get_by_role("button", name="Ter beoordeling aanbieden", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Signalen van woonoverlast")
    expect(page.get_by_role("alert")).to_contain_text("noemt nog niet de voorwaarden")
    expect(page.get_by_label("Toelichting")).to_have_value("Graag voor de zomer.")
    assert_no_axe_violations(page)
    assert Arrangement.objects.get(pk=concept.pk).status == Status.CONCEPT

    page.get_by_role("link", name="Signalen van woonoverlast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevensstroom bewerken")
    page.get_by_label("Voorwaarden").fill("Alleen voor de hotspots uit het veiligheidsbeeld")
    page.get_by_role("button", name="Gegevensstroom opslaan").click()
    expect_message(page, "De gegevensstroom is opgeslagen.")
    expect(page.get_by_text("Artikel 20 Wpg: nog niet ingevuld", exact=False)).to_have_count(0)

    page.get_by_role("region", name="Wat u nu kunt doen").get_by_role(
        "link", name="Ter beoordeling aanbieden", exact=True).click()
    page.get_by_role("button", name="Ter beoordeling aanbieden", exact=True).click()
    expect_message(page, "Het arrangement heeft nu de status 'ter beoordeling'.")
