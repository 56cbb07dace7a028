"""The verification page under production settings and gunicorn (2 sync workers): the files that once kept a
worker busy for minutes are refused in Dutch within seconds, several at once do not take the workers down,
valid files still verify in the bounded child process, and uploads are limited per address through Redis."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from arrangementen import pdf, signing
from samenwerking.models import Auditregel
from tests.documenten.kwaadaardig import extra_signature_fields, with_bomb
from tests.documenten.wereld import signing_settings

from .conftest import start_gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

URL = "/verifieer/"
ANSWER_BOUND = 60  # seconds for the server to answer all of them; the bounded child gives up after 20
TE_COMPLEX = "Dit bestand is te complex om te controleren"


@pytest.fixture(scope="module")
def gecertificeerd(test_pki) -> bytes:
    """A PDF with the platform's certification signature and one empty field, signed by the TEST PKI."""
    with signing_settings(test_pki):
        plain = pdf.render_pdf('<html lang="nl"><head><title>Arrangement</title></head>'
                               "<body><p>Een arrangement om te controleren.</p></body></html>")
        veld = signing.Veld(naam="Handtekening_1", pagina=-1, box=(57, 500, 284, 580))
        return signing.certify(plain, [veld], reason="Vastgesteld")


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory, test_pki):
    """gunicorn as in production, trusting the TEST CA so that a valid file can be told from a refused one."""
    running = start_gunicorn(tmp_path_factory.mktemp("gunicorn"), env={"SIGNING_TRUST_ROOTS": str(test_pki.ca_pem)})
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def sessie(server):
    server.clear_cache()
    yield server.session()
    server.clear_cache()


def uitslag(html: str) -> str:
    """The verdict section's text, or the page's error messages when there is no verdict."""
    match = re.search(r'<section aria-labelledby="uitslag".*?</section>', html, re.S) or re.search(
        r"<main.*?</main>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0) if match else html).split())


def upload(session, data: bytes):
    return session.post_form(URL, files={"bestand": ("arrangement.pdf", data, "application/pdf")})


def test_a_valid_certified_file_verifies_in_the_bounded_child_under_gunicorn(server, sessie, gecertificeerd):
    response = upload(sessie, gecertificeerd)
    assert response.status_code == 200, server.log_tail()
    assert ("Nog niet ondertekend: dit bestand is alleen gecertificeerd door het platform; de partij heeft nog niet "
            "getekend (0 van 1).") in uitslag(response.text), uitslag(response.text)


def test_verification_bombs_are_refused_in_dutch_and_the_workers_stay_up(server, sessie, gecertificeerd):
    bombs = [
        extra_signature_fields(gecertificeerd, 3000, object_stream=False),
        extra_signature_fields(gecertificeerd, 3000, object_stream=True),
        with_bomb(gecertificeerd, 400 * 1024 * 1024),
    ]
    workers = server.worker_pids()
    assert len(workers) == 2
    started = time.monotonic()
    # More bombs at once than there are workers: what used to take the whole server down.
    with ThreadPoolExecutor(max_workers=len(bombs)) as pool:
        responses = list(pool.map(lambda data: upload(server.session(), data), bombs))
    assert time.monotonic() - started < ANSWER_BOUND
    for response in responses:
        assert response.status_code == 200, server.log_tail()
        assert f"Niet gecontroleerd: {TE_COMPLEX}" in uitslag(response.text), uitslag(response.text)
        assert "Traceback" not in response.text and "Error" not in response.text

    # The same workers are still there and still answer.
    assert server.worker_pids() == workers
    assert sessie.get(URL).status_code == 200
    assert "Nog niet ondertekend: dit bestand is alleen gecertificeerd" in uitslag(upload(sessie, gecertificeerd).text)
    limits = set(Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.VERIFICATIE,
                                           resultaat=Auditregel.Resultaat.GEWEIGERD)
                 .values_list("details__limiet", flat=True))
    assert limits == {"handtekeningen", "dubbele handtekeningvelden", "stroomgrootte"}


def test_uploads_over_the_limit_per_address_get_a_dutch_429(server, sessie, settings):
    for _attempt in range(settings.VERIFICATIE_MAX_PER_ADRES):
        assert upload(sessie, b"geen pdf").status_code == 200
    response = upload(sessie, b"geen pdf")
    assert response.status_code == 429, server.log_tail()
    assert "Te veel controles:" in response.text
    assert Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.LIMIET_OVERSCHREDEN,
                                     details__pagina="verifieer").count() == 1
