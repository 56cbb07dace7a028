"""End to end through Redis and a real worker: vaststellen → the worker renders and certifies the PDF →
three parties sign → pyHanko and poppler's pdfsig (an independent implementation) both accept every signature,
and both reject the file once one signed byte changes. And a worker killed mid-render: the message is
redelivered to a new worker and exactly one PDF results.

The workers here are our own (not conftest's `celery_worker`): they need the TEST PKI and the test run's
media folder in their environment, and a short Redis visibility timeout so that a message a killed worker
held is handed out again within seconds instead of the default hour.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from arrangementen import documenten, handtekeningcontrole
from arrangementen.models import Document, Documentgebeurtenis, Documentversie
from tests.documenten.poppler import nss_database, pdfsig
from tests.documenten.wereld import build_world, flip_byte, latest_bytes, offset_inside_first_revision, sign_all

from .conftest import READY_TIMEOUT, Worker, _test_database_url, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RENDER_TIMEOUT = 90  # seconds for a worker to pick up, render and certify one PDF (a few seconds in practice)
VISIBILITY_TIMEOUT = 5  # seconds before Redis hands an unacknowledged message to another worker
TRANSPORT_OPTIONS = {
    "visibility_timeout": VISIBILITY_TIMEOUT,
    # look for abandoned messages every second (defaults: every 10 s, scanning only every 10th time)
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# `celery worker` with the transport options set on the app first: the worker reads its other settings from
# the Django settings, and there is no environment variable for broker_transport_options.
WORKER_MAIN = (
    "import json, os, sys\n"
    "from config import celery_app\n"
    "celery_app.conf.broker_transport_options = json.loads(os.environ['TEST_BROKER_TRANSPORT_OPTIONS'])\n"
    "celery_app.worker_main(['worker', *sys.argv[1:]])\n"
)
TASK = re.escape("arrangementen.tasks.render_document")


def start_worker(log_dir: Path, pki) -> Worker:
    """A solo worker (one process: the pid we started is all there is to stop or kill) that renders with the
    TEST PKI into this test run's private media folder."""
    broker_url = settings.INTEGRATION_BROKER_URL
    if not broker_url:
        pytest.fail("CELERY_BROKER_URL ontbreekt: draai de integratietests via `make test`.")
    nodename = f"pdf-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        "PLATFORM_SIGNING_PKCS12": str(pki.p12("platform")),
        "PLATFORM_SIGNING_PASSPHRASE": f"bestand:{pki.passphrase_file}",
        "SIGNING_TRUST_ROOTS": str(pki.ca_pem),
        "SIGNING_TSA_URL": "",
        "PRIVATE_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_BROKER_TRANSPORT_OPTIONS": json.dumps(TRANSPORT_OPTIONS),
    }
    command = [sys.executable, "-c", WORKER_MAIN, "--pool=solo", "--concurrency=1", "--loglevel=INFO",
               f"--hostname={nodename}", "--without-mingle", "--without-gossip", "--without-heartbeat"]
    log_path = log_dir / f"{nodename.partition('@')[0]}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    worker = Worker(process, log_path, nodename)
    try:
        ready = wait_for(lambda: f"{nodename} ready." in worker.log() or process.poll() is not None,
                         timeout=READY_TIMEOUT)
        if process.poll() is not None:
            pytest.fail(f"De worker stopte tijdens het opstarten (code {process.returncode}):\n{worker.log_tail()}")
        if not ready:
            pytest.fail(f"De worker was na {READY_TIMEOUT} s niet gereed:\n{worker.log_tail()}")
    except BaseException:
        worker.stop()
        raise
    return worker


@contextmanager
def running_worker(log_dir: Path, pki):
    worker = start_worker(log_dir, pki)
    try:
        yield worker
    finally:
        worker.stop()


def status(document: Document) -> str:
    return Document.objects.values_list("status", flat=True).get(pk=document.pk)


def wait_until_done(document: Document, worker: Worker, timeout: float) -> None:
    finished = wait_for(lambda: status(document) in (Document.Status.GEREED, Document.Status.MISLUKT),
                        timeout=timeout)
    assert finished, f"the PDF was not done after {timeout} s (status {status(document)}):\n{worker.log_tail()}"
    document.refresh_from_db()
    assert document.status == Document.Status.GEREED, document.fout


def first_range_ends(report: list[dict[str, str]]) -> list[int]:
    return [int(re.match(r"\[0 - (\d+)\]", s["Signed Ranges"]).group(1)) for s in report]


# --- tests -----------------------------------------------------------------------------------------

def test_worker_pdf_signed_by_three_parties_satisfies_pyhanko_and_pdfsig_until_one_byte_changes(
        signing_setup, broker_dispatch, tmp_path):
    world = build_world(signing_setup)
    with running_worker(tmp_path, signing_setup) as worker:
        document = documenten.request_document(arrangement=world.arrangement, user=world.secretaris)
        wait_until_done(document, worker, RENDER_TIMEOUT)
        # The task commits the document's status before Celery logs its return: wait (bounded) for that line.
        assert wait_for(lambda: re.search(rf"Task {TASK}\[[^\]]+\] succeeded", worker.log()), timeout=20), \
            worker.log_tail()
    sign_all(world, document)
    signed = latest_bytes(document)
    path = tmp_path / "getekend.pdf"
    path.write_bytes(signed)

    report = handtekeningcontrole.verify(signed)
    assert len(report.signatures) == 4  # the platform's certification and three parties
    for signature in report.signatures:
        assert (signature.intact, signature.valid, signature.trusted) == (True, True, True), signature.details
    assert report.all_valid

    nssdir = nss_database(tmp_path, signing_setup.ca_pem)
    poppler = pdfsig(nssdir, path)
    assert sorted(s["Signature Field Name"] for s in poppler) == sorted(s.field for s in report.signatures)
    for signature in poppler:
        assert signature["Signature Validation"] == "Signature is Valid.", signature
        assert signature["Certificate Validation"] == "Certificate is Trusted.", signature

    offset = offset_inside_first_revision(signed)
    assert offset < min(first_range_ends(poppler)), "the changed byte must lie inside every signed range"
    tampered_path = tmp_path / "gewijzigd.pdf"
    tampered_path.write_bytes(flip_byte(signed, offset))

    tampered = handtekeningcontrole.verify(tampered_path.read_bytes())
    assert not tampered.all_valid
    assert len(tampered.signatures) == 4
    assert not [s.field for s in tampered.signatures if s.intact]
    for signature in pdfsig(nssdir, tampered_path):
        assert signature["Signature Validation"] == "Digest Mismatch.", signature


def test_a_worker_killed_mid_render_is_replaced_and_exactly_one_pdf_results(signing_setup, broker_dispatch,
                                                                             tmp_path):
    world = build_world(signing_setup)
    first = start_worker(tmp_path, signing_setup)
    try:
        document = documenten.request_document(arrangement=world.arrangement, user=world.secretaris)
        started = wait_for(lambda: status(document) != Document.Status.WACHTEND, timeout=RENDER_TIMEOUT,
                           interval=0.02)
        assert started, f"the first worker did not start rendering:\n{first.log_tail()}"
        first.process.kill()  # SIGKILL our own worker pid: no warm shutdown, no acknowledgement
        first.process.wait(timeout=10)
    finally:
        first.stop()
    assert status(document) == Document.Status.BEZIG, (
        "the render finished before the kill, so nothing was interrupted:\n" + first.log_tail())
    assert not Documentversie.objects.filter(document=document).exists()
    assert not re.search(rf"Task {TASK}\[[^\]]+\] succeeded", first.log())

    with running_worker(tmp_path, signing_setup) as second:
        wait_until_done(document, second, VISIBILITY_TIMEOUT + RENDER_TIMEOUT)
        received = re.search(rf"Task {TASK}\[([^\]]+)\] received", second.log())
        assert received, f"the second worker never received the redelivered task:\n{second.log_tail()}"
        assert re.search(rf"Task {TASK}\[{re.escape(received.group(1))}\] received", first.log()), (
            "the second worker ran another message than the one the first worker was killed on")

    assert list(Documentversie.objects.filter(document=document).values_list("volgnummer", flat=True)) == [1]
    assert Documentgebeurtenis.objects.filter(document=document,
                                              soort=Documentgebeurtenis.Soort.GENERATIE).count() == 1
    assert handtekeningcontrole.verify(latest_bytes(document)).all_valid
