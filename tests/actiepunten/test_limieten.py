"""Bounds in actiepunten: free text in forms and API, the verslag PDF rendered in the request, the iCal feed.

The crafted-input generators are module-level so an integration test (gunicorn) can import them.
"""

import datetime
import signal
import time

import pytest
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history

from actiepunten import agenda, services
from actiepunten.models import Actiepunt, Overleg
from arrangementen import pdf
from samenwerking.models import Auditregel
from samenwerking.tekstlimieten import LANGE_TEKST, REGELS, VERSLAG

from ..factories import vandaag
from ..samenwerking.test_diff_limieten import random_text

CPU_BOUND = 20.0  # seconds of CPU for one request, measured in this process
DAY = datetime.timedelta(days=1)


def verslag_html(characters: int, seed: int = 1) -> str:
    """A verslag of paragraphs, headings and a small table, as a secretaris writes one, of `characters` long."""
    parts, n = [], 0
    while True:
        block = (f"<h3>Punt {n}</h3>" if n % 10 == 0 else
                 "<table><tr><th>Wie</th><th>Wat</th></tr><tr><td>Politie</td><td>Toezicht</td></tr></table>"
                 if n % 25 == 7 else f"<p>{random_text(60, seed + n)}</p>")
        if sum(map(len, parts)) + len(block) > characters:
            break
        parts.append(block)
        n += 1
    return "".join(parts)


def nested_html(depth: int) -> str:
    """Lists inside lists: survives sanitising, and deep enough exhausts WeasyPrint's recursion."""
    return "<ul><li>niveau" * depth + "</li></ul>" * depth


def table_html(cells: int) -> str:
    """A table of many small cells: the most expensive markup per character to lay out."""
    row = "<tr>" + "<td>a</td>" * 10 + "</tr>"
    return "<table>" + row * (cells // 10) + "</table>"


def lines(count: int, width: int, prefix: str) -> list[str]:
    return [f"{prefix} {i} " + "x" * max(0, width - len(prefix) - 8) for i in range(count)]


def maximal_overleg(driehoek, secretaris) -> Overleg:
    """An overleg with everything at the maximum the forms allow, and twenty long actiepunten."""
    per_line = LANGE_TEKST // REGELS - 2
    overleg = services.create_overleg(
        driehoek=driehoek, user=secretaris,
        data={"soort": "werkgroep", "titel": "Maximaal", "datum": vandaag(), "verslag": verslag_html(VERSLAG)},
        deelnemers=[services.Deelnemer(naam=line[:190], organisatie="Org")
                    for line in lines(REGELS // 2, per_line, "Deelnemer")],
        agenda=lines(REGELS, per_line, "Agendapunt"), besluiten=lines(REGELS, per_line, "Besluit"),
    )
    for nummer in range(1, 21):
        services.create_actiepunt(driehoek=driehoek, user=secretaris, overleg=overleg, nummer=nummer, data={
            "onderwerp": random_text(150, nummer), "extern_naam": "Extern", "datum_gereed": vandaag()})
    return overleg


def with_verslag(driehoek, secretaris, verslag: str) -> Overleg:
    return services.create_overleg(driehoek=driehoek, user=secretaris, data={
        "soort": "werkgroep", "titel": "Bijzonder verslag", "datum": vandaag(), "verslag": verslag})


# --- forms --------------------------------------------------------------------------------------------

def overleg_form(**overrides) -> dict:
    return {"soort": "werkgroep", "titel": "Houden", "datum": "2030-01-01", **overrides}


@pytest.mark.parametrize(("veld", "waarde", "melding"), [
    pytest.param("verslag", "<p>BEGINMARKERING</p>" + "<p>lang</p>" * (VERSLAG // 11), f"Maximaal {VERSLAG} tekens",
                 id="verslag"),
    pytest.param("agenda", "BEGINMARKERING\n" + "punt\n" * REGELS, f"Maximaal {REGELS} regels", id="agenda-regels"),
    pytest.param("agenda", "BEGINMARKERING " + "x" * 400, "Maximaal 300 tekens per regel", id="agendapunt-lang"),
    pytest.param("besluiten", "BEGINMARKERING " + "b" * LANGE_TEKST, f"Maximaal {LANGE_TEKST} tekens",
                 id="besluiten"),
    pytest.param("externe_deelnemers", "BEGINMARKERING\n" + "Naam (Org)\n" * REGELS, f"Maximaal {REGELS} regels",
                 id="deelnemers"),
])
def test_over_long_overleg_input_is_refused_in_dutch_and_kept(client, driehoek, secretaris, veld, waarde, melding):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]), overleg_form(**{veld: waarde}))
    assert response.status_code == 200
    assert any(melding in error for error in response.context["form"].errors[veld])
    page = response.content.decode()
    assert melding in page and "BEGINMARKERING" in page
    assert not Overleg.objects.filter(titel="Houden").exists()


@pytest.mark.parametrize("veld", ["onderwerp", "toelichting"])
def test_an_over_long_actiepunt_text_is_refused_in_dutch_and_kept(client, driehoek, secretaris, veld):
    client.force_login(secretaris)
    data = {"onderwerp": "Kort", "extern_naam": "Extern", "datum_gereed": "2030-01-01",
            veld: "BEGINMARKERING " + "y" * LANGE_TEKST}
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]), data)
    assert response.status_code == 200
    assert f"Maximaal {LANGE_TEKST} tekens" in response.content.decode()
    assert "BEGINMARKERING" in response.content.decode()
    assert not Actiepunt.objects.exists()


# --- API ----------------------------------------------------------------------------------------------

@pytest.fixture
def api(secretaris):
    client = APIClient()
    client.force_login(secretaris)
    return client


@pytest.mark.parametrize(("veld", "waarde", "melding"), [
    pytest.param("verslag", "x" * (VERSLAG + 1), f"hoogstens {VERSLAG} tekens", id="verslag"),
    pytest.param("besluiten", ["b"] * (REGELS + 1), f"hoogstens {REGELS} regels", id="besluiten-aantal"),
    pytest.param("besluiten", ["b" * (LANGE_TEKST + 1)], f"hoogstens {LANGE_TEKST} tekens", id="besluit-lang"),
    pytest.param("agenda", ["a"] * (REGELS + 1), f"hoogstens {REGELS} regels", id="agenda-aantal"),
    pytest.param("deelnemers", [{"naam": f"N{i}"} for i in range(REGELS + 1)], f"hoogstens {REGELS} regels",
                 id="deelnemers-aantal"),
])
def test_the_api_refuses_over_long_overleg_input_in_dutch(api, driehoek, veld, waarde, melding):
    response = api.post("/api/v1/overleggen/", {"driehoek": driehoek.pk, "soort": "werkgroep",
                                                 "datum": "2030-01-01", veld: waarde}, format="json")
    assert response.status_code == 400
    assert melding in str(response.data[veld])
    assert not Overleg.objects.exists()


@pytest.mark.parametrize("veld", ["onderwerp", "toelichting"])
def test_the_api_refuses_an_over_long_actiepunt_text(api, driehoek, veld):
    data = {"driehoek": driehoek.pk, "onderwerp": "Kort", "extern_naam": "Extern", "datum_gereed": "2030-01-01",
            veld: "z" * (LANGE_TEKST + 1)}
    response = api.post("/api/v1/actiepunten/", data, format="json")
    assert response.status_code == 400
    assert f"hoogstens {LANGE_TEKST} tekens" in str(response.data[veld])
    assert not Actiepunt.objects.exists()


# --- the verslag PDF ------------------------------------------------------------------------------------

def test_the_verslag_pdf_of_maximal_content_renders_within_the_bound(client, driehoek, secretaris):
    overleg = maximal_overleg(driehoek, secretaris)
    client.force_login(secretaris)
    start = time.process_time()
    response = client.get(reverse("actiepunten:verslag_pdf", args=[overleg.pk]))
    seconds = time.process_time() - start
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert seconds < CPU_BOUND


@pytest.mark.parametrize(("verslag", "melding"), [
    pytest.param(nested_html(80), "te diep genest", id="genest"),
    pytest.param(table_html(4_500), "te veel onderdelen", id="tabelcellen"),
])
def test_a_verslag_too_complex_for_a_pdf_is_refused_in_dutch_quickly_and_on_record(client, driehoek, secretaris,
                                                                                  verslag, melding):
    overleg = with_verslag(driehoek, secretaris, verslag)
    client.force_login(secretaris)
    start = time.process_time()
    response = client.get(reverse("actiepunten:verslag_pdf", args=[overleg.pk]))
    assert time.process_time() - start < 5
    assert response.status_code == 302
    assert response["Location"] == reverse("actiepunten:overleg", args=[overleg.pk])
    page = client.get(response["Location"]).content.decode()
    assert melding in page
    entry = Auditregel.objects.get(gebeurtenis=Auditregel.Gebeurtenis.LIMIET_OVERSCHREDEN)
    assert entry.object_id == str(overleg.pk)
    assert entry.gebruikersnaam == secretaris.username


def test_html_beyond_the_size_bound_is_refused_before_rendering():
    with pytest.raises(pdf.PdfTeGroot, match="te groot"):
        pdf.check_bounds("<p>" + "x" * pdf.IN_VERZOEK.tekens + "</p>", pdf.IN_VERZOEK)


# The timer may land in a garbage-collector callback, where Python only reports the exception; the stop fires
# again shortly after and then ends the rendering (which is what this test asserts).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_rendering_stops_after_its_cpu_time_with_a_dutch_message():
    before = signal.getsignal(signal.SIGVTALRM)
    html = f'<html lang="nl"><body>{table_html(2_000)}</body></html>'
    bounds = pdf.PdfGrenzen(tekens=10**7, elementen=10**6, diepte=100, cpu_seconden=0.2)
    start = time.process_time()
    with pytest.raises(pdf.PdfTeGroot, match="duurde te lang"):
        pdf.render_pdf(html, grenzen=bounds)
    assert time.process_time() - start < 5
    assert signal.getsignal(signal.SIGVTALRM) == before
    assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)


# --- the iCal feed ------------------------------------------------------------------------------------

def many_actiepunten(driehoek, eigenaar, dates: list[datetime.date]) -> None:
    """Setup only: many actiepunten of one owner at once (with their history rows)."""
    bulk_create_with_history([
        Actiepunt(driehoek=driehoek, nummer=nummer, onderwerp=f"Punt {nummer}", eigenaar=eigenaar, datum_gereed=day)
        for nummer, day in enumerate(dates, start=1)
    ], Actiepunt)


def feed_token(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("actiepunten:instellingen"), {"handeling": "agenda_nieuw"})
    return response.context["nieuwe_url"].rsplit("/", 1)[1].removesuffix(".ics")


def test_the_ical_feed_is_bounded_nearest_first_and_stays_a_valid_calendar(client, driehoek, secretaris):
    today = vandaag()
    future = [today + (i % 500) * DAY for i in range(agenda.MAX_TOEKOMST + 300)]
    past = [today - (1 + i % 150) * DAY for i in range(agenda.MAX_VERLEDEN + 200)]
    outside = [today + (agenda.DAGEN_VOORUIT + 10) * DAY, today - (agenda.DAGEN_TERUG + 10) * DAY]
    many_actiepunten(driehoek, secretaris, future + past + outside)
    token = feed_token(client, secretaris)
    client.logout()
    start = time.process_time()
    response = client.get(reverse("actiepunten:agenda", args=[token]))
    assert time.process_time() - start < CPU_BOUND
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert len(events) == agenda.MAX_TOEKOMST + agenda.MAX_VERLEDEN
    assert all(e.get("UID") and e.get("DTSTART") and e.get("DTSTAMP") for e in events)
    dates = sorted(e.decoded("DTSTART") for e in events)
    assert dates[0] >= today - agenda.DAGEN_TERUG * DAY and dates[-1] <= today + agenda.DAGEN_VOORUIT * DAY
    assert today in dates and today - DAY in dates  # nearest to today first
    assert len({e["UID"] for e in events}) == len(events)


def test_the_ical_feed_leaves_out_what_lies_outside_its_window(client, driehoek, secretaris):
    today = vandaag()
    many_actiepunten(driehoek, secretaris, [today + (agenda.DAGEN_VOORUIT + 1) * DAY,
                                            today - (agenda.DAGEN_TERUG + 1) * DAY, today + 5 * DAY])
    token = feed_token(client, secretaris)
    events = Calendar.from_ical(client.get(reverse("actiepunten:agenda", args=[token])).content).walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [today + 5 * DAY]
