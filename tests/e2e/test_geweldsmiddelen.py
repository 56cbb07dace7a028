"""Issue 20 (items 1–2) in a real browser: the driehoeksecretaris of BES (who also drafts there: the permission to
record basisgegevens is the coordinator's) records geweldsmiddelen per BOA-organisatie — a domein without BOA-inzet
is refused naming the field with the typed kenmerk kept — and the dashboard flags the organisation while no
arrangement is in force; the eenheid user filters the map of /beeld/ on "geweldsmiddelen zonder arrangement in
werking" and finds the gemeente marked on the map and in the table. axe-core and vnu check every page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from arrangementen import services
from arrangementen.models import Arrangement
from arrangementen.services import InzetRegel
from samenwerking.models import Driehoek, Rol

from ..factories import lid
from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITEL = "Handhavingsarrangement BES geweldsmiddelen"
FLAG = "geweldsmiddelen zonder arrangement in werking"


@pytest.fixture
def concept(demo_data) -> Arrangement:
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    lid(demo_data["secretaris"], bes, Rol.COORDINATOR)
    arrangement = services.create_arrangement(driehoek=bes, user=demo_data["coordinator"], titel=TITEL)
    services.update_arrangement(arrangement=arrangement, user=demo_data["coordinator"],
                                expected_version=arrangement.lock_version, data={"titel": TITEL},
                                inzet=[InzetRegel("I", 6, Decimal("4.5"))])
    return arrangement


def test_secretaris_records_geweldsmiddelen_and_the_eenheid_filters_the_map(page, new_page, live_server, concept):
    login_checked(page, live_server, "secretaris")
    page.goto(f"{live_server.url}/arrangementen/{concept.pk}/")
    expect(page.get_by_text("Geen geweldsmiddelen per BOA-organisatie vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="Geweldsmiddel toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geweldsmiddel toevoegen")
    assert_no_axe_violations(page)

    # A domein the arrangement has no BOA-inzet in: the message names it, what was typed stays.
    page.get_by_label("BOA-organisatie").select_option(label="Gemeente Soest")
    page.get_by_label("Domein").select_option(value="IV")
    page.get_by_label("Geweldsmiddel", exact=True).select_option(label="handboeien")
    page.get_by_label("Datum van de toekenning door de minister").fill("1-3-2024")
    page.get_by_label("Kenmerk van de toekenning").fill("JenV-2024-0815")
    page.get_by_role("button", name="Geweldsmiddel opslaan").click()
    expect(page.get_by_text("Het arrangement heeft geen BOA-inzet in domein IV – Openbaar vervoer.",
                            exact=False)).to_be_visible()
    expect(page.get_by_label("Kenmerk van de toekenning")).to_have_value("JenV-2024-0815")
    expect(page.get_by_label("Datum van de toekenning door de minister")).to_have_value("1-3-2024")
    assert_no_axe_violations(page)

    page.get_by_label("Domein").select_option(value="I")
    page.get_by_role("button", name="Geweldsmiddel opslaan").click()
    expect_message(page, "Het geweldsmiddel is opgeslagen.")
    tabel = page.get_by_role("table", name="Geweldsmiddelen per BOA-organisatie")
    rij = tabel.get_by_role("row").filter(has_text="Gemeente Soest")
    expect(rij).to_contain_text("handboeien")
    expect(rij).to_contain_text("1 maart 2024, kenmerk JenV-2024-0815")
    assert_no_axe_violations(page)

    # Only a concept carries them: the dashboard flags the organisation (no arrangement in force records them).
    page.goto(f"{live_server.url}/")
    blok = page.get_by_role("region", name="Geweldsmiddelen zonder arrangement in werking")
    expect(blok).to_contain_text("Gemeente Soest")
    expect(blok).to_contain_text("in voorbereiding")
    assert_no_axe_violations(page)

    eenheid = new_page()
    login_checked(eenheid, live_server, "eenheid")
    eenheid.goto(f"{live_server.url}/beeld/")
    eenheid.get_by_role("checkbox", name="Geweldsmiddelen zonder arrangement in werking").check()
    eenheid.get_by_role("button", name="Toon de stand").click()
    expect(eenheid.get_by_role("checkbox", name="Geweldsmiddelen zonder arrangement in werking")).to_be_checked()
    kaart = eenheid.get_by_role("group", name="Kaart")
    expect(kaart.get_by_role("link", name=re.compile(rf"^Soest: [^;]+; {FLAG}$"))).to_have_count(1)
    tabel = eenheid.get_by_role("table", name="Gemeenten", exact=True)
    expect(tabel.get_by_role("rowheader", name="Soest", exact=True)).to_be_visible()
    expect(tabel.get_by_role("row").filter(has_text="Soest")).to_contain_text(FLAG)
    # Only Soest's own boa's carry them: the other gemeenten that sign the concept are not marked.
    expect(tabel.get_by_role("row")).to_have_count(2)
    expect(kaart.get_by_role("link", name=re.compile(FLAG))).to_have_count(1)
    assert_no_axe_violations(eenheid)
