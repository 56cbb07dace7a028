"""The public verification page under attack: files crafted here, in the test, to be too complex (thousands
of signature fields pointing at one signature, too many revisions, too many objects, a decompression bomb)
and a verification that runs too long or asks too much memory. Each gets a Dutch refusal, costs bounded CPU
time and memory in this process and its children, and is written to the security log; uploads are limited
per address."""

import re
import resource
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arrangementen import handtekeningcontrole, pdf_limits
from samenwerking.models import Auditregel

from .kwaadaardig import extra_objects, extra_revisions, extra_signature_fields, with_bomb
from .wereld import build_world, latest_bytes, render_now, rolled_back, sign_all

pytestmark = pytest.mark.django_db

URL = reverse("verifieer")
TE_COMPLEX = "Niet gecontroleerd: Dit bestand is te complex om te controleren"
CPU_BOUND = 30.0  # seconds of CPU for one refused upload, this process and its children together
PYTHON_PEAK_BOUND = 100 * 1024 * 1024  # bytes Python may allocate in this process while handling it
CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b")


@pytest.fixture(scope="module")
def getekend(django_db_setup, django_db_blocker, pki) -> bytes:
    with rolled_back(django_db_blocker):
        world = build_world(pki)
        document = render_now(world)
        sign_all(world, document)
        yield latest_bytes(document)


# --- measuring ---------------------------------------------------------------------------------------

@dataclass
class Meting:
    cpu: float = 0.0  # seconds, user + system, this process and the children it waited for
    python_peak: int = 0  # bytes, Python allocations in this process
    child_peak_rss: int = 0  # bytes, the largest resident set of a child waited for during the measurement
    own_rss: int = 0  # bytes, this process's resident set at the end


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


@contextmanager
def measured():
    meting = Meting()
    before = _cpu(resource.getrusage(resource.RUSAGE_SELF)) + _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
    # The children's ru_maxrss is a peak over every child this process ever waited for (under pytest-xdist also
    # the servers and browsers of other tests): only a peak that rose during the measurement is this call's.
    children_peak_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tracemalloc.start()
    try:
        yield meting
    finally:
        meting.python_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        meting.cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) + _cpu(children) - before
        meting.child_peak_rss = children.ru_maxrss * 1024 if children.ru_maxrss > children_peak_before else 0
        with open("/proc/self/statm") as statm:
            meting.own_rss = int(statm.read().split()[1]) * resource.getpagesize()


def assert_bounded(meting: Meting, settings) -> None:
    assert meting.cpu < CPU_BOUND, meting
    assert meting.python_peak < PYTHON_PEAK_BOUND, meting
    # A forked child starts with this process's pages; it may add at most the configured memory.
    assert meting.child_peak_rss < meting.own_rss + settings.VERIFICATIE_MAX_GEHEUGEN, meting


def upload(client, data: bytes, **extra):
    return client.post(URL, {"bestand": SimpleUploadedFile("arrangement.pdf", data, content_type="application/pdf")},
                       **extra)


def uitslag(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section aria-labelledby="uitslag".*?</section>', html, re.S)
    assert match, "no verdict on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def refused_upload(client, settings, data: bytes, limit: str) -> str:
    """Upload data, assert a Dutch refusal for `limit` within bounds and its entry in the security log."""
    with measured() as meting:
        response = upload(client, data)
    assert response.status_code == 200
    text = uitslag(response)
    assert TE_COMPLEX in text, text
    assert "Geldig:" not in text and not CLASS_NAME.search(response.content.decode())
    assert_bounded(meting, settings)
    regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.VERIFICATIE).latest("id")
    assert regel.resultaat == Auditregel.Resultaat.GEWEIGERD
    assert regel.details["limiet"] == limit, regel.details
    assert regel.details["reden"].startswith("Dit bestand is te complex om te controleren")
    return text


@pytest.fixture(params=["bytes", "parser"])
def stage(request, monkeypatch):
    """"bytes": the check on the raw bytes refuses the file. "parser": that check is skipped (as if the file
    had hidden its structure from it) and the check on the parsed file, in the bounded child, refuses it."""
    if request.param == "parser":
        monkeypatch.setattr(pdf_limits, "check_raw", lambda pdf, limits: None)
    return request.param


# --- valid files still pass -------------------------------------------------------------------------

def test_the_signed_arrangement_still_verifies_in_the_bounded_child(client, getekend):
    response = upload(client, getekend)
    assert ("Geldig: ondertekend door alle partijen (3 van 3). Alle handtekeningen zijn echt en het bestand is na "
            "het ondertekenen niet gewijzigd.") in uitslag(response)
    regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.VERIFICATIE).latest("id")
    assert regel.resultaat == Auditregel.Resultaat.GELUKT and regel.details["geldig"] is True


# --- crafted files ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("object_stream", "limit", "reason"), [
    # written plainly, the raw bytes already show too many fields
    (False, "handtekeningen", "te veel handtekeningen of handtekeningvelden"),
    # hidden in an object stream, the walk over the parsed fields stops at the first repeated signature
    (True, "dubbele handtekeningvelden", "meerdere handtekeningvelden verwijzen naar dezelfde handtekening"),
], ids=["los", "objectstroom"])
def test_thousands_of_signature_fields_pointing_at_one_signature_are_refused(client, settings, getekend,
                                                                             object_stream, limit, reason):
    crafted = extra_signature_fields(getekend, 3000, object_stream=object_stream)
    assert reason in refused_upload(client, settings, crafted, limit)


def test_a_second_field_pointing_at_an_already_seen_signature_is_refused_not_validated_again(client, settings,
                                                                                             getekend):
    crafted = extra_signature_fields(getekend, 1, object_stream=True)
    text = refused_upload(client, settings, crafted, "dubbele handtekeningvelden")
    assert "meerdere handtekeningvelden verwijzen naar dezelfde handtekening" in text


def test_too_many_revisions_are_refused(client, settings, getekend, stage):
    crafted = extra_revisions(getekend, settings.VERIFICATIE_MAX_REVISIES)
    assert "te veel revisies" in refused_upload(client, settings, crafted, "revisies")


@pytest.mark.parametrize("object_stream", [False, True], ids=["los", "objectstroom"])
def test_too_many_objects_are_refused(client, settings, getekend, stage, object_stream):
    crafted = extra_objects(getekend, settings.VERIFICATIE_MAX_OBJECTEN + 1, object_stream=object_stream)
    assert "te veel onderdelen" in refused_upload(client, settings, crafted, "objecten")


def test_a_decompression_bomb_is_refused_without_inflating_it(client, settings, getekend):
    crafted = with_bomb(getekend, 400 * 1024 * 1024)
    assert len(crafted) < len(getekend) + 1024 * 1024  # under a megabyte more than the signed file
    text = refused_upload(client, settings, crafted, "stroomgrootte")
    assert "uitgepakt te groot" in text


def test_many_streams_that_together_inflate_too_far_are_refused(client, settings, getekend):
    settings.VERIFICATIE_MAX_GEDECODEERD = 8 * 1024 * 1024
    crafted = getekend
    for _number in range(3):
        crafted = with_bomb(crafted, 3 * 1024 * 1024)
    refused_upload(client, settings, crafted, "gedecodeerde bytes")


# --- the bounded child ------------------------------------------------------------------------------

def test_a_verification_that_takes_too_long_is_stopped(client, settings, getekend, monkeypatch):
    settings.VERIFICATIE_MAX_SECONDEN = 2
    monkeypatch.setattr(handtekeningcontrole, "_verify_in_child", lambda *args: time.sleep(60))
    started = time.monotonic()
    text = refused_upload(client, settings, getekend, "tijd")
    assert "de controle duurde te lang" in text
    assert time.monotonic() - started < 30


def test_a_verification_that_uses_too_much_cpu_is_stopped(client, settings, getekend, monkeypatch):
    settings.VERIFICATIE_MAX_CPU_SECONDEN = 1

    def spin(*args):
        while True:
            pass

    monkeypatch.setattr(handtekeningcontrole, "_verify_in_child", spin)
    assert "de controle duurde te lang" in refused_upload(client, settings, getekend, "rekentijd")


def test_a_verification_that_asks_too_much_memory_is_stopped(client, settings, getekend, monkeypatch):
    settings.VERIFICATIE_MAX_GEHEUGEN = 64 * 1024 * 1024
    monkeypatch.setattr(handtekeningcontrole, "_verify_in_child", lambda *args: bytearray(512 * 1024 * 1024))
    assert "te veel geheugen" in refused_upload(client, settings, getekend, "geheugen")


# --- quiet errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fraction", [0.3, 0.9])
def test_a_damaged_file_is_named_in_dutch_without_exception_names(client, getekend, fraction):
    html = upload(client, getekend[:int(len(getekend) * fraction)]).content.decode()
    assert "Dit PDF-bestand is beschadigd of onvolledig en kan niet worden gelezen." in html
    assert not CLASS_NAME.search(html)


def test_a_signature_that_cannot_be_checked_is_described_in_dutch(getekend, monkeypatch, pki):
    def broken(sig, context_args):
        raise ValueError("interne details")

    monkeypatch.setattr(handtekeningcontrole, "_check_signature", broken)
    report = handtekeningcontrole.verify(getekend)
    assert not report.all_valid and len(report.signatures) == 4
    for signature in report.signatures:
        assert signature.details.startswith("Deze handtekening kon niet worden gecontroleerd")
        assert "ValueError" not in signature.details and "interne details" not in signature.details


# --- rate limit ---------------------------------------------------------------------------------------

def test_uploads_are_limited_per_address_with_a_dutch_429_on_record(client, settings):
    settings.VERIFICATIE_MAX_PER_ADRES = 3
    for _attempt in range(3):
        assert upload(client, b"geen pdf", REMOTE_ADDR="192.0.2.7").status_code == 200
    response = upload(client, b"geen pdf", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Te veel controles:" in html and "Probeer het over 10 minuten opnieuw." in html
    assert 'aria-labelledby="uitslag"' not in html
    regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.LIMIET_OVERSCHREDEN).latest("id")
    assert regel.resultaat == Auditregel.Resultaat.GEWEIGERD
    assert regel.ip_adres == "192.0.2.7" and regel.details["pagina"] == "verifieer"
    # another address, and the page itself, are not affected
    assert upload(client, b"geen pdf", REMOTE_ADDR="192.0.2.8").status_code == 200
    assert client.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 200
