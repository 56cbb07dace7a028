"""The action-list import and the history and comparison pages under production settings and gunicorn (2 sync
workers), logged in as a coordinator: the XLSX and CSV files that once took minutes and gigabytes are refused in
Dutch within seconds, the history of a long text rewritten into another answers within seconds (and from the
cache the second time), and the workers that served them are the same ones afterwards."""

import re
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from actiepunten import services as actiepunt_services
from actiepunten.models import Actiepunt, Overleg
from arrangementen import services as arrangement_services
from samenwerking.models import Auditregel, Rol
from tests.actiepunten.importbestanden import csv_huge_field, xlsx_bomb_cell, xlsx_bomb_wide
from tests.factories import DriehoekFactory, GebruikerFactory, lid, vandaag
from tests.samenwerking.test_diff_limieten import random_text

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ANSWER_BOUND = 60  # seconds for one answer; each bound inside the product is well below it
PASSWORD = "Gunicorn-Inloggen-2026!"


@pytest.fixture
def coordinator():
    """A coordinator of a driehoek with an overleg, whose password production's hasher can check."""
    driehoek = DriehoekFactory()
    user = GebruikerFactory()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    lid(user, driehoek, Rol.COORDINATOR)
    secretaris = GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS)
    overleg = actiepunt_services.create_overleg(driehoek=driehoek, user=secretaris, data={
        "soort": Overleg.Soort.WERKGROEP, "titel": "Werkgroep Samenwerking", "datum": vandaag(),
        "secretaris": secretaris,
    })
    user.overleg = overleg
    user.driehoek = driehoek
    return user


@pytest.fixture
def ingelogd(gunicorn_server, coordinator):
    gunicorn_server.clear_cache()
    session = gunicorn_server.session()
    response = session.post_form(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    assert response.status_code == 302, gunicorn_server.log_tail()
    assert session.get(reverse("samenwerking:dashboard")).status_code == 200
    return session


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize(("name", "make", "message"), [
    ("breed.xlsx", xlsx_bomb_wide, "ongewoon sterk ingepakt"),
    ("cel.xlsx", xlsx_bomb_cell, "uitgepakt groter dan 20 MB"),
    ("veld.csv", csv_huge_field, "Een regel van het bestand is langer dan 100000 tekens."),
])
def test_import_bombs_are_refused_in_dutch_and_the_workers_stay(gunicorn_server, ingelogd, coordinator,
                                                                name, make, message):
    url = reverse("actiepunten:importeren", args=[coordinator.overleg.pk])
    workers = gunicorn_server.worker_pids()
    response, seconds = timed(lambda: ingelogd.post_form(url, files={"bestand": (name, make(),
                                                                                "application/octet-stream")}))
    assert seconds < ANSWER_BOUND
    assert response.status_code == 400, gunicorn_server.log_tail()
    assert message in text_of(response.text)
    assert "Traceback" not in response.text and "Error" not in response.text
    assert not Actiepunt.objects.exists()
    assert Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.IMPORT_GEWEIGERD,
                                     details__bestand=name).count() == 1
    assert gunicorn_server.worker_pids() == workers
    assert ingelogd.get(url).status_code == 200


def test_history_and_comparison_of_a_rewritten_long_text_answer_in_seconds(gunicorn_server, ingelogd,
                                                                          coordinator):
    arrangement = arrangement_services.create_arrangement(driehoek=coordinator.driehoek, user=coordinator,
                                                          titel="Arrangement met lange teksten", start="leeg")
    for version, seed in ((1, 21), (2, 22)):
        arrangement_services.update_arrangement(arrangement=arrangement, user=coordinator, expected_version=version,
                                                data={"doel": random_text(5_000, seed=seed)})
    url = reverse("arrangementen:geschiedenis", args=[arrangement.pk])
    first, first_seconds = timed(lambda: ingelogd.get(url))
    assert first.status_code == 200, gunicorn_server.log_tail()
    assert first_seconds < ANSWER_BOUND
    second, second_seconds = timed(lambda: ingelogd.get(url))
    assert second.status_code == 200
    assert second_seconds < ANSWER_BOUND
    assert text_of(first.text) == text_of(second.text), "the cached diff shows the same page"
