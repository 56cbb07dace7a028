"""Odd input never answers 500: line breaks in titles, ids beyond 64 bits, over-large bodies (issue 11, item 7)."""

import json
import re

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arrangementen import services, tasks
from arrangementen.models import Arrangement, Statusovergang
from arrangementen.models import Status as S
from samenwerking.berichten import subject_line
from samenwerking.models import Rol

from ..factories import ActiepuntFactory, GebruikerFactory, OverlegFactory, lid
from ..permissieregels import RULES, beheerders_only

HUGE = "9" * 20  # beyond a signed 64-bit integer: PostgreSQL cannot even compare a bigint with it
TITEL = "Arrangement\r\nBcc: iedereen@example.invalid\x07"
DUTCH_ID = {"Geef een geldig nummer: dit getal is te groot.", "Geef een geldig nummer: een geheel getal vanaf 1."}
TOELICHTING = "Besproken in het tactisch overleg."


@pytest.fixture
def coordinator(driehoek):
    user = GebruikerFactory(username="coordinator")
    lid(user, driehoek, Rol.COORDINATOR)
    return user


@pytest.fixture
def secretaris(driehoek):
    user = GebruikerFactory(username="secretaris")
    lid(user, driehoek, Rol.SECRETARIS)
    return user


@pytest.fixture
def concept(driehoek, coordinator, secretaris):
    """An arrangement whose title holds a line break and a control character (written before input checks)."""
    return services.create_arrangement(driehoek=driehoek, user=coordinator, titel=TITEL, start="leeg")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


# --- line breaks in titles --------------------------------------------------------------------------------

def test_subject_line_is_one_clean_bounded_line():
    assert subject_line("a\r\nb\tc\x00d\u2028e  f") == "a b c d e f"
    long = subject_line("x" * 1000)
    assert len(long) == 150 and long.endswith("…")


def test_a_line_break_in_the_title_does_not_break_the_transition_and_the_mail_has_a_clean_subject(
        client, concept, coordinator, secretaris, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("arrangementen:overgang", args=[concept.pk, "intrekken"]),
                               {"toelichting": TOELICHTING})
    assert response.status_code == 302
    assert Arrangement.objects.get(pk=concept.pk).status == S.INGETROKKEN
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [secretaris.email]
    assert mail.outbox[0].subject == "Arrangement Bcc: iedereen@example.invalid : ingetrokken"
    assert "\n" not in mail.outbox[0].message()["Subject"]
    assert Statusovergang.objects.get(arrangement=concept).melding_verstuurd_op is not None


def test_a_failing_mail_server_leaves_the_transition_standing_and_records_the_failure(
        client, concept, coordinator, secretaris, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.FailingBackend"
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("arrangementen:overgang", args=[concept.pk, "intrekken"]),
                               {"toelichting": TOELICHTING}, follow=True)
    assert response.status_code == 200
    assert "Het arrangement heeft nu de status &#x27;ingetrokken&#x27;." in response.content.decode()
    assert Arrangement.objects.get(pk=concept.pk).status == S.INGETROKKEN
    overgang = Statusovergang.objects.get(arrangement=concept)
    assert overgang.melding_verstuurd_op is None
    assert overgang.melding_pogingen == 1
    assert "SMTPServerDisconnected" in overgang.melding_fout

    # The beat sweep sends it once the mail server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Statusovergang.objects.filter(pk=overgang.pk).update(op=timezone.now() - timezone.timedelta(minutes=10))
    assert tasks.resend_notifications() == 1
    assert [m.to for m in mail.outbox] == [[secretaris.email]]
    overgang.refresh_from_db()
    assert overgang.melding_verstuurd_op is not None and overgang.melding_fout == ""
    assert tasks.resend_notifications() == 0


def test_a_failure_to_queue_the_notification_does_not_fail_the_transition(
        client, concept, coordinator, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker")

    monkeypatch.setattr(tasks.notify_transition, "delay", broker_down)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("arrangementen:overgang", args=[concept.pk, "intrekken"]),
                               {"toelichting": TOELICHTING})
    assert response.status_code == 302
    assert Arrangement.objects.get(pk=concept.pk).status == S.INGETROKKEN


@pytest.mark.parametrize("titel", ["Regel een\nregel twee", "Met\ttab", "Bel\x07"])
def test_the_api_refuses_control_characters_in_a_title_in_dutch(driehoek, coordinator, titel):
    response = api(coordinator).post("/api/v1/arrangementen/", {"driehoek": driehoek.pk, "titel": titel},
                                     format="json")
    assert response.status_code == 400
    assert response.json()["titel"] == ["Gebruik geen stuurtekens (zoals een regeleinde of tab) in dit veld."]
    assert not Arrangement.objects.exists()


# --- ids beyond 64 bits -----------------------------------------------------------------------------------

API_ID_FILTERS = [
    ("/api/v1/overleggen/", "driehoek"),
    ("/api/v1/actiepunten/", "driehoek"),
    ("/api/v1/actiepunten/", "eigenaar"),
    ("/api/v1/actiepunten/", "overleg"),
    ("/api/v1/actiepunten/", "arrangement"),
]


@pytest.mark.parametrize(("path", "name"), API_ID_FILTERS)
@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "-1", "0", "abc"])
def test_an_impossible_id_in_an_api_filter_is_a_dutch_json_400(coordinator, path, name, value):
    response = api(coordinator).get(path, {name: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()[name]) <= DUTCH_ID


@pytest.mark.parametrize(("name", "message"), [
    ("basisteam", f"Onbekend basisteam {HUGE}."), ("gemeente", f"Onbekende gemeente (CBS-code) '{HUGE}'."),
    ("verloopt_binnen", "Vul een getal van hoogstens 36500 in."),
])
def test_a_huge_number_in_an_arrangement_filter_is_a_dutch_json_400(coordinator, name, message):
    response = api(coordinator).get("/api/v1/arrangementen/", {name: HUGE})
    assert response.status_code == 400
    assert response.json() == {name: [message]}


def test_a_huge_page_number_is_a_json_404(coordinator):
    response = api(coordinator).get("/api/v1/arrangementen/", {"page": HUGE})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def _int_routes():
    """Every URL pattern outside the beheer with an <int:…> part, the parts filled with a huge number."""
    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), namespace + (entry.name or "")

    for route, name in walk(get_resolver()):
        if "<int:" in route and not route.startswith("beheer/"):
            path = re.sub(r"<int:\w+>", HUGE, route)
            yield "/" + re.sub(r"<(?:slug|str):\w+>", "indienen", path), name


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_int_path_with_a_huge_id_answers_404_not_500(client, coordinator, method):
    client.force_login(coordinator)
    routes = list(_int_routes())
    assert len(routes) > 20
    for path, name in routes:
        response = getattr(client, method)(path)
        # A page for beheerders only refuses a driehoek member before it looks anything up (tests/permissieregels).
        expected = (403,) if RULES.get(name) is beheerders_only else (404, 405)
        assert response.status_code in expected, (path, response.status_code)


def test_html_list_filters_with_huge_ids_answer_without_500(client, driehoek, coordinator):
    overleg = OverlegFactory(driehoek=driehoek)
    ActiepuntFactory(driehoek=driehoek, overleg=overleg)
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Een", start="leeg")
    client.force_login(coordinator)
    pages = [
        (reverse("arrangementen:lijst"), {"basisteam": HUGE, "gemeente": HUGE, "verloopt_binnen": HUGE,
                                          "pagina": HUGE}),
        (reverse("actiepunten:mijn"), {"driehoek": HUGE, "pagina": HUGE}),
        (reverse("actiepunten:actielijst", args=[driehoek.pk]),
         {"eigenaar": HUGE, "overleg": HUGE, "arrangement": HUGE, "pagina": HUGE}),
        (reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]), {"overleg": HUGE}),
    ]
    for path, query in pages:
        response = client.get(path, query)
        assert response.status_code == 200, path
    response = client.get(reverse("arrangementen:vergelijk", args=[arrangement.pk]), {"a": HUGE, "b": HUGE})
    assert response.status_code == 404


# --- over-large bodies ------------------------------------------------------------------------------------

def test_an_api_body_over_the_limit_is_a_dutch_json_413(coordinator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    body = json.dumps({"titel": "x" * 200_000, "driehoek": 1})
    response = api(coordinator).generic("POST", "/api/v1/arrangementen/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Het verzoek is te groot. Stuur minder of kortere gegevens."}
    assert not Arrangement.objects.exists()


def test_too_many_fields_to_the_api_is_a_dutch_json_413(coordinator, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    response = api(coordinator).get("/api/v1/actiepunten/?" + "&".join(f"veld{i}=x" for i in range(500)))
    assert response.status_code == 413
    assert response.json()["detail"] == "Het verzoek is te groot. Stuur minder of kortere gegevens."


def test_too_many_form_fields_to_a_page_is_a_dutch_page(client, driehoek, coordinator, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    client.force_login(coordinator)
    body = "&".join(f"veld{i}=x" for i in range(500))
    response = client.generic("POST", reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]), body,
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    html = response.content.decode()
    assert "Het verzoek is te groot. Stuur minder of kortere gegevens." in html
    assert "Bad Request" not in html and "TooManyFields" not in html
