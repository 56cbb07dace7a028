"""Revocation lists reused between the signatures of one document (arrangementen.validatiegegevens): only for
that document, only while the list is valid (its nextUpdate) and at most REUSE_MAX after the fetch. Real
signatures with a real TSA and CRL server on loopback; the requests counted are the server's own."""

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from arrangementen import handtekeningcontrole, pdf, signing, validatiegegevens
from arrangementen.pki import create_test_pki, publish_crl

from ..crl import running_crl
from ..tsa import running_tsa
from .wereld import signing_settings

SLUGS = ("hergebruik-gemeente", "hergebruik-politie")
FIELDS = ("Handtekening_1", "Handtekening_2")


@dataclass
class Opstelling:
    pki: object
    certified: bytes
    crl_requests: list
    signers: dict


@pytest.fixture(scope="module")
def opstelling(tmp_path_factory):
    """A PKI naming a loopback CRL server, a loopback TSA, and a certified one-page PDF with two empty fields."""
    directory = tmp_path_factory.mktemp("pki-hergebruik")
    with running_crl(directory) as (crl_url, crl_server):
        pki = create_test_pki(directory, {SLUGS[0]: "Gemeente Hergebruik", SLUGS[1]: "Politie Hergebruik"},
                              with_tsa=True, crl_url=crl_url)
        with running_tsa(pki) as (tsa_url, _tsa), signing_settings(pki), override_settings(SIGNING_TSA_URL=tsa_url):
            rendered = pdf.render_pdf('<html lang="nl"><head><title>Brief</title></head>'
                                      '<body><p>Een korte overeenkomst.</p></body></html>')
            certified = signing.certify(rendered, [
                signing.Veld(naam=FIELDS[0], pagina=0, box=(57.0, 600.0, 283.0, 690.0)),
                signing.Veld(naam=FIELDS[1], pagina=0, box=(300.0, 600.0, 526.0, 690.0))], reason="Test")
            signers = {slug: signing.load_signer(pki.p12(slug).read_bytes(), f"bestand:{pki.passphrase_file}")
                       for slug in SLUGS}
            yield Opstelling(pki, certified, crl_server.requests, signers)


def sign_both(opstelling, *, between=None, **options) -> tuple[bytes, int]:
    """Both parties sign in turn (`between` runs after the first); returns the file and the CRL requests made."""
    before = len(opstelling.crl_requests)
    current = opstelling.certified
    for index, (slug, field) in enumerate(zip(SLUGS, FIELDS, strict=True)):
        if index == 1 and between is not None:
            between()
        current = signing.sign(current, signing.SignatureRequest(
            field=field, name="Test", function="burgemeester", organisation=slug, reason="Test"),
            opstelling.signers[slug], **options)
    return current, len(opstelling.crl_requests) - before


def later(monkeypatch, delta: datetime.timedelta):
    """From now on the reuse rules see a clock `delta` ahead (pyHanko and the servers keep the real one)."""
    moment = timezone.now() + delta
    monkeypatch.setattr(validatiegegevens, "_now", lambda: moment)


def test_the_second_signature_of_a_document_reuses_the_list_and_both_stay_valid(opstelling):
    data, requests = sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}")
    assert requests == 1
    report = handtekeningcontrole.verify(signing.document_timestamp(data))
    assert report.all_valid and report.long_term, report.long_term_reason


def test_another_document_fetches_its_own_list(opstelling):
    _data, first = sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}")
    _data, second = sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}")
    assert (first, second) == (1, 1)


def test_after_reuse_max_the_list_is_fetched_again(opstelling, monkeypatch):
    _data, requests = sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}", between=lambda: later(
        monkeypatch, validatiegegevens.REUSE_MAX + datetime.timedelta(seconds=1)))
    assert requests == 2


def test_a_list_past_its_next_update_is_fetched_again_even_within_reuse_max(opstelling, monkeypatch):
    publish_crl(opstelling.pki, valid_days=5 / (24 * 60))  # valid for five minutes
    try:
        _data, requests = sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}",
                                    between=lambda: later(monkeypatch, datetime.timedelta(minutes=6)))
    finally:
        publish_crl(opstelling.pki)
    assert datetime.timedelta(minutes=6) < validatiegegevens.REUSE_MAX
    assert requests == 2


def test_a_revocation_published_during_the_signing_session_refuses_the_next_signer_after_reuse_max(
        opstelling, monkeypatch):
    def revoke_second():
        publish_crl(opstelling.pki, revoked=(SLUGS[1],))
        later(monkeypatch, validatiegegevens.REUSE_MAX + datetime.timedelta(seconds=1))

    try:
        with pytest.raises(ValidationError) as refused:
            sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}", between=revoke_second)
    finally:
        publish_crl(opstelling.pki)
    assert refused.value.code == "ltv"


def test_without_a_document_or_the_old_way_every_signature_fetches(opstelling):
    _data, without_document = sign_both(opstelling)
    _data, old_way = sign_both(opstelling, reuse_for=f"document:{uuid.uuid4()}", fetch_per_signature=True)
    assert (without_document, old_way) == (2, 2)
