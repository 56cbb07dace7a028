"""Every page of the beheer (/beheer/, the Django admin) in a real browser: the index, each app, and of every model
its change list, add form, one change form, its history and its delete confirmation, with axe-core live on the
page as the beheerder sees it (scripts ran, widgets built), the Nu Html Checker on every response
(conftest `page_checks`), no Content-Security-Policy violation (conftest `page`) and no English text.

The beheerder (staff, Beheer group) walks the models she maintains; a superuser the read-only rest.
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from actiepunten import services as actiepunt_services
from actiepunten.models import Herinnering
from arrangementen.bibliotheek import load_library
from arrangementen.models import Mandaat, Ondertekeningssleutel
from samenwerking import api_tokens, uitnodigingen
from samenwerking.models import Basisteam, Driehoek, Gebruiker, Organisatie, Rol
from tests.factories import GebruikerFactory

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, login, watch_csp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# English the admin shows where no Dutch translation exists; none of it may reach a beheerder.
ENGLISH = re.compile(
    r"\b(Choose all|Remove all|Choose|After you|Save and|Add another|Show all|Recent actions|Historical|historical"
    r"|Can add|Can change|Can delete|Can view|was added|was changed|successfully|Home|History|Delete|Change"
    r"|Select all|Clear selection|Unknown|Now|Today|Password|Permissions|Personal info|Important dates)\b"
)


@pytest.fixture
def beheer_world(demo_data):
    """One row of every model the admin shows, so each change form and history page can be opened."""
    load_library()
    beheerder = demo_data["beheerder"]
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    systeem = GebruikerFactory(username="koppeling", is_systeemaccount=True)
    api_tokens.create_token(gebruiker=systeem, door=beheerder, naam="Koppeling zaaksysteem")
    Ondertekeningssleutel.objects.create(organisatie=Organisatie.objects.order_by("pk").first(),
                                         wachtwoord_bron="env:BEHEER_TEST",
                                         pkcs12=ContentFile(b"-", name="beheer.p12"))
    Mandaat.objects.create(volmachtgever=demo_data["burgemeester"], gemachtigde=demo_data["coordinator"],
                           geldig_van=datetime.date(2026, 1, 1), geldig_tot=datetime.date(2026, 12, 31))
    secretaris = bes.lidmaatschappen.filter(rol=Rol.SECRETARIS).first().gebruiker
    overleg = actiepunt_services.create_overleg(driehoek=bes, user=secretaris,
                                                data={"soort": "tactisch", "datum": datetime.date(2026, 3, 2)})
    punt = actiepunt_services.create_actiepunt(driehoek=bes, user=secretaris, overleg=overleg,
                                               data={"onderwerp": "Handhaving parkeren", "extern_naam": "Extern",
                                                     "datum_gereed": datetime.date(2026, 4, 1)})
    Herinnering.objects.create(onderwerp_type=Herinnering.OnderwerpType.ACTIEPUNT, onderwerp_id=punt.pk,
                               soort=Herinnering.Soort.VERLOPEN, periode="2026-04", driehoek=bes,
                               status=Herinnering.Verzending.MISLUKT, pogingen=1, laatste_fout="SMTP")
    beheerder_pk = beheerder.pk
    superuser = Gebruiker.objects.create_superuser("hoofdbeheer", "hoofdbeheer@example.org", DEMO_PASSWORD,
                                                   first_name="Hanna", last_name="Hoofdbeheer")
    TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    return {"beheerder": Gebruiker.objects.get(pk=beheerder_pk), "superuser": superuser}


def test_csp_wachter_ziet_wat_het_beleid_weigert(browser, live_server):
    """The check every browser test relies on: an inline style and a <style> under the product's policy are
    reported, from the console and from the page's violation events."""
    context = browser.new_context()
    found: list[str] = []
    watch_csp(context, found)
    page = context.new_page()
    page.route(f"{live_server.url}/csp-proef/", lambda route: route.fulfill(
        status=200, body='<!doctype html><title>x</title><style>p{}</style><p style="color:red">x</p>',
        headers={"content-type": "text/html", "content-security-policy": "style-src 'self'"}))
    page.goto(f"{live_server.url}/csp-proef/")
    page.wait_for_timeout(500)
    context.close()
    assert any("style-src-elem blokkeerde inline" in v for v in found), found
    assert any("style-src-attr blokkeerde inline" in v for v in found), found
    assert any(v.startswith("console: ") for v in found), found


class Crawl:
    """Visits admin pages and keeps every problem, so one run lists all of them."""

    def __init__(self, page: Page, base: str):
        self.page, self.base = page, base
        self.problems: list[str] = []
        self.visited: list[str] = []

    def visit(self, url: str) -> None:
        self.page.goto(url if url.startswith("http") else self.base + url)
        self.page.wait_for_load_state("load")
        self.visited.append(self.page.url)
        try:
            assert_no_axe_violations(self.page)
        except AssertionError as error:
            self.problems.append(str(error))
        text = self.page.locator("body").inner_text()
        english = sorted(set(ENGLISH.findall(text)))
        if english:
            self.problems.append(f"Engels op {self.page.url}: {english}")

    def hrefs(self, selector: str) -> list[str]:
        return [a.get_attribute("href") for a in self.page.locator(selector).all()]

    def model(self, changelist: str, add: str | None) -> None:
        self.visit(changelist)
        expect(self.page.get_by_role("heading", level=1)).to_be_visible()
        first = self.hrefs("#result_list tbody tr th a, #result_list tbody tr td a")[:1]
        if add:
            self.visit(add)
        for change in first:
            self.visit(change)
            for extra in self.hrefs("a.historylink")[:1] + self.hrefs("a.deletelink")[:1]:
                self.visit(extra)
                self.page.go_back()

    def index(self, url: str = "/beheer/") -> None:
        self.visit(url)
        apps = self.hrefs("#content-main .module caption a")
        rows = self.page.locator("#content-main .module tbody tr").all()
        models = []
        for row in rows:
            changelist = row.locator("th a").first.get_attribute("href")
            adds = row.locator("a.addlink")
            models.append((changelist, adds.first.get_attribute("href") if adds.count() else None))
        for app in apps:
            self.visit(app)
        for changelist, add in models:
            self.model(changelist, add)

    def check(self) -> None:
        assert not self.problems, f"{len(self.problems)} probleem/problemen op {len(self.visited)} pagina's:\n\n" \
            + "\n\n".join(self.problems)


def test_beheerder_bezoekt_elke_beheerpagina(page, live_server, beheer_world):
    login(page, live_server, "beheerder")
    crawl = Crawl(page, live_server.url)
    crawl.index()
    assert len(crawl.visited) > 45, crawl.visited
    crawl.check()


def test_hoofdbeheerder_bezoekt_de_alleen_lezen_paginas(page, live_server, beheer_world):
    login(page, live_server, "hoofdbeheer")
    crawl = Crawl(page, live_server.url)
    crawl.visit("/beheer/")
    crawl.visit("/beheer/actiepunten/")
    for name in ("overleg", "actiepunt", "herinnering"):
        crawl.model(f"/beheer/actiepunten/{name}/", None)
    crawl.check()


def invitation_link(outbox, adres: str) -> str:
    mails = [m for m in outbox if adres in m.to]
    assert len(mails) == 1, [m.to for m in outbox]
    match = re.search(r"https?://\S+/account/uitnodiging/\S+/", mails[0].body)
    assert match, mails[0].body
    return match.group(0)


def test_beheerder_nodigt_uit_geeft_een_rol_en_importeert_basisteams(page, new_page, live_server, beheer_world,
                                                                     mailoutbox, page_checks, tmp_path, settings):
    settings.SITE_URL = live_server.url  # the links in the e-mail lead to this server
    login(page, live_server, "beheerder")
    page.goto(f"{live_server.url}/beheer/samenwerking/gebruiker/add/")
    expect(page.get_by_label("Wachtwoord")).to_have_count(0)
    page.get_by_label("Gebruikersnaam").fill("nina.nieuw")
    page.get_by_label("Voornaam").fill("Nina")
    page.get_by_label("Achternaam").fill("Nieuw")
    page.get_by_label("E-mailadres").fill("nina@example.org")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Er is een uitnodiging gestuurd naar nina@example.org.")
    expect(page.locator(".messagelist")).not_to_contain_text("De gebruiker")
    nina = Gebruiker.objects.get(username="nina.nieuw")
    assert not nina.has_usable_password()
    link = invitation_link(mailoutbox, "nina@example.org")
    assert live_server.url in link

    # The role, from the user's page: a membership as reviewer, which asks for the second step.
    page.get_by_role("link", name="Lidmaatschap toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("lidmaatschap toevoegen")
    expect(page.locator("#id_gebruiker")).to_have_value(str(nina.pk))
    # The select2 widget next to the (visually hidden) select, named after the field's label.
    page.locator("#id_driehoek + .select2").get_by_role("combobox", name=re.compile(r"^Driehoek")).click()
    page.locator(".select2-search__field").fill("BES")
    page.get_by_role("option", name="Basisteamdriehoek BES").click()
    page.get_by_label("Rol").select_option(label="beoordelaar")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("(lidmaatschap) is toegevoegd.")

    # Nina opens the link: she chooses her own password and then sets up her app.
    nina_page = new_page()
    nina_page.goto(link)
    expect(nina_page).to_have_url(re.compile(r"/account/uitnodiging/[^/]+/wachtwoord/$"))
    expect(nina_page.get_by_role("heading", level=1)).to_have_text("Wachtwoord kiezen")
    nina_page.get_by_label("Nieuw wachtwoord", exact=True).fill("kort")
    nina_page.get_by_label("Nieuw wachtwoord bevestigen").fill("kort")
    nina_page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(nina_page.get_by_role("heading", level=1)).to_have_text("Wachtwoord kiezen")
    assert_no_axe_violations(nina_page)
    nina_page.get_by_label("Nieuw wachtwoord", exact=True).fill("Handhaving-in-Soest-2026")
    nina_page.get_by_label("Nieuw wachtwoord bevestigen").fill("Handhaving-in-Soest-2026")
    nina_page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(nina_page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    nina.refresh_from_db()
    assert nina.check_password("Handhaving-in-Soest-2026")

    # The link works once; an expired one says so.
    page_checks.expect_status(link, 410)
    other = new_page()
    assert other.goto(link).status == 410
    expect(other.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    expect(other.get_by_role("main")).to_contain_text("al gebruikt")
    oud = Gebruiker.objects.create_user("oud", email="oud@example.org", first_name="Olaf", last_name="Oud")
    token = uitnodigingen.make_token(gebruiker=oud, now=timezone.now() - datetime.timedelta(hours=73))
    verlopen = f"{live_server.url}/account/uitnodiging/{urlsafe_base64_encode(force_bytes(oud.pk))}/{token}/"
    page_checks.expect_status(verlopen, 410)
    assert other.goto(verlopen).status == 410
    expect(other.get_by_role("main")).to_contain_text("De uitnodiging is verlopen")

    # Basisteams from a file: a preview with the file's line numbers, then all at once.
    bestand = tmp_path / "basisteams.csv"
    bestand.write_text("basisteam_naam,politie_eenheid_code,district,gemeentecode,dekking,bron,bron_datum,"
                       "betrouwbaarheid\n"
                       "Eemland Noord,RE03,,GM0342,gehele gemeente,eigen lijst,2026,hoog\n"
                       "Eemland Noord,RE03,,GM0308,deel van gemeente (noord),eigen lijst,2026,hoog\n", "utf-8")
    page.goto(f"{live_server.url}/beheer/samenwerking/basisteam/")
    page.get_by_role("link", name="Basisteams importeren").click()
    page.get_by_label("CSV-bestand met basisteams").set_input_files(str(bestand))
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    voorbeeld = page.get_by_role("table", name="Wat elke regel van het bestand doet")
    expect(voorbeeld.locator("tbody tr")).to_have_count(2)
    expect(voorbeeld.locator("tbody tr").nth(0).locator("td").first).to_have_text("2")
    expect(voorbeeld.locator("tbody tr").nth(1).locator("td").first).to_have_text("3")
    expect(page.get_by_role("main")).to_contain_text("Basisteams: 1 aangemaakt")
    assert not Basisteam.objects.filter(naam="Eemland Noord").exists()
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Het bestand basisteams.csv is geïmporteerd (2 regels). Basisteams: 1 aangemaakt, 0 gewijzigd, 0 ongewijzigd; "
        "Werkgebieden: 2 aangemaakt, 0 gewijzigd, 0 ongewijzigd.")
    assert Basisteam.objects.get(naam="Eemland Noord").werkgebieden.count() == 2

    # All of it is in the security log.
    page.goto(f"{live_server.url}/beveiliging/logboek/")
    regels = page.get_by_role("table", name="Regels van het beveiligingslogboek")
    for gebeurtenis in ("account aangemaakt", "uitnodiging verstuurd", "uitnodiging gebruikt",
                        "lidmaatschap toegekend", "referentiegegevens geïmporteerd"):
        expect(regels).to_contain_text(gebeurtenis)
