"""Concurrency and double submits (issue 11, item 8).

The double-submit guard is tested through the test client; the embedded default (`make run`: SQLite, dev
settings) is tested for real: a runserver process on a throwaway SQLite file, hit by threads at once.
"""

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from actiepunten.models import Actiepunt, Overleg
from arrangementen import services
from arrangementen.models import Opmerking
from samenwerking import tweestaps
from samenwerking.models import Auditregel, Rol

from ..factories import TEST_PASSWORD, GebruikerFactory, lid

ROOT = Path(__file__).resolve().parent.parent.parent
OVERLEG = {"soort": "tactisch", "titel": "Tactisch overleg", "datum": "2030-01-01"}


@pytest.fixture
def secretaris(driehoek):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.SECRETARIS)
    lid(user, driehoek, Rol.COORDINATOR)
    return user


# --- double submits through the test client ---------------------------------------------------------------

def test_a_double_submitted_new_overleg_creates_one_and_answers_as_the_first(client, driehoek, secretaris):
    client.force_login(secretaris)
    url = reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])
    first = client.post(url, {**OVERLEG, "csrfmiddlewaretoken": "a" * 32})
    second = client.post(url, {**OVERLEG, "csrfmiddlewaretoken": "b" * 32})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Overleg.objects.filter(driehoek=driehoek).count() == 1


def test_a_different_submit_is_not_a_double(client, driehoek, secretaris):
    client.force_login(secretaris)
    url = reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])
    client.post(url, OVERLEG)
    client.post(url, {**OVERLEG, "titel": "Een tweede overleg"})
    assert Overleg.objects.filter(driehoek=driehoek).count() == 2


def test_a_double_submitted_new_actiepunt_creates_one(client, driehoek, secretaris):
    client.force_login(secretaris)
    url = reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk])
    data = {"onderwerp": "Notitie sturen", "extern_naam": "Lieke Sievers", "datum_gereed": "2030-02-22"}
    responses = [client.post(url, data) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert Actiepunt.objects.filter(driehoek=driehoek).count() == 1


def test_a_double_submitted_comment_creates_one(client, driehoek, secretaris):
    arrangement = services.create_arrangement(driehoek=driehoek, user=secretaris, titel="Een", start="leeg")
    client.force_login(secretaris)
    url = reverse("arrangementen:opmerking_nieuw", args=[arrangement.pk])
    client.post(url, {"tekst": "Graag de BOA-inzet aanvullen."})
    client.post(url, {"tekst": "Graag de BOA-inzet aanvullen."})
    assert Opmerking.objects.filter(arrangement=arrangement).count() == 1


def test_the_same_submit_from_another_session_is_no_double(client, driehoek, secretaris):
    url = reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])
    client.force_login(secretaris)
    client.post(url, OVERLEG)
    client.logout()
    client.force_login(secretaris)
    client.post(url, OVERLEG)
    assert Overleg.objects.filter(driehoek=driehoek).count() == 2


def test_a_form_with_errors_is_not_remembered(client, driehoek, secretaris):
    client.force_login(secretaris)
    url = reverse("actiepunten:overleg_nieuw", args=[driehoek.pk])
    bad = {**OVERLEG, "datum": "geen datum"}
    assert client.post(url, bad).status_code == 200
    assert client.post(url, bad).status_code == 200
    assert "Vul een geldige datum in" in client.post(url, bad).content.decode()


def test_a_repeated_wrong_second_step_code_still_counts(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = GebruikerFactory()
    TOTPDevice.objects.create(user=user, name=tweestaps.APP_NAME, confirmed=True)
    assert client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    for _ in range(2):
        assert client.post(reverse("login_verificatie"), {"code": "000000"}).status_code == 200
    failures = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.MFA_VERIFICATIE,
                                         resultaat=Auditregel.Resultaat.MISLUKT, gebruiker_id=user.pk)
    assert failures.count() == 2


# --- the embedded default under concurrent requests ---------------------------------------------------------

SETUP = """
import json
from django.test import Client
from arrangementen import services
from samenwerking.models import Rol
from tests.factories import DriehoekFactory, GebruikerFactory, lid
from tests.mfa import complete_second_step

driehoek = DriehoekFactory()
sessions = []
for n in range(2):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    lid(user, driehoek, Rol.SECRETARIS)
    client = Client()
    client.force_login(user)
    complete_second_step(client, user)
    sessions.append(client.cookies["sessionid"].value)
arrangementen = [services.create_arrangement(driehoek=driehoek, user=user, titel=f"Arrangement {i}",
                                             start="leeg").pk for i in range(8)]
print("SETUP" + json.dumps({"driehoek": driehoek.pk, "sessions": sessions, "arrangementen": arrangementen}))
"""

CSRF = "k7Q2mX9pR4sT8vW1yZ3bC6dF0gH5jL2n"  # a 32-character CSRF secret, as cookie and as header


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(port: int, session: str, path: str, data: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", path, body=urlencode(data, doseq=True), headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF,
            "Cookie": f"sessionid={session}; csrftoken={CSRF}", "Host": "127.0.0.1",
        })
        response = connection.getresponse()
        return response.status, response.getheader("Location") or response.read().decode(errors="replace")[:500]
    finally:
        connection.close()


@pytest.fixture
def embedded_server(tmp_path):
    """`make run`'s settings on a fresh SQLite file, served by runserver (threaded) on a free loopback port."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_DEBUG="False", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
               PRIVATE_MEDIA_ROOT=str(tmp_path / "private"), LOG_LEVEL="WARNING")

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        return result.stdout

    manage("migrate", "--noinput", "-v0")
    world = json.loads(manage("shell", "-c", SETUP).split("SETUP", 1)[1])
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/gezondheid/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("de testserver startte niet: " + (tmp_path / "server.log").read_text()[-2000:])
        yield {**world, "port": port, "db": tmp_path / "db.sqlite3", "log": tmp_path / "server.log"}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_concurrent_writes_on_the_embedded_sqlite_default_answer_without_500(embedded_server):
    port, (eerste, tweede) = embedded_server["port"], embedded_server["sessions"]
    driehoek = embedded_server["driehoek"]
    overleg_url = f"/actiepunten/driehoek/{driehoek}/overleggen/nieuw/"
    jobs = []
    for _ in range(6):  # one double (sextuple) submit, all at once
        jobs.append((eerste, overleg_url, {**OVERLEG, "titel": "Dubbel verstuurd"}))
    for i, pk in enumerate(embedded_server["arrangementen"]):  # transitions, each on its own arrangement
        jobs.append((eerste if i % 2 else tweede, f"/arrangementen/{pk}/status/intrekken/",
                     {"toelichting": "Besproken in het tactisch overleg."}))
    for i in range(12):  # distinct new overleggen by two users at once
        jobs.append((eerste if i % 2 else tweede, overleg_url, {**OVERLEG, "titel": f"Overleg {i}"}))
    # runserver queues at most 10 connections (more are reset by the kernel, before Django sees them).
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda job: _post(port, *job), jobs))

    statuses = [status for status, _ in results]
    assert statuses == [302] * len(jobs), (results, embedded_server["log"].read_text()[-3000:])
    with sqlite3.connect(embedded_server["db"]) as db:
        titels = [t for (t,) in db.execute("SELECT titel FROM actiepunten_overleg")]
        statussen = {s for (s,) in db.execute("SELECT status FROM arrangementen_arrangement")}
        overgangen = db.execute("SELECT COUNT(*) FROM arrangementen_statusovergang").fetchone()[0]
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert sorted(titels) == sorted([f"Overleg {i}" for i in range(12)] + ["Dubbel verstuurd"])
    assert statussen == {"ingetrokken"}
    assert overgangen == len(embedded_server["arrangementen"])
    assert journal == "wal"
    dubbel = {location for (status, location), job in zip(results, jobs, strict=True)
              if job[2].get("titel") == "Dubbel verstuurd"}
    assert len(dubbel) == 1  # every copy was sent to the one overleg that was made
