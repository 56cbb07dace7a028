"""The afspraak form's library picker and the editing ergonomics of issue 17, in a real browser with script: a
coordinator starts a new arrangement from the dashboard (the only driehoek preselected), inserts a clause variant
into it (the typed title kept, asked before replacing it), deletes a verplichte afspraak (confirmation first) and
undoes that; the page's table of contents and folding levels.

Nu Html Checker and axe-core check every page served (conftest `page_checks`); the explicit axe calls are for
states that only exist after interaction (the question before replacing a title)."""

import pytest
from playwright.sync_api import Page, expect

from arrangementen.bibliotheek import load_library
from arrangementen.models import Modelafspraak

from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITEL = "Arrangement BES uit de bibliotheek"
EIGEN_TITEL = "Onze waarden in het eigen woorden"
VARIANT = "Gedeelde uitgangspunten"  # strategisch, "Gemeenschappelijke waarden", not mandatory
VERPLICHT = "Bereikbaarheid via portofoon"  # operationeel, "Meldkamer en portofoon", mandatory


def invoegen(page: Page, onderwerp: str, titel: str) -> None:
    page.locator("summary", has_text=onderwerp).click()
    page.get_by_role("button", name=f"Invoegen: {titel}", exact=True).click()


def test_coordinator_voegt_een_variant_in_en_maakt_een_verwijdering_ongedaan(page, live_server, demo_data,
                                                                           page_checks):
    load_library()
    variant = Modelafspraak.objects.get(titel=VARIANT)
    verplicht = Modelafspraak.objects.get(titel=VERPLICHT)
    login_checked(page, live_server, "coordinator")

    # "Nieuw arrangement" on the dashboard, the coordinator's only driehoek preselected --------------------------
    blok = page.get_by_role("region", name="Nieuw arrangement")
    expect(blok).to_contain_text("Basisteamdriehoek BES")
    blok.get_by_role("link", name="Nieuw arrangement").click()
    expect(page.get_by_label("Driehoek").locator("option:checked")).to_have_text("Basisteamdriehoek BES")
    page.get_by_label("Titel", exact=True).fill(TITEL)
    page.get_by_role("radio", name="een leeg arrangement").check()
    page.get_by_role("button", name="Arrangement aanmaken").click()
    expect_message(page, "Het arrangement is aangemaakt als concept.")
    detail_url = page.url

    # A typed title survives "Invoegen"; the page asks before replacing it ----------------------------------------
    page.get_by_role("link", name="Afspraak toevoegen").click()
    page.get_by_label("Titel", exact=True).fill(EIGEN_TITEL)
    invoegen(page, "Gemeenschappelijke waarden", VARIANT)
    expect(page.get_by_label("Titel", exact=True)).to_have_value(EIGEN_TITEL)
    expect(page.get_by_label("Tekst", exact=True)).to_have_value(variant.tekst)
    expect(page.get_by_label("Overnemen uit de bibliotheek")).to_have_value(str(variant.pk))
    expect(page.locator("#kiezer-melding")).to_have_text(
        f"Ingevuld uit de bibliotheek: “{VARIANT}”. Controleer de afspraak en sla haar op.")
    vraag = page.get_by_role("group", name="U had zelf al een titel getypt", exact=False)
    expect(vraag).to_be_visible()
    expect(page.get_by_role("button", name="Ja, vervangen")).to_be_focused()
    assert_no_axe_violations(page)
    vraag.get_by_role("button", name="Nee, mijn eigen tekst houden").click()
    expect(vraag).to_be_hidden()
    expect(page.get_by_label("Titel", exact=True)).to_have_value(EIGEN_TITEL)
    page.get_by_role("button", name="Afspraak opslaan").click()
    expect_message(page, "De afspraak is opgeslagen.")
    expect(page.get_by_role("article", name=EIGEN_TITEL, exact=True)).to_contain_text(variant.tekst.split(".")[0])

    # The library marks what the arrangement has; "Ja, vervangen" takes the library's title ------------------------
    page.get_by_role("link", name="Afspraak toevoegen").click()
    expect(page.get_by_role("article", name=f"{VARIANT} al in dit arrangement", include_hidden=True)).to_have_count(1)
    expect(page.get_by_role("article", name=f"{VERPLICHT} verplicht", include_hidden=True)).to_have_count(1)
    page.get_by_label("Titel", exact=True).fill("Portofoon")
    invoegen(page, "Meldkamer en portofoon", VERPLICHT)
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Portofoon")
    page.get_by_role("button", name="Ja, vervangen").click()
    expect(page.get_by_label("Titel", exact=True)).to_have_value(VERPLICHT)
    expect(page.locator("#kiezer-vraag")).to_be_hidden()
    page.get_by_role("button", name="Afspraak opslaan").click()
    expect_message(page, "De afspraak is opgeslagen.")

    # Table of contents and a level that folds ----------------------------------------------------------------------
    inhoud = page.get_by_role("navigation", name="Inhoud")
    expect(inhoud.get_by_role("link", name="Operationeel niveau (1 afspraak)")).to_be_visible()
    artikel = page.get_by_role("article", name=f"{VERPLICHT} verplicht")
    expect(page.get_by_role("heading", name="Operationeel niveau", level=3)).to_be_visible()  # also in the summary
    page.locator("summary", has_text="Operationeel niveau").click()
    expect(artikel).to_be_hidden()
    page.locator("summary", has_text="Operationeel niveau").click()
    expect(artikel).to_be_visible()

    # Deleting the verplichte afspraak asks first, then can be undone ---------------------------------------------
    page.get_by_role("button", name=f"“{VERPLICHT}” verwijderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verplichte afspraak verwijderen?")
    page.get_by_role("link", name="Nee, afspraak houden").click()
    expect(artikel).to_be_visible()
    page.get_by_role("button", name=f"“{VERPLICHT}” verwijderen").click()
    page.get_by_role("button", name="Ja, verwijderen").click()
    expect_message(page, "De afspraak is verwijderd.")
    expect(artikel).to_have_count(0)
    expect(page.get_by_role("note").filter(has_text="Deze verplichte afspraken ontbreken nog")).to_contain_text(
        VERPLICHT)
    assert_no_axe_violations(page)
    page.get_by_role("button", name=f"Ongedaan maken: “{VERPLICHT}” terugzetten").click()
    expect_message(page, "De afspraak is teruggezet.")
    expect(artikel).to_be_visible()
    assert page.url.startswith(detail_url.split("#")[0])
    assert verplicht.afspraken.count() == 1
