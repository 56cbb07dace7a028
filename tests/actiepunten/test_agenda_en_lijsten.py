"""The iCal feed, the lists (query counts, filters, signals), exports, scoping and the demo."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from actiepunten import services
from actiepunten.models import Actiepunt, Overleg

from ..factories import GebruikerFactory, vandaag

DAY = datetime.timedelta(days=1)


def feed_token(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("actiepunten:instellingen"), {"handeling": "agenda_nieuw"})
    url = response.context["nieuwe_url"]
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def test_the_ical_feed_parses_and_holds_exactly_the_users_items(client, driehoek, overleg, secretaris, lezer,
                                                                 maak_punt, vreemde, andere_driehoek):
    own = maak_punt(eigenaar=lezer, onderwerp="Van de lezer", datum_gereed=vandaag() + 3 * DAY)
    maak_punt(eigenaar=secretaris, onderwerp="Van de secretaris")
    maak_punt(onderwerp="Van een externe")
    vervallen = maak_punt(eigenaar=lezer, onderwerp="Vervallen")
    services.change_status(actiepunt=vervallen, user=secretaris, action="laten_vervallen", toelichting="x")
    with_lezer = services.create_overleg(driehoek=driehoek, user=secretaris, data={
        "soort": "tactisch", "titel": "Met lezer", "datum": vandaag(), "begintijd": datetime.time(10),
        "eindtijd": datetime.time(11, 30), "locatie": "Bureau"}, deelnemers=[services.Deelnemer(gebruiker=lezer)])
    services.create_overleg(driehoek=driehoek, user=secretaris, data={"soort": "tactisch", "datum": vandaag()},
                            deelnemers=[services.Deelnemer(gebruiker=lezer, aanwezig=False)])
    services.create_overleg(driehoek=andere_driehoek, user=vreemde, data={"soort": "tactisch", "datum": vandaag()})
    token = feed_token(client, lezer)
    client.logout()  # the feed needs no session: the token is the credential

    response = client.get(reverse("actiepunten:agenda", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"actiepunt-{own.pk}@127.0.0.1:8000", f"overleg-{with_lezer.pk}@127.0.0.1:8000"}
    due = events[f"actiepunt-{own.pk}@127.0.0.1:8000"]
    assert due.decoded("dtstart") == own.datum_gereed
    assert "Van de lezer" in str(due["summary"])
    meeting = events[f"overleg-{with_lezer.pk}@127.0.0.1:8000"]
    assert meeting.decoded("dtstart").hour == 10 and str(meeting["location"]) == "Bureau"


def test_a_revoked_or_wrong_token_is_404(client, lezer):
    token = feed_token(client, lezer)
    assert client.get(reverse("actiepunten:agenda", args=[token])).status_code == 200
    assert client.get(reverse("actiepunten:agenda", args=["verkeerd"])).status_code == 404
    client.post(reverse("actiepunten:instellingen"), {"handeling": "agenda_intrekken"})
    assert client.get(reverse("actiepunten:agenda", args=[token])).status_code == 404


def test_a_new_token_replaces_the_old_one(client, lezer):
    old = feed_token(client, lezer)
    new = feed_token(client, lezer)
    assert client.get(reverse("actiepunten:agenda", args=[old])).status_code == 404
    assert client.get(reverse("actiepunten:agenda", args=[new])).status_code == 200


def test_the_feed_forgets_a_driehoek_the_user_left(client, driehoek, lezer, maak_punt):
    maak_punt(eigenaar=lezer)
    token = feed_token(client, lezer)
    from samenwerking.services import end_membership

    end_membership(lidmaatschap=lezer.lidmaatschappen.get(), per=vandaag())
    calendar = Calendar.from_ical(client.get(reverse("actiepunten:agenda", args=[token])).content)
    assert calendar.walk("VEVENT") == []


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["actielijst", "mijn", "overleggen", "overleg"])
def test_list_pages_use_a_constant_number_of_queries(client, driehoek, overleg, secretaris, maak_punt, page):
    url = {"actielijst": reverse("actiepunten:actielijst", args=[driehoek.pk]), "mijn": reverse("actiepunten:mijn"),
           "overleggen": reverse("actiepunten:overleggen", args=[driehoek.pk]),
           "overleg": reverse("actiepunten:overleg", args=[overleg.pk])}[page]
    client.force_login(secretaris)
    maak_punt(eigenaar=secretaris)
    few = count_queries(client, url)
    for i in range(6):
        maak_punt(eigenaar=secretaris, onderwerp=f"Meer {i}")
        services.create_overleg(driehoek=driehoek, user=secretaris, data={"soort": "tactisch", "datum": vandaag()},
                                deelnemers=[services.Deelnemer(naam=f"Extern {i}")])
    assert count_queries(client, url) == few


def test_signals_are_shown_by_text_and_colour(client, driehoek, secretaris, maak_punt):
    maak_punt(onderwerp="Te laat", datum_gereed=vandaag() - 2 * DAY)
    maak_punt(onderwerp="Bijna", datum_gereed=vandaag() + 3 * DAY)
    maak_punt(onderwerp="Ver weg", datum_gereed=vandaag() + 60 * DAY)
    klaar = maak_punt(onderwerp="Klaar")
    services.change_status(actiepunt=klaar, user=secretaris, action="gereed_melden")
    client.force_login(secretaris)
    body = client.get(reverse("actiepunten:actielijst", args=[driehoek.pk])).content.decode()
    for signaal, text in [("verlopen", "verlopen"), ("binnenkort", "binnenkort"), ("open", "open"),
                          ("gereed", "gereed")]:
        assert f'app-signaal--{signaal}">' in body and f"{text}</span>" in body


def test_filters_on_status_owner_overleg_period(client, driehoek, overleg, secretaris, lezer, maak_punt):
    maak_punt(onderwerp="Te laat", datum_gereed=vandaag() - 2 * DAY, eigenaar=lezer)
    maak_punt(onderwerp="Later", datum_gereed=vandaag() + 60 * DAY)
    client.force_login(secretaris)
    url = reverse("actiepunten:actielijst", args=[driehoek.pk])

    def shown(**params):
        return [a.onderwerp for a in client.get(url, params).context["pagina"].object_list]

    assert shown(status="verlopen") == ["Te laat"]
    assert shown(eigenaar=lezer.pk) == ["Te laat"]
    assert shown(overleg=overleg.pk) == ["Te laat", "Later"]
    assert shown(van=(vandaag() + DAY).isoformat()) == ["Later"]
    assert shown(wie="externe") == ["Later"]
    assert client.get(url, {"van": "gisteren", "eigenaar": "abc"}).status_code == 200  # bad filters: no 500


def test_export_csv_and_xlsx_follow_the_filters(client, driehoek, secretaris, maak_punt):
    maak_punt(onderwerp="=HYPERLINK(\"x\")", datum_gereed=datetime.date(2019, 2, 22))
    maak_punt(onderwerp="Gereed straks", datum_gereed=datetime.date(2030, 1, 1))
    client.force_login(secretaris)
    url = reverse("actiepunten:actielijst", args=[driehoek.pk])
    csv_text = client.get(url, {"export": "csv", "tot": "2020-01-01"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 2 and "22-02-2019" in lines[1]
    assert "'=HYPERLINK" in lines[1] and ';"=HYPERLINK' not in lines[1], "formulas are neutralised"
    response = client.get(url, {"export": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Driehoek", "Overleg", "Nr", "Onderwerp") and len(rows) == 3


def test_mijn_actiepunten_spans_driehoeken_and_only_own(client, driehoek, andere_driehoek, secretaris, vreemde,
                                                        maak_punt):
    from samenwerking.services import grant_membership

    grant_membership(gebruiker=secretaris, driehoek=andere_driehoek, rol="secretaris")
    maak_punt(eigenaar=secretaris, onderwerp="Hier")
    other = services.create_overleg(driehoek=andere_driehoek, user=vreemde, data={"soort": "tactisch",
                                                                                  "datum": vandaag()})
    maak_punt(eigenaar=secretaris, onderwerp="Daar", overleg_=other, user=vreemde)
    maak_punt(onderwerp="Niet van mij")
    client.force_login(secretaris)
    shown = [a.onderwerp for a in client.get(reverse("actiepunten:mijn")).context["pagina"].object_list]
    assert sorted(shown) == ["Daar", "Hier"]


@pytest.mark.parametrize("name", ["actielijst", "overleggen"])
def test_another_driehoeks_lists_are_404(client, andere_driehoek, secretaris, name):
    client.force_login(secretaris)
    assert client.get(reverse(f"actiepunten:{name}", args=[andere_driehoek.pk])).status_code == 404


def test_overleg_of_another_driehoek_is_404_and_a_lezer_cannot_edit(client, overleg, lezer):
    client.force_login(GebruikerFactory())
    assert client.get(reverse("actiepunten:overleg", args=[overleg.pk])).status_code == 404
    client.force_login(lezer)
    assert client.get(reverse("actiepunten:overleg", args=[overleg.pk])).status_code == 200
    assert client.get(reverse("actiepunten:overleg_bewerken", args=[overleg.pk])).status_code == 403


def test_digest_opt_out_through_the_settings_page(client, secretaris):
    client.force_login(secretaris)
    client.post(reverse("actiepunten:instellingen"), {"handeling": "voorkeur"})  # unchecked box
    assert secretaris.actiepunten_voorkeur.weekoverzicht is False


def test_demo_overleg_has_actiepunten_in_every_state(db):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=io.StringIO())
    call_command("demo", verbosity=0, stdout=io.StringIO())  # twice: idempotent
    overleg = Overleg.objects.get(driehoek__naam="Basisteamdriehoek BES")
    punten = list(Actiepunt.objects.filter(overleg=overleg))
    assert sorted(p.signaal() for p in punten) == ["binnenkort", "gereed", "open", "verlopen"]
    assert sum(p.is_extern for p in punten) == 1
    assert {p.eigenaar.username for p in punten if p.eigenaar_id} >= {"coordinator", "teamchef"}
