"""Issue 15's journey in a real browser: the coordinator of BES records two data flows (one on Wpg art. 20 without
its voorwaarden), submission is refused naming the flow and the missing element with the typed toelichting kept,
the coordinator completes the flow from the link on the submission page and then submits; the parties approve and
the privacy adviser gives the approval the data sharing needs; once the arrangement is in force, the privacy
adviser finds both flows in the Gegevensdeling register and exports them as CSV and XLSX. axe-core and the Nu Html
Checker check every page (tests/e2e/conftest.py)."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from arrangementen import services
from arrangementen.models import Arrangement, Status
from samenwerking.models import Driehoek

from .conftest import assert_no_axe_violations, expect_message, login_checked
from .reis import the_other_parties_approve

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


def test_stromen_vastleggen_indienen_privacy_goedkeuren_en_het_register_exporteren(page, new_page, live_server,
                                                                                      concept):
    detail_url = f"{live_server.url}/arrangementen/{concept.pk}/"
    login_checked(page, live_server, "coordinator")
    page.goto(detail_url)
    # A flow without verstrekker, ontvanger or grondslag: Dutch messages next to the fields, input kept.
    page.get_by_role("link", name="Gegevensstroom toevoegen").click()
    page.get_by_label("Categorieën van gegevens").fill("Alleen getypt")
    page.get_by_role("button", name="Gegevensstroom opslaan").click()
    expect(page.get_by_text("Kies de verstrekker.")).to_be_visible()
    expect(page.get_by_text("Kies ten minste één ontvanger, of noem een andere ontvanger.")).to_be_visible()
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

    the_other_parties_approve(Arrangement.objects.get(pk=concept.pk))
    assert Arrangement.objects.get(pk=concept.pk).status == Status.TER_REVIEW  # the privacy approval is missing
    adviseur = new_page()
    de_privacyadviseur_keurt_goed(adviseur, live_server, detail_url)
    in_werking(concept)
    het_register_toont_en_exporteert_beide(adviseur, live_server)


def de_privacyadviseur_keurt_goed(page: Page, live_server, detail_url: str) -> None:
    login_checked(page, live_server, "privacy")
    page.goto(detail_url)
    expect(page.get_by_text("Privacyadviseur: nog niet beoordeeld")).to_be_visible()
    page.get_by_role("link", name="Goedkeuren").click()
    page.get_by_label("Toelichting").fill("Grondslagen, ontvangers en de elementen van artikel 20 kloppen.")
    page.get_by_role("button", name="Goedkeuren").click()
    expect_message(page, "Het arrangement heeft nu de status 'goedgekeurd'.")
    expect(page.get_by_text("Privacyadviseur: goedgekeurd door Priya Privacy")).to_be_visible()
    assert_no_axe_violations(page)


def in_werking(arrangement: Arrangement) -> None:
    """Adopted, signed and in force (setup: adoption and signing have their own journeys, test_signing.py)."""
    today = timezone.localdate()
    Arrangement.objects.filter(pk=arrangement.pk).update(
        status=Status.ONDERTEKEND, vastgesteld_op=today, geldig_van=today,
        geldig_tot=today + datetime.timedelta(days=730), ondertekend_op=timezone.now())


def het_register_toont_en_exporteert_beide(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Basisteamdriehoek BES").first.click()
    page.get_by_role("link", name="Gegevensdeling in de arrangementen die in werking zijn").click()
    tabel = page.get_by_role("table", name="Gegevensstromen per arrangement")
    expect(tabel.locator("tbody tr")).to_have_count(2)
    expect(tabel).to_contain_text("Meldingen van overlast")
    expect(tabel).to_contain_text("Signalen van woonoverlast")
    expect(tabel).to_contain_text("Wet politiegegevens, artikel 20")
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren als CSV").click()
    header, *rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")),
                                    delimiter=";"))
    assert header[5] == "Categorieën van gegevens"
    assert sorted((r[1], r[4], r[5]) for r in rows) == [(TITEL, BAARN, "Signalen van woonoverlast"),
                                                         (TITEL, SOEST, "Meldingen van overlast")]
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren als Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True).active
    cellen = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert list(cellen[0][:6]) == header[:6]
    assert sorted(row[5] for row in cellen[1:]) == ["Meldingen van overlast", "Signalen van woonoverlast"]
