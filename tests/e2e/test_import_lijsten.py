"""Issue 18 item 1 in a real browser: the driehoeksecretaris imports real action lists through the mapping step.

Seed 001's ACTIEPUNTEN table pasted from the verslag; a spreadsheet with a merged title, a status column and
'z.s.m.'; a list with functions as holders and Dutch periods, imported again after editing (exactly the changed
points are updated); merged holder cells and section titles; a list whose Onderwerp column has another name
(mapped by the user, remembered for the next import); a table copied from a Word verslag. Row numbers are those
of the files. axe-core on every page state, Nu Html Checker on every page served.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actiepunten import services
from actiepunten.models import Actiepunt, Overleg, Status
from samenwerking.models import Driehoek

from ..actiepunten import importlijsten as lijsten
from .conftest import assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"


@pytest.fixture
def overleggen(demo_data) -> list[Overleg]:
    bes = Driehoek.objects.get(naam=BES)
    return [services.create_overleg(driehoek=bes, user=demo_data["secretaris"], data={
        "soort": Overleg.Soort.WERKGROEP, "titel": f"Werkgroep {n}", "datum": timezone.localdate()})
        for n in range(1, 6)]


def open_import(page: Page, live_server, overleg: Overleg, page_checks) -> str:
    url = f"{live_server.url}/actiepunten/overleg/{overleg.pk}/importeren/"
    page_checks.expect_status(url, 400)  # a preview with questions answers 400 until they are answered
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Actielijst importeren in Werkgroep")
    return url


def upload(page: Page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_label("Actielijst (CSV of Excel)").set_input_files(path)
    page.get_by_role("button", name="Voorbeeld tonen").click()


def preview_rows(page: Page):
    return page.get_by_role("table", name="Voorbeeld: zo worden de actiepunten geïmporteerd").locator("tbody tr")


def date_question(page: Page, rij: int):
    return page.get_by_role("group", name=re.compile(rf"^Rij {rij}: "))


def points(overleg: Overleg) -> list[Actiepunt]:
    return list(Actiepunt.objects.filter(overleg=overleg).select_related("eigenaar").order_by("nummer"))


def test_secretaris_importeert_echte_actielijsten(page, live_server, demo_data, overleggen, page_checks, tmp_path):
    login_checked(page, live_server, "secretaris")
    teamchef, secretaris = demo_data["teamchef"], demo_data["secretaris"]

    # 1. Seed 001's table, pasted as text with its title line --------------------------------------------
    open_import(page, live_server, overleggen[0], page_checks)
    assert_no_axe_violations(page)
    page.get_by_label(re.compile("^Of plak de tabel")).fill(lijsten.SEED_001)
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.get_by_label("Kopregel")).to_have_value("3")
    expect(preview_rows(page)).to_have_count(4)
    expect(preview_rows(page).first.locator("td").first).to_have_text("4")
    expect(preview_rows(page).first).to_contain_text("Sanne Secretaris")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="4 actiepunten importeren").click()
    expect_message(page, "4 actiepunten zijn geïmporteerd.")
    assert [(a.nummer, a.eigenaar_naam) for a in points(overleggen[0])] == [
        (1, "Sanne Secretaris"), (2, "Sanne Secretaris"), (3, "Jos Speetjens i.s.m. secretaris"),
        (4, "Lieke Sievers")]

    # 2. Merged title, a status column, an Excel serial and 'z.s.m.' --------------------------------------
    open_import(page, live_server, overleggen[1], page_checks)
    upload(page, tmp_path, "actielijst-soest.xlsx", lijsten.titel_en_status_xlsx())
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("er is niets geïmporteerd")
    expect(alert).to_contain_text("Rij 8: 'z.s.m.' is geen datum.")
    expect(page.get_by_label("Actie", exact=True)).to_have_value("onderwerp")
    expect(page.get_by_label("Stand van zaken")).to_have_value("toelichting")
    assert_no_axe_violations(page)
    date_question(page, 8).get_by_label("Geen datum (datum onbekend)").check()
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    expect(preview_rows(page)).to_have_count(3)
    expect(preview_rows(page).nth(2)).to_contain_text("datum onbekend")
    expect(preview_rows(page).nth(1)).to_contain_text("gereed")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="3 actiepunten importeren").click()
    expect_message(page, "3 actiepunten zijn geïmporteerd.")
    assert [(a.eigenaar, a.extern_naam, a.datum_gereed, a.status) for a in points(overleggen[1])] == [
        (teamchef, "", datetime.date(2025, 10, 1), Status.IN_UITVOERING),
        (secretaris, "", datetime.date(2025, 10, 31), Status.GEREED),
        (None, "Karel Extern", None, Status.OPEN)]
    expect(page.get_by_role("table", name="Actiepunten")).to_contain_text("datum onbekend")

    # 3. Functions as holders, Dutch periods; then the edited list updates exactly two points -------------
    open_import(page, live_server, overleggen[2], page_checks)
    upload(page, tmp_path, "werkgroep.csv", lijsten.functies_csv())
    expect(page.get_by_label("Wie is 'Teamchef'? (rij 3)")).to_have_value(str(teamchef.pk))
    expect(page.get_by_role("main")).to_contain_text("gelezen als vrijdag van week 40 2025")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="5 actiepunten importeren").click()
    expect_message(page, "5 actiepunten zijn geïmporteerd.")
    before = {a.nummer: a.history.count() for a in points(overleggen[2])}
    open_import(page, live_server, overleggen[2], page_checks)
    upload(page, tmp_path, "werkgroep-oktober.csv", lijsten.functies_csv(bewerkt=True))
    expect(preview_rows(page).filter(has_text="bijwerken")).to_have_count(2)
    expect(preview_rows(page).filter(has_text="Jaarverslag")).to_contain_text("Status: 'in uitvoering' wordt 'gereed'")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="0 nieuw importeren en 2 actiepunten bijwerken").click()
    expect_message(page, "2 bestaande actiepunten zijn bijgewerkt.")
    after = {a.nummer: a for a in points(overleggen[2])}
    assert {n for n, a in after.items() if a.history.count() != before[n]} == {2, 4}
    assert (after[2].status, after[4].datum_gereed) == (Status.GEREED, datetime.date(2025, 12, 31))

    # 4. A holder merged over three rows, section titles, a typed date for 'doorlopend' -------------------
    open_import(page, live_server, overleggen[3], page_checks)
    upload(page, tmp_path, "overzicht.xlsx", lijsten.samengevoegd_xlsx())
    vraag = date_question(page, 6)
    vraag.get_by_label("Deze datum:").check()
    vraag.get_by_label("Datum gereed voor rij 6").fill("15-1-2026")
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    expect(preview_rows(page)).to_have_count(4)
    expect(page.get_by_text(re.compile("^Rij 3 wordt overgeslagen"))).to_be_visible()
    page.get_by_role("button", name="4 actiepunten importeren").click()
    expect_message(page, "4 actiepunten zijn geïmporteerd.")
    assert [(a.extern_naam, a.datum_gereed) for a in points(overleggen[3])][:3] == [
        ("Karel Extern", datetime.date(2025, 11, 15)), ("Karel Extern", datetime.date(2025, 12, 1)),
        ("Karel Extern", datetime.date(2026, 1, 15))]

    # 5. An Onderwerp column under another name: asked, mapped by the user, remembered -------------------
    open_import(page, live_server, overleggen[4], page_checks)
    upload(page, tmp_path, "taken.csv", lijsten.andere_koppen_csv())
    expect(page.get_by_role("alert")).to_contain_text("'Onderwerp' ontbreekt")
    assert_no_axe_violations(page)
    page.get_by_label("Taakomschrijving").select_option("onderwerp")
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    expect(page.get_by_role("alert")).to_contain_text("Rij 3: De datum gereed is leeg.")
    date_question(page, 3).get_by_label("Geen datum (datum onbekend)").check()
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    page.get_by_role("button", name="2 actiepunten importeren").click()
    expect_message(page, "2 actiepunten zijn geïmporteerd.")
    assert [a.onderwerp for a in points(overleggen[4])] == ["Rooster handhavers, zomer", "Werkafspraken boa-politie"]
    open_import(page, live_server, overleggen[0], page_checks)
    upload(page, tmp_path, "taken.csv", lijsten.andere_koppen_csv())
    expect(page.get_by_label("Taakomschrijving")).to_have_value("onderwerp")

    # 6. A table copied from a Word verslag, without numbers: they follow the highest of the overleg -------
    open_import(page, live_server, overleggen[4], page_checks)
    page.get_by_label(re.compile("^Of plak de tabel")).fill(lijsten.word_geplakt(secretaris.email))
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.get_by_role("alert")).to_contain_text("Rij 7: 'zsm' is geen datum.")
    vraag = date_question(page, 7)
    vraag.get_by_label("Deze datum:").check()
    vraag.get_by_label("Datum gereed voor rij 7").fill("1-11-2025")
    page.get_by_role("button", name="Voorbeeld bijwerken").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="3 actiepunten importeren").click()
    expect_message(page, "3 actiepunten zijn geïmporteerd.")
    assert [(a.nummer, a.eigenaar_naam, a.datum_gereed) for a in points(overleggen[4])][2:] == [
        (3, "Sanne Secretaris", datetime.date(2025, 10, 1)), (4, "Burgemeester Extern", datetime.date(2025, 11, 1)),
        (5, "Sanne Secretaris", datetime.date(2025, 12, 31))]
