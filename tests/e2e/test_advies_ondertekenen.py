"""Issue 20 item 3 in a real browser: the secretaris of BES records the driehoek's advice on geweldsmiddelen and
chooses to have it signed by the arrangement's partijen too; the burgemeester (ondertekenaar of Gemeente Soest)
gets the mail, signs it with password and code (a wrong password refused, the typed plaats kept), and the
arrangement page shows who signed and when. axe-core and the Nu Html Checker on every page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from arrangementen import adviesondertekening, handtekeningcontrole, services
from arrangementen.models import Adviesondertekening, Arrangement, Geweldsadvies
from arrangementen.services import InzetRegel
from samenwerking.models import Driehoek, Organisatie
from tests.arrangementen.helpers import in_werking_met_pdf
from tests.mfa import code_for

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login_checked

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISATIES = ("Gemeente Soest", "Politie Eenheid Midden-Nederland", "Arrondissementsparket Midden-Nederland")


@pytest.fixture
def in_werking(demo_data, signing_setup) -> Arrangement:
    """A BES arrangement in force with boa's in domein I, three partijen with TEST keys and a stored signed PDF
    (setup only: signing the arrangement has its own browser test, test_signing.py)."""
    for naam in ORGANISATIES:
        signing_setup.add_key(Organisatie.objects.get(naam=naam))
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    coordinator = demo_data["coordinator"]
    arrangement = services.create_arrangement(driehoek=bes, user=coordinator, titel="Handhavingsarrangement BES",
                                              start="leeg")
    for partij in arrangement.partijen.exclude(organisatie__naam__in=ORGANISATIES):
        arrangement.refresh_from_db()
        services.remove_partij(partij=partij, user=coordinator, expected_version=arrangement.lock_version)
    arrangement.refresh_from_db()
    services.update_arrangement(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                                data={"doel": "Samen zichtbaar in de kernen."},
                                inzet=[InzetRegel("I", 6, Decimal("4.5"))])
    arrangement.refresh_from_db()
    return in_werking_met_pdf(arrangement, demo_data["secretaris"],
                              vastgesteld_op=timezone.localdate() - datetime.timedelta(days=40))


def test_secretaris_vraagt_handtekeningen_en_de_burgemeester_tekent_het_advies(
        page, new_page, live_server, in_werking, demo_data, tmp_path):
    detail_url = f"{live_server.url}/arrangementen/{in_werking.pk}/"
    mail.outbox.clear()
    login_checked(page, live_server, "secretaris")
    page.goto(detail_url)
    page.get_by_role("region", name="Publicatie en geweldsmiddelen").get_by_role(
        "link", name="Advies over geweldsmiddelen vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advies over een aanvraag geweldsmiddelen")
    ondertekening = page.get_by_role("group", name="Ondertekening")
    expect(ondertekening.get_by_label("alleen door het platform")).to_be_checked()  # the default
    assert_no_axe_violations(page)
    page.get_by_label("BOA-organisatie").select_option(label="Gemeente Soest")
    page.get_by_label("Domein").select_option(label="I – Openbare ruimte")
    page.get_by_role("group", name="Gevraagde geweldsmiddelen").get_by_label("handboeien").check()
    page.get_by_role("group", name="Advies van de driehoek").get_by_label("positief", exact=True).check()
    page.get_by_label("Motivering").fill("De boa's hebben de training geweldsbeheersing gevolgd.")
    page.get_by_label("Datum van het advies").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    ondertekening.get_by_label("ook laten ondertekenen door de partijen van het arrangement").check()
    page.screenshot(path=str(tmp_path / "advies-vragen.png"), full_page=True)
    # The embedded default renders and certifies the PDF in the request's on_commit: give it time on a busy machine.
    page.get_by_role("button", name="Advies vastleggen en PDF maken").click(no_wait_after=True)
    expect(page).to_have_url(f"{detail_url}#geweldsadviezen", timeout=90_000)
    advies = Geweldsadvies.objects.get(arrangement=in_werking)
    assert advies.met_partijen and advies.status == Geweldsadvies.Status.GEREED, advies.fout
    page.reload()
    sectie = page.get_by_role("region", name="Publicatie en geweldsmiddelen")
    expect(sectie).to_contain_text("Wordt ondertekend door de partijen.")
    expect(sectie).to_contain_text("Gemeente Soest: nog niet getekend")
    expect(sectie.get_by_role("link", name=f"Advies {advies.referentie} ondertekenen")).to_have_count(0)
    assert_no_axe_violations(page)
    burgemeester_user = demo_data["burgemeester"]
    beurt = [m for m in mail.outbox if burgemeester_user.email in m.to and "U kunt advies" in m.subject]
    assert len(beurt) == 1 and f"/geweldsadvies/{advies.pk}/ondertekenen/" in beurt[0].body

    burgemeester = new_page()
    login_checked(burgemeester, live_server, "burgemeester")
    burgemeester.goto(detail_url)
    burgemeester.get_by_role("region", name="Publicatie en geweldsmiddelen").get_by_role(
        "link", name=f"Advies {advies.referentie} ondertekenen").click()
    expect(burgemeester.get_by_role("heading", level=1)).to_have_text("Advies over geweldsmiddelen ondertekenen")
    keuze = burgemeester.get_by_role("group", name="Tekenen voor")
    expect(keuze.get_by_role("radio")).to_have_count(1)  # only the own organisation's field
    assert_no_axe_violations(burgemeester)
    burgemeester.get_by_label("Plaats").fill("Soest")
    burgemeester.get_by_label("Uw wachtwoord").fill("niet-mijn-wachtwoord")
    burgemeester.get_by_label("Verificatiecode").fill(code_for(burgemeester_user))
    burgemeester.get_by_role("button", name="Onderteken het advies").click()
    wachtwoord = burgemeester.get_by_label("Uw wachtwoord")
    expect(wachtwoord).to_have_attribute("aria-invalid", "true")
    expect(wachtwoord).to_have_accessible_description(
        re.compile("Het wachtwoord klopt niet. Uw handtekening is niet gezet."))
    expect(burgemeester.get_by_label("Plaats")).to_have_value("Soest")
    assert not Adviesondertekening.objects.exists()
    assert_no_axe_violations(burgemeester)
    burgemeester.screenshot(path=str(tmp_path / "advies-tekenen-fout.png"), full_page=True)
    wachtwoord.fill(DEMO_PASSWORD)
    burgemeester.get_by_label("Verificatiecode").fill(code_for(burgemeester_user))
    burgemeester.get_by_role("button", name="Onderteken het advies").click()
    expect_message(burgemeester, "Uw handtekening onder het advies is gezet.", timeout=60_000)
    sectie = burgemeester.get_by_role("region", name="Publicatie en geweldsmiddelen")
    expect(sectie).to_contain_text(re.compile(
        f"Gemeente Soest: getekend door {burgemeester_user.get_full_name()} op"))
    expect(sectie).to_contain_text("Politie Eenheid Midden-Nederland: nog niet getekend")
    expect(sectie.get_by_role("link", name=f"Advies {advies.referentie} ondertekenen")).to_have_count(0)
    assert_no_axe_violations(burgemeester)
    burgemeester.screenshot(path=str(tmp_path / "advies-getekend.png"), full_page=True)

    bestand, _sha = adviesondertekening.latest_state(Geweldsadvies.objects.get(pk=advies.pk))
    with bestand.open("rb") as handle:
        report = handtekeningcontrole.verify(handle.read())
    assert report.all_valid and len(report.party_signatures) == 1 and len(report.unsigned_fields) == 2
