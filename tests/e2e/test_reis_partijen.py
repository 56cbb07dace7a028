"""Issue 13 acceptance: every party reviews and every signer is asked, in one browser journey.

BES with its five gemeenten, the politie and the OM. The coordinator drafts and submits; the teamchef approves
and the arrangement stays ter beoordeling, shown per party; the officier and the four other gemeenten approve,
each in an own browser, and only then is it goedgekeurd. The secretaris records the vaststelling and starts
signing in parallel; the parties sign in an order unlike the parties' order (OM, politie, then the gemeenten in
reverse). The mails: one "uw beurt" per signer, at most one reminder per signer per period when the reminder
task runs twice, and the completion mail to everyone, whose link gives the signed PDF. Every page is checked by
axe-core and the Nu Html Checker, and no page may break the Content-Security-Policy (tests/e2e/conftest.py).
"""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from arrangementen import tasks
from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement, Document
from samenwerking.models import Gebruiker, Organisatie
from tests.mfa import code_for

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, expect_message, login_checked
from .test_signing import PDF_TIMEOUT_S, dd, wait_until_pdf_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BES = "Basisteamdriehoek BES"
TITEL = "Handhavingsarrangement BES alle partijen"
REFERENTIE = "Verslag driehoek BES 2026-11, agendapunt 3"
POLITIE, OM = "Politie Eenheid Midden-Nederland", "Arrondissementsparket Midden-Nederland"
GEMEENTEN = ["Gemeente Baarn", "Gemeente Bunschoten", "Gemeente De Bilt", "Gemeente Eemnes", "Gemeente Soest"]
PARTIJEN = [*GEMEENTEN, POLITIE, OM]
# Who reviews and signs for which party (samenwerking/demo.py); Soest drafted, so it does not review.
ONDERTEKENAARS = {
    "Gemeente Baarn": "burgemeester_baarn", "Gemeente Bunschoten": "burgemeester_bunschoten",
    "Gemeente De Bilt": "burgemeester_debilt", "Gemeente Eemnes": "burgemeester_eemnes",
    "Gemeente Soest": "burgemeester", POLITIE: "teamchef", OM: "officier",
}
# The order of signing: the OM first, then the politie, then the gemeenten in reverse.
TEKENVOLGORDE = [OM, POLITIE, *reversed(GEMEENTEN)]
AL_GETEKEND_BIJ_HERINNERING = 2  # the reminder task runs after the OM and the politie have signed

BEURT = f"U kunt '{TITEL}' ondertekenen"
HERINNERING = f"Herinnering: '{TITEL}' wacht op uw handtekening"
KLAAR = f"'{TITEL}' is door alle partijen ondertekend"


def adres(username: str) -> str:
    return f"{username}@demo.invalid"


def mails(onderwerp: str, username: str | None = None) -> list:
    """The mails sent so far with this subject (to this user); the live server shares Django's locmem outbox."""
    return [m for m in mail.outbox if m.subject == onderwerp and (username is None or adres(username) in m.to)]


def wacht_op_mails(page: Page, onderwerp: str, aantal: int) -> None:
    """Mails are sent after the request's transaction commits; wait (bounded) until `aantal` have gone out."""
    for _ in range(100):
        if len(mails(onderwerp)) >= aantal:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{len(mails(onderwerp))} van {aantal} mails '{onderwerp}' verstuurd: "
                         f"{[(m.subject, m.to) for m in mail.outbox]}")


def acties(page: Page):
    return page.get_by_role("region", name="Wat u nu kunt doen")


def per_partij(page: Page):
    return page.locator("h2#beoordeling-per-partij + ul > li")


def overgang(page: Page, label: str, *, velden: dict[str, str] | None = None) -> None:
    """From the detail page: follow the action, fill the confirmation form (axe-checked), confirm."""
    acties(page).get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    expect(page.get_by_text(f"Arrangement “{TITEL}”, versie 1")).to_be_visible()
    for veld, waarde in (velden or {}).items():
        page.get_by_label(veld).fill(waarde)
    assert_no_axe_violations(page)
    page.get_by_role("button", name=label, exact=True).click()


def keur_goed(page: Page, detail_url: str, naam: str) -> None:
    """The reviewer finds the arrangement in their own review queue (the officier once did not) and approves."""
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Te beoordelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Te beoordelen")
    item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=TITEL, exact=True))
    expect(item).to_contain_text(f"{BES}, versie 1")
    expect(item).to_contain_text("Ingediend door Carla de Coördinator op ")
    expect(item).to_contain_text("Toelichting: Voor alle partijen.")
    expect(item).to_contain_text("U heeft dit arrangement nog niet eerder beoordeeld.")
    assert_no_axe_violations(page)
    item.get_by_role("link", name=TITEL, exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(dd(page, "Status")).to_have_text("ter beoordeling")
    expect(acties(page).get_by_role("link")).to_have_text(["Goedkeuren", "Wijzigingen vragen"])
    overgang(page, "Goedkeuren", velden={"Toelichting": f"Akkoord namens {naam}."})
    expect(page).to_have_url(detail_url)


def wachtrij_leeg(page: Page) -> None:
    """Once the reviewer's party has approved, nothing waits for them any more."""
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Te beoordelen").click()
    expect(page.get_by_text("Er ligt niets ter beoordeling bij u.")).to_be_visible()


@pytest.fixture
def sleutels(demo_data, signing_setup):
    """A TEST signing key for each of the seven parties."""
    for naam in PARTIJEN:
        signing_setup.add_key(Organisatie.objects.get(naam=naam))
    return signing_setup


def test_alle_partijen_beoordelen_en_tekenen_in_eigen_volgorde(page, new_page, live_server, demo_data, sleutels,
                                                                mailoutbox, monkeypatch):
    load_library()
    pagina: dict[str, Page] = {}

    def als(username: str) -> Page:
        """The browser of `username`, logged in (with the second step) on first use."""
        if username not in pagina:
            pagina[username] = page if not pagina else new_page()
            login_checked(pagina[username], live_server, username)
        return pagina[username]

    # 1. The coordinator drafts from the standard model and submits; the teamchef approves ---------------------
    coordinator = als("coordinator")
    coordinator.goto(f"{live_server.url}/arrangementen/nieuw/")
    coordinator.get_by_label("Driehoek").select_option(label=BES)
    coordinator.get_by_label("Titel").fill(TITEL)
    coordinator.get_by_role("radio", name=re.compile("^het standaardmodel")).check()
    coordinator.get_by_role("button", name="Arrangement aanmaken").click()
    expect(coordinator).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/arrangementen/\d+/$"))
    pk = int(coordinator.url.rstrip("/").rsplit("/", 1)[1])
    detail_url = f"{live_server.url}/arrangementen/{pk}/"
    partijen = coordinator.get_by_role("table", name="Partijen").locator("tbody tr td:nth-child(1)")
    expect(partijen).to_have_text(PARTIJEN)
    assert_no_axe_violations(coordinator)
    overgang(coordinator, "Ter beoordeling aanbieden", velden={"Toelichting": "Voor alle partijen."})
    expect_message(coordinator, "Het arrangement heeft nu de status 'ter beoordeling'.")

    teamchef = als("teamchef")
    keur_goed(teamchef, detail_url, POLITIE)
    expect_message(teamchef, "Uw goedkeuring is vastgelegd. Het arrangement wacht nog op de goedkeuring van: "
                             f"{', '.join(GEMEENTEN[:4])}, {OM}.")
    expect(dd(teamchef, "Status")).to_have_text("ter beoordeling")
    # Per required party who approved and who not yet (Soest drafted it and does not review).
    datum = re.escape(f"{timezone.localdate().day} ")
    expect(per_partij(teamchef)).to_have_text([
        *(f"{g}: nog niet beoordeeld" for g in GEMEENTEN[:4]),
        re.compile(rf"^{POLITIE}: goedgekeurd door Tom Teamchef op {datum}"),
        f"{OM}: nog niet beoordeeld",
    ])
    # Approved for the politie: approving again is not offered (it would be refused); asking for changes is.
    expect(acties(teamchef).get_by_role("link")).to_have_text(["Wijzigingen vragen"])
    assert_no_axe_violations(teamchef)
    wachtrij_leeg(teamchef)
    assert Arrangement.objects.get(pk=pk).status == "ter_review"

    # 2. The officier and each other gemeente approve, each in an own browser -----------------------------------
    goedkeurders = [OM, *GEMEENTEN[:4]]
    for index, partij in enumerate(goedkeurders):
        beoordelaar = als(ONDERTEKENAARS[partij])
        keur_goed(beoordelaar, detail_url, partij)
        wachtend = goedkeurders[index + 1:]
        if wachtend:
            expect_message(beoordelaar, "Uw goedkeuring is vastgelegd. Het arrangement wacht nog op de goedkeuring "
                                        f"van: {', '.join(sorted(wachtend, key=PARTIJEN.index))}.")
            expect(dd(beoordelaar, "Status")).to_have_text("ter beoordeling")
            expect(per_partij(beoordelaar).filter(has_text="nog niet beoordeeld")).to_have_count(len(wachtend))
        else:
            expect_message(beoordelaar, "Het arrangement heeft nu de status 'goedgekeurd'.")
            expect(dd(beoordelaar, "Status")).to_have_text("goedgekeurd")
            expect(per_partij(beoordelaar).filter(has_text="goedgekeurd door ")).to_have_count(6)
        assert_no_axe_violations(beoordelaar)
        wachtrij_leeg(beoordelaar)
    assert Arrangement.objects.get(pk=pk).status == "goedgekeurd"

    # 3. The secretaris records the vaststelling and starts signing in parallel ---------------------------------
    secretaris = als("secretaris")
    secretaris.goto(detail_url)
    overgang(secretaris, "Vaststelling door de driehoek vastleggen", velden={
        "Datum besluit driehoek": timezone.localdate().isoformat(), "Referentie besluit": REFERENTIE})
    expect_message(secretaris, "Het arrangement heeft nu de status 'vastgesteld'.")
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    sectie.get_by_role("radio", name="Tegelijk: elke partij tekent wanneer zij wil").check()
    assert_no_axe_violations(secretaris)
    # In eager mode (tests) the PDF is rendered and the turn mails are sent within this request.
    sectie.get_by_role("button", name="PDF voor ondertekening maken").click(timeout=PDF_TIMEOUT_S * 1000)
    expect(secretaris).to_have_url(f"{detail_url}#document", timeout=PDF_TIMEOUT_S * 1000)
    wait_until_pdf_ready(secretaris)
    document = Document.objects.get(arrangement_id=pk)
    assert document.volgorde == Document.Volgorde.PARALLEL
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(sectie).to_contain_text("Volgorde: de partijen tekenen in willekeurige volgorde.")
    expect(sectie.locator("h3:text-is('Handtekeningen') + ul > li")).to_have_count(7)
    assert_no_axe_violations(secretaris)

    # In parallel every signer is asked at once, each exactly once.
    wacht_op_mails(secretaris, BEURT, len(ONDERTEKENAARS))
    for partij, username in ONDERTEKENAARS.items():
        assert len(mails(BEURT, username)) == 1, (partij, [(m.subject, m.to) for m in mail.outbox])
    secretaris.reload()
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    uitnodigingen = sectie.locator("h3:text-is('Uitnodigingen en herinneringen') + ul > li")
    expect(uitnodigingen.filter(has_text=re.compile(r": uitnodiging verstuurd op \d"))).to_have_count(7)
    expect(sectie.get_by_role("button", name=re.compile("^Herinnering sturen aan "))).to_have_count(7)

    # 4. The parties sign: OM, politie, then the gemeenten in reverse -------------------------------------------
    for nummer, partij in enumerate(TEKENVOLGORDE, start=1):
        if nummer == AL_GETEKEND_BIJ_HERINNERING + 1:
            herinneringen_twee_keer(secretaris, monkeypatch, document)
        onderteken(als(ONDERTEKENAARS[partij]), live_server, partij, detail_url, nummer)

    # Signing more changed nothing in the turn mails: still one each.
    for username in ONDERTEKENAARS.values():
        assert len(mails(BEURT, username)) == 1, username
    arrangement = Arrangement.objects.get(pk=pk)
    assert arrangement.status == "ondertekend"
    assert list(document.handtekeningen.order_by("getekend_op").values_list("partij__organisatie__naam", flat=True)) \
        == TEKENVOLGORDE

    # 5. Everyone gets the completion mail, once; its link gives the signed PDF ---------------------------------
    ontvangers = [*ONDERTEKENAARS.values(), "secretaris"]
    wacht_op_mails(secretaris, KLAAR, len(ontvangers))
    assert sorted(a for m in mails(KLAAR) for a in m.to) == sorted(map(adres, ontvangers))
    link = f"{live_server.url}/arrangementen/{pk}/document/"
    for username in ontvangers:
        (bericht,) = mails(KLAAR, username)
        assert f"Download de ondertekende PDF (na inloggen): {link}" in bericht.body, bericht.body
    laatste = document.versies.order_by("-volgnummer").first()
    baarn = als("burgemeester_baarn")
    url = re.search(rf"{re.escape(link)}\S*", mails(KLAAR, "burgemeester_baarn")[0].body).group(0)
    with baarn.expect_download() as download_info:
        baarn.evaluate("url => { window.location.href = url; }", url)
    pdf = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == laatste.sha256

    secretaris.reload()
    expect(dd(secretaris, "Status")).to_have_text("ondertekend")
    sectie = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(sectie).to_contain_text(f"Ondertekend door alle partijen op {timezone.localdate().day} ")
    getekend = sectie.locator("h3:text-is('Handtekeningen') + ul > li")
    expect(getekend).to_have_count(7)
    for partij in PARTIJEN:
        expect(getekend.filter(has_text=f"{partij}: getekend door ")).to_have_count(1)
    assert_no_axe_violations(secretaris)


def onderteken(signer: Page, live_server, partij: str, detail_url: str, nummer: int) -> None:
    """The signer follows the link in their "uw beurt" mail and signs with password, plaats and a fresh code."""
    username = ONDERTEKENAARS[partij]
    signer.goto(f"{live_server.url}/")
    te_ondertekenen = signer.get_by_role("region", name="Te ondertekenen")
    expect(te_ondertekenen.get_by_role("link", name=TITEL, exact=True)).to_have_attribute(
        "href", detail_url.removeprefix(live_server.url))
    (bericht,) = mails(BEURT, username)
    link = re.search(r"https?://\S+/ondertekenen/", bericht.body).group(0)
    assert link == f"{detail_url}document/ondertekenen/"
    signer.goto(link)
    expect(signer.get_by_role("heading", level=1)).to_have_text("Ondertekenen")
    expect(signer.get_by_text("De partijen tekenen in willekeurige volgorde.")).to_be_visible()
    versie = Document.objects.get(arrangement__pk=int(detail_url.rstrip("/").rsplit("/", 1)[1])) \
        .versies.order_by("-volgnummer").first()
    expect(signer.locator("code.app-hash")).to_have_text(versie.sha256)  # exactly the version being signed
    keuze = signer.get_by_role("group", name="Tekenen voor")
    expect(keuze.get_by_role("radio")).to_have_count(1)
    expect(keuze.get_by_role("radio", name=re.compile(f"^{re.escape(partij)} – "))).to_be_checked()
    assert_no_axe_violations(signer)
    signer.get_by_label("Plaats").fill(partij.split()[-1])
    signer.get_by_label("Uw wachtwoord").fill(DEMO_PASSWORD)
    signer.get_by_label("Verificatiecode").fill(code_for(Gebruiker.objects.get(username=username)))
    signer.get_by_role("button", name="Onderteken").click(timeout=60_000)
    expect(signer).to_have_url(f"{detail_url}#document", timeout=60_000)
    expect_message(signer, "Uw handtekening is gezet.")
    sectie = signer.get_by_role("region", name="PDF en ondertekening")
    expect(sectie.locator("h3:text-is('Handtekeningen') + ul > li").filter(has_text=" getekend door ")) \
        .to_have_count(nummer)
    expect(sectie.get_by_role("link", name="Ondertekenen")).to_have_count(0)
    assert_no_axe_violations(signer)
    signer.goto(f"{live_server.url}/")
    expect(signer.get_by_role("region", name="Te ondertekenen")).to_contain_text("Niets te ondertekenen.")


def herinneringen_twee_keer(secretaris: Page, monkeypatch, document: Document) -> None:
    """Four days on (ONDERTEKENING_HERINNERING_DAGEN is 3) the beat task runs twice on that day: every signer of a
    party still to sign gets exactly one reminder, the parties that signed none."""
    later = timezone.now() + datetime.timedelta(days=4)
    with monkeypatch.context() as klok:
        klok.setattr(timezone, "now", lambda: later)
        tasks.plan_signing_reminders()
        tasks.plan_signing_reminders()
    nog_te_tekenen = TEKENVOLGORDE[AL_GETEKEND_BIJ_HERINNERING:]
    wacht_op_mails(secretaris, HERINNERING, len(nog_te_tekenen))
    for partij, username in ONDERTEKENAARS.items():
        verwacht = 1 if partij in nog_te_tekenen else 0
        assert len(mails(HERINNERING, username)) == verwacht, (partij, [(m.subject, m.to) for m in mail.outbox])
    # A later run in the same period sends nothing new.
    with monkeypatch.context() as klok:
        klok.setattr(timezone, "now", lambda: later + datetime.timedelta(days=1))
        tasks.plan_signing_reminders()
    assert len(mails(HERINNERING)) == len(nog_te_tekenen)
    secretaris.reload()
    status = secretaris.get_by_role("region", name="PDF en ondertekening")
    expect(status).to_contain_text("laatste herinnering op ")
    assert_no_axe_violations(secretaris)
