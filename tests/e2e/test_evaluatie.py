"""Issue 14 acceptance, journey 7: the secretaris records the evaluation of a signed arrangement in an
evaluatie-overleg (two afspraken bijstellen, one vervalt), starts the herziening from it and sees exactly those
changes in the comparison. Issue 15 item 7: an evaluation answers per data flow. axe-core and the Nu Html Checker
check every page on the way (tests/e2e/conftest.py).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from actiepunten.evaluaties.models import Evaluatie
from arrangementen import stroomregels
from arrangementen.models import Arrangement
from samenwerking.models import Driehoek

from ..actiepunten.evaluatiewereld import evaluatie_overleg, gegevensstromen_erbij, ondertekend_arrangement
from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BIJSTELLEN = {"Informatie delen": "Deel meldingen binnen een week met de wijkagent.",
              "Maandelijks inzetoverleg": "Eens per kwartaal is genoeg."}
VERVALT = "Gezamenlijke surveillance"


@pytest.fixture
def wereld(demo_data):
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    arrangement = ondertekend_arrangement(bes, demo_data["coordinator"], titel="Handhavingsarrangement BES 2025")
    overleg = evaluatie_overleg(bes, demo_data["secretaris"], datum=timezone.localdate() - datetime.timedelta(days=2))
    return {"arrangement": arrangement, "overleg": overleg}


def _assess(page: Page, titel: str, oordeel: str, toelichting: str = "") -> None:
    groep = page.get_by_role("group", name=titel, exact=True)
    groep.get_by_label(oordeel, exact=True).check()
    if toelichting:
        groep.get_by_label(f"Toelichting bij “{titel}”").fill(toelichting)


def test_secretaris_evaluates_and_starts_the_herziening_from_it(page: Page, live_server, wereld):
    arrangement, overleg = wereld["arrangement"], wereld["overleg"]
    login_checked(page, live_server, "secretaris")
    page.goto(f"{live_server.url}{overleg.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Evaluaties in dit overleg")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Evaluatie vastleggen").click()
    if page.get_by_role("link", name="Handhavingsarrangement BES 2025 (versie 1)").count():
        page.get_by_role("link", name="Handhavingsarrangement BES 2025 (versie 1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Evaluatie vastleggen: Handhavingsarrangement BES 2025")
    assert_no_axe_violations(page)

    for titel in arrangement.afspraken.values_list("titel", flat=True):
        if titel in BIJSTELLEN:
            _assess(page, titel, "bijstellen", BIJSTELLEN[titel])
        elif titel == VERVALT:
            _assess(page, titel, "vervalt", "Gebeurt al jaren niet meer.")
        else:
            _assess(page, titel, "werkt")
    # First without a conclusion: refused, and every typed assessment is still there.
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    expect(page.get_by_text("Kies voortzetten, herzien of beëindigen.")).to_be_visible()
    assert_no_axe_violations(page)
    for titel, toelichting in BIJSTELLEN.items():
        groep = page.get_by_role("group", name=titel, exact=True)
        expect(groep.get_by_label("bijstellen", exact=True)).to_be_checked()
        expect(groep.get_by_label(f"Toelichting bij “{titel}”")).to_have_value(toelichting)
    expect(page.get_by_role("group", name=VERVALT, exact=True).get_by_label("vervalt", exact=True)).to_be_checked()

    page.get_by_role("group", name="Conclusie").get_by_label("herzien", exact=True).check()
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    expect_message(page, "De evaluatie is vastgelegd.")
    expect(page.locator("#oordeel-" + str(arrangement.afspraken.get(titel=VERVALT).pk))).to_contain_text("vervalt")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Herziening starten vanuit deze evaluatie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handhavingsarrangement BES 2025")
    herziening = Arrangement.objects.get(vorige_versie=arrangement)
    expect(page).to_have_url(f"{live_server.url}{herziening.get_absolute_url()}")
    for titel, toelichting in BIJSTELLEN.items():
        expect(page.get_by_role("article", name=titel, exact=True)).to_contain_text(toelichting)
    expect(page.get_by_role("article", name=VERVALT, exact=True)).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Versies vergelijken").first.click()
    rijen = page.locator("table:has(th:text-is('Afspraak')) tbody tr")
    soorten = {rij.locator("th").inner_text().split("\n")[0].strip(): rij.locator(".app-tag").inner_text().strip()
               for rij in rijen.all()}
    assert soorten == {
        "Prioriteiten vaststellen": "ongewijzigd", "Informatie delen": "bij te stellen volgens de evaluatie",
        "Maandelijks inzetoverleg": "bij te stellen volgens de evaluatie", "Meldingen doorzetten": "ongewijzigd",
        VERVALT: "verwijderd"}
    assert_no_axe_violations(page)

    # The evaluated version shows its evaluation on its page and in its history.
    evaluatie = Evaluatie.objects.get()
    for pad in (arrangement.get_absolute_url(), f"{arrangement.get_absolute_url()}geschiedenis/"):
        page.goto(f"{live_server.url}{pad}")
        evaluaties = page.get_by_role("region", name="Evaluaties")
        expect(evaluaties.locator(f'a[href="{evaluatie.get_absolute_url()}"]')).to_have_count(1)
        expect(evaluaties.get_by_role("listitem")).to_contain_text("herzien")
        assert_no_axe_violations(page)


def test_secretaris_answers_per_data_flow_and_leaves_one_out_of_the_herziening(page: Page, live_server, wereld,
                                                                                demo_data):
    """Issue 15 item 7: one group per flow; a 'nee' without why is refused naming the flow, the answers stay;
    the record shows them and the herziening leaves out the flow no longer needed."""
    arrangement, overleg = wereld["arrangement"], wereld["overleg"]
    overlast, camera = gegevensstromen_erbij(arrangement, demo_data["coordinator"], "Meldingen van overlast",
                                             "Camerabeelden")
    namen = {s.pk: stroomregels.describe(s) for s in stroomregels.flows_of(arrangement)}
    login_checked(page, live_server, "secretaris")
    nieuw = reverse("actiepunten:evaluatie_nieuw", args=[arrangement.driehoek_id])
    page.goto(f"{live_server.url}{nieuw}?arrangement={arrangement.pk}&overleg={overleg.pk}")
    for titel in arrangement.afspraken.values_list("titel", flat=True):
        _assess(page, titel, "werkt")
    page.get_by_role("group", name="Conclusie").get_by_label("herzien", exact=True).check()
    for stroom, (nodig, incidenten) in ((overlast, ("ja", "nee")), (camera, ("nee", "nee"))):
        groep = page.get_by_role("group", name=namen[stroom.pk], exact=True)
        groep.get_by_role("group", name="Nog nodig?").get_by_label(nodig, exact=True).check()
        groep.get_by_role("group", name="Nog proportioneel?").get_by_label("ja", exact=True).check()
        groep.get_by_role("group", name="Incidenten?").get_by_label(incidenten, exact=True).check()
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    fout = f"Schrijf een toelichting bij de gegevensstroom {namen[camera.pk]}: de gegevensstroom is niet meer nodig."
    expect(page.get_by_text(fout)).to_be_visible()
    assert_no_axe_violations(page)
    groep = page.get_by_role("group", name=namen[camera.pk], exact=True)
    expect(groep.get_by_role("group", name="Nog nodig?").get_by_label("nee", exact=True)).to_be_checked()
    groep.get_by_label("Toelichting bij deze gegevensstroom").fill("De camera's zijn weg.")
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    expect_message(page, "De evaluatie is vastgelegd.")
    expect(page.locator(f"#stroomoordeel-{camera.pk}")).to_contain_text("Nog nodig? nee")
    expect(page.locator(f"#stroomoordeel-{camera.pk}")).to_contain_text("De camera's zijn weg.")
    expect(page.get_by_label(f"Weglaten: {namen[camera.pk]}")).to_be_checked()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Herziening starten vanuit deze evaluatie").click()
    expect_message(page, "1 gegevensstroom die niet meer nodig is, is weggelaten.")
    herziening = Arrangement.objects.get(vorige_versie=arrangement)
    assert [s.vorige_id for s in herziening.gegevensstromen.all()] == [overlast.pk]
