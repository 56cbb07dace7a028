"""The compliance signal of issue 20 (arrangementen.geweldstoets) with a frozen clock: a BOA-organisatie carrying
geweldsmiddelen is flagged while no arrangement recording them is in force — before signing, once its arrangement
expires or the opzegging takes effect — and no longer once the herziening is signed; on the dashboard, in the list
(filter and marker), on /beeld/ (map marker, filter, CSV, API). Reminders 90/30/7 days before the end, exactly once
to the secretaris and the coördinator, also when the beat runs twice."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrangementen import beeldcache, geweldstoets, signaleringen, workflow
from arrangementen.models import Arrangement, BoaInzet, Geweldsmiddeltoekenning, Opzegging, Partij, Status
from samenwerking.dashboard import blocks_for
from samenwerking.models import Organisatie, Overzichtsniveau, Rol

from ..factories import ArrangementFactory, DriehoekFactory, GebruikerFactory, GemeenteFactory, OrganisatieFactory, lid
from .helpers import html, zet_status
from .test_beeld import _user

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
FLAG = "geweldsmiddelen zonder arrangement in werking"


@pytest.fixture
def wereld(db):
    gemeente = GemeenteFactory(officiele_naam="Boaheim", cbs_code="GM0344")  # a real code: it has a shape on the map
    driehoek = DriehoekFactory(gemeenten=[gemeente])
    boa_werkgever = OrganisatieFactory(naam="Gemeente Boaheim", soort=Organisatie.Soort.GEMEENTE, gemeente=gemeente)
    leden = {}
    for rol in (Rol.SECRETARIS, Rol.COORDINATOR, Rol.LEZER):
        leden[rol] = GebruikerFactory(email=f"{rol}@boaheim.example")
        lid(leden[rol], driehoek, rol)
    return {"gemeente": gemeente, "driehoek": driehoek, "org": boa_werkgever, "leden": leden}


def _version(w, *, vorige=None, **velden) -> Arrangement:
    """A vastgesteld arrangement of the driehoek with the gemeente and the politie as parties, BOA-inzet in domein
    I, and handboeien for the gemeente's boa's."""
    arrangement = ArrangementFactory(driehoek=w["driehoek"], titel="Arrangement Boaheim", status=Status.VASTGESTELD,
                                     vorige_versie=vorige, versie=vorige.versie + 1 if vorige else 1,
                                     aangemaakt_op=timezone.now() - DAY, **velden)
    Partij.objects.create(arrangement=arrangement, organisatie=w["org"], ondertekenaar_functie="burgemeester")
    Partij.objects.create(arrangement=arrangement, ondertekenaar_functie="teamchef",
                          organisatie=OrganisatieFactory(soort=Organisatie.Soort.POLITIE))
    BoaInzet.objects.create(arrangement=arrangement, domein="I", aantal_boas=4, fte=3)
    Geweldsmiddeltoekenning.objects.create(arrangement=arrangement, organisatie=w["org"], domein="I",
                                           geweldsmiddel="handboeien")
    return arrangement


def _sign(arrangement: Arrangement) -> None:
    workflow.perform(arrangement=arrangement, action="ondertekening_voltooien", user=arrangement.aangemaakt_door,
                     as_system=True)


def _flagged(day: datetime.date) -> set[str]:
    return set(geweldstoets.uncovered(day).values_list("organisatie__naam", flat=True))


@pytest.mark.parametrize("einde", ["verloopt", "opzegging"])
def test_the_flag_appears_when_the_arrangement_ends_and_goes_when_the_herziening_is_signed(wereld, frozen, einde):
    t0 = timezone.localdate()
    v1 = _version(wereld, geldig_van=t0, geldig_tot=t0 + 100 * DAY)
    assert _flagged(t0) == {"Gemeente Boaheim"}  # only vastgesteld: not in force yet
    _sign(v1)
    assert _flagged(t0) == set()
    if einde == "opzegging":
        Opzegging.objects.create(arrangement=v1, partij=v1.partijen.first(), door=v1.aangemaakt_door,
                                 reden="De gemeente stopt.", ingangsdatum=t0 + 50 * DAY)
        frozen(days=49)
        assert _flagged(t0 + 49 * DAY) == set()  # opgezegd, still in force until the notice takes effect
        ends = 50
    else:
        frozen(days=100)
        assert _flagged(t0 + 100 * DAY) == set()  # the last day in force
        ends = 101
    frozen(days=ends)
    today = t0 + ends * DAY
    assert _flagged(today) == {"Gemeente Boaheim"}
    v2 = _version(wereld, vorige=v1, geldig_van=today, geldig_tot=today + 365 * DAY)
    assert _flagged(today) == {"Gemeente Boaheim"}  # the herziening is only vastgesteld
    _sign(v2)
    assert _flagged(today) == set()
    assert _flagged(t0 + (ends - 1) * DAY) == set()  # the past reads the past: then v1 was in force
    assert _flagged(t0 - 2 * DAY) == set()  # and before v1 was made, nothing stated geweldsmiddelen


def test_a_herziening_that_drops_the_organisation_drops_its_claim(wereld, frozen):
    t0 = timezone.localdate()
    v1 = _version(wereld, geldig_van=t0, geldig_tot=t0 + 10 * DAY)
    _sign(v1)
    frozen(days=11)
    v2 = _version(wereld, vorige=v1, geldig_van=t0 + 11 * DAY, geldig_tot=t0 + 400 * DAY)
    v2.geweldsmiddeltoekenningen.all().delete()
    assert _flagged(t0 + 11 * DAY) == {"Gemeente Boaheim"}
    _sign(v2)
    assert _flagged(t0 + 11 * DAY) == set()


def test_a_withdrawn_concept_states_nothing(wereld):
    concept = _version(wereld)
    zet_status(concept, Status.INGETROKKEN)
    assert _flagged(timezone.localdate()) == set()


def test_the_dashboard_block_names_the_organisation_and_why(wereld, frozen):
    t0 = timezone.localdate()
    _sign(_version(wereld, geldig_van=t0, geldig_tot=t0 + 5 * DAY))
    frozen(days=6)
    [blok] = [b for b in blocks_for(user=wereld["leden"][Rol.LEZER]) if b.blok.sleutel == "geweldsmiddelen"]
    assert [(s.organisatie, s.middelen, s.reden) for s in blok.items] == [("Gemeente Boaheim", "handboeien",
                                                                           "verlopen")]
    # Another driehoek's members see nothing of it: not even the block (issue 20, test_geweld_oud.py).
    assert not [b for b in blocks_for(user=GebruikerFactory()) if b.blok.sleutel == "geweldsmiddelen"]


def test_the_list_marks_and_filters_the_flagged_arrangements(wereld, client, frozen):
    t0 = timezone.localdate()
    v1 = _version(wereld, geldig_van=t0, geldig_tot=t0 + 5 * DAY)
    _sign(v1)
    ArrangementFactory(driehoek=wereld["driehoek"], titel="Zonder geweldsmiddelen")
    client.force_login(wereld["leden"][Rol.LEZER])
    page = html(client.get("/arrangementen/", {"geweldsmiddelen": "on"}))
    assert "0 arrangementen" in page and "Arrangement Boaheim" not in page
    frozen(days=6)
    client.force_login(wereld["leden"][Rol.LEZER])  # the session of six days ago has expired
    page = html(client.get("/arrangementen/", {"geweldsmiddelen": "on"}))
    assert "1 arrangement" in page and "Arrangement Boaheim" in page and FLAG in page
    assert "Zonder geweldsmiddelen" not in page
    assert FLAG in html(client.get("/arrangementen/"))


def test_the_unfiltered_list_reads_the_flag_for_its_page_as_the_filter_does(wereld, client, frozen):
    t0 = timezone.localdate()
    flagged = _version(wereld, geldig_van=t0, geldig_tot=t0 + 5 * DAY)
    _sign(flagged)
    plain = ArrangementFactory(driehoek=wereld["driehoek"], titel="Zonder geweldsmiddelen")
    pks = [flagged.pk, plain.pk]
    tag = f'<span class="app-tag">{FLAG}</span>'  # the filter's label says FLAG as well
    assert geweldstoets.flagged_among(pks) == set()
    client.force_login(wereld["leden"][Rol.LEZER])
    assert tag not in html(client.get("/arrangementen/"))
    frozen(days=6)
    in_sql = set(Arrangement.objects.annotate(f=geweldstoets.flag()).filter(f=True).values_list("pk", flat=True))
    assert geweldstoets.flagged_among(pks) == in_sql == {flagged.pk}
    assert geweldstoets.flagged_among(pks, peildatum=t0) == set()  # on the first day it was in force
    client.force_login(wereld["leden"][Rol.LEZER])
    [row] = [r for r in html(client.get("/arrangementen/")).split("<tr") if tag in r]
    assert "Arrangement Boaheim" in row and "Zonder geweldsmiddelen" not in row


def test_the_map_marks_filters_and_exports_the_gemeente(wereld, client, frozen):
    t0 = timezone.localdate()
    v1 = _version(wereld, geldig_van=t0, geldig_tot=t0 + 5 * DAY)
    # A second gemeente signs too, but its own boa's carry nothing: it is not marked.
    buur = GemeenteFactory(officiele_naam="Buurdorp")
    Partij.objects.create(arrangement=v1, ondertekenaar_functie="burgemeester", organisatie=OrganisatieFactory(
        soort=Organisatie.Soort.GEMEENTE, gemeente=buur))
    _sign(v1)
    user = _user(niveau=Overzichtsniveau.LANDELIJK)
    client.force_login(user)
    assert "Boaheim" not in html(client.get("/beeld/", {"geweldsmiddelen": "on"})).split('id="gemeenten"')[1]
    frozen(days=6)
    client.force_login(user)
    page = html(client.get("/beeld/", {"geweldsmiddelen": "on"}))
    assert f'aria-label="Boaheim: verlopen of opgezegd; {FLAG}"' in page
    assert 'class="app-kaart__geweld"' in page
    # The state's fill stays visible under the marker: the patterns scale with a decimal point, not a Dutch comma.
    assert re.search(r'patternTransform="scale\(\d+\.\d+\)"', page) and "scale(0," not in page
    assert re.search(r"<tbody.*Boaheim.*geweldsmiddelen zonder arrangement in werking", page, re.S)
    csv_text = client.get("/beeld/", {"geweldsmiddelen": "on", "export": "csv"}).content.decode()
    [header, row] = csv_text.strip().splitlines()
    assert header.endswith("Geweldsmiddelen zonder arrangement in werking") and row.startswith("Boaheim;")
    assert row.endswith(";ja") and "Buurdorp" not in csv_text
    [buurdorp] = [row for row in client.get("/beeld/", {"export": "csv"}).content.decode().splitlines()
                  if row.startswith("Buurdorp;")]
    assert buurdorp.startswith("Buurdorp;") and buurdorp.endswith(";nee")
    [item] = [i for i in client.get("/api/v1/beeld/").json() if i["naam"] == "Boaheim"]
    assert item["geweldsmiddelen_zonder_arrangement"] is True


def _count(client, url, query) -> int:
    beeldcache.bump()  # /beeld/ computes its picture every time: the worst case (test_beeldcache.py)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url", "query"), [("/beeld/", {"geweldsmiddelen": "on"}),
                                            ("/arrangementen/", {"geweldsmiddelen": "on"})])
def test_the_filtered_pages_cost_the_same_for_few_and_many_flagged(wereld, client, frozen, url, query):
    t0 = timezone.localdate()
    beeld = url == "/beeld/"
    _sign(_version(wereld, geldig_van=t0, geldig_tot=t0 + 5 * DAY))
    frozen(days=6)
    client.force_login(_user(niveau=Overzichtsniveau.LANDELIJK) if beeld else wereld["leden"][Rol.LEZER])
    _count(client, url, query)
    few = _count(client, url, query)
    for n in range(12):
        gemeente = GemeenteFactory() if beeld else wereld["gemeente"]
        w = {**wereld, "gemeente": gemeente, "org": OrganisatieFactory(soort=Organisatie.Soort.GEMEENTE,
                                                                       gemeente=gemeente)}
        if beeld:
            w["driehoek"] = DriehoekFactory(gemeenten=[gemeente])
        _version(w, geldig_van=t0, geldig_tot=t0 + (n + 1) * DAY)
    assert _count(client, url, query) == few


# --- reminders ---------------------------------------------------------------------------------------------------

def _beat(today: datetime.date) -> None:
    """One run of the daily beat as the tasks do it: claim, then send every pending signal."""
    for pk in signaleringen.claim_signals(today=today):
        signaleringen.send_signal(signalering_id=pk, today=today)


def _reminders(to: str) -> list[str]:
    return [re.search(r"over (\d+) dagen", m.subject)[1] for m in mail.outbox
            if m.to == [to] and "Geweldsmiddelen:" in m.subject]


def test_reminders_90_30_and_7_days_before_the_end_exactly_once_under_a_double_run(wereld):
    t0 = timezone.localdate()
    v1 = _version(wereld, geldig_van=t0 - 10 * DAY, geldig_tot=t0 + 100 * DAY)
    _sign(v1)
    mail.outbox.clear()
    for day in (10, 10, 11, 70, 70, 90, 93, 93, 99, 100, 101):
        _beat(t0 + day * DAY)
    for rol in (Rol.SECRETARIS, Rol.COORDINATOR):
        assert _reminders(f"{rol}@boaheim.example") == ["90", "30", "7"]
    assert _reminders(f"{Rol.LEZER}@boaheim.example") == []
    body = next(m.body for m in mail.outbox if "Geweldsmiddelen:" in m.subject)
    assert "Gemeente Boaheim: handboeien (I – Openbare ruimte)" in body


def test_no_reminder_once_a_signed_herziening_takes_over(wereld):
    t0 = timezone.localdate()
    v1 = _version(wereld, geldig_van=t0 - 10 * DAY, geldig_tot=t0 + 100 * DAY)
    _sign(v1)
    _sign(_version(wereld, vorige=v1, geldig_van=t0 + 101 * DAY, geldig_tot=t0 + 500 * DAY))
    mail.outbox.clear()
    _beat(t0 + 10 * DAY)
    assert _reminders(f"{Rol.SECRETARIS}@boaheim.example") == []
