"""Long-term validity (PAdES B-LTA) with a real TSA and a real CRL distribution point, both on loopback: every
signature carries a timestamp, the chain and the revocation lists are embedded (DSS) and a final document
timestamp closes the file. pyHanko's AdES long-term validation and poppler's pdfsig accept it, also as a reader
would meet it after the certificates expired; /verifieer/ says "langdurig verifieerbaar: ja". A revoked
certificate cannot sign, and without revocation information the report says no."""

import asyncio
import datetime
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify

from arrangementen import documenten, handtekeningcontrole, pdf, signing
from arrangementen.models import Document, Documentversie, Handtekening
from arrangementen.pki import create_test_pki, publish_crl

from ..crl import running_crl
from ..factories import TEST_PASSWORD
from ..mfa import app_code
from ..tsa import running_tsa
from .wereld import (
    Ondertekenwereld,
    build_world,
    latest_bytes,
    pdf_reader,
    render_now,
    rolled_back,
    sign_all,
    signing_settings,
)

pytestmark = pytest.mark.django_db

JA = ("Langdurig verifieerbaar: ja. Alles wat nodig is om de handtekeningen te controleren (de certificaten en de "
      "lijsten van ingetrokken certificaten) zit in het bestand, en een tijdstempel van {datum} legt vast dat het "
      "bestand toen zo bestond. Ook als de certificaten verlopen zijn, blijft te controleren dat de handtekeningen "
      "geldig waren.")
ONVOLLEDIG = ("Langdurig verifieerbaar: nee. Niet alles wat nodig is om de handtekeningen later nog te controleren "
              "(de certificaten en de lijsten van ingetrokken certificaten) zit in het bestand; na het verlopen van "
              "de certificaten is de geldigheid dan niet meer vast te stellen.")


@dataclass
class Langdurig:
    world: Ondertekenwereld
    document: Document
    getekend: bytes
    pki: object
    crl_requests: list
    tsa_url: str
    crl_fetches_while_signing: int  # real requests to the CRL server while the three parties signed


@pytest.fixture(scope="module")
def langdurig(django_db_setup, django_db_blocker, tmp_path_factory):
    """A PKI whose certificates name the loopback CRL server, a loopback TSA, and an arrangement signed by its
    three parties with both configured."""
    directory = tmp_path_factory.mktemp("pki-crl")
    with running_crl(directory) as (crl_url, crl_server):
        pki = create_test_pki(directory, {}, with_tsa=True, crl_url=crl_url)
        with (running_tsa(pki) as (tsa_url, _tsa), signing_settings(pki),
              override_settings(SIGNING_TSA_URL=tsa_url), rolled_back(django_db_blocker)):
            world = build_world(pki)
            document = render_now(world)
            before = len(crl_server.requests)
            sign_all(world, document)
            yield Langdurig(world, document, latest_bytes(document), pki, crl_server.requests, tsa_url,
                            len(crl_server.requests) - before)


def lta_results(data: bytes, roots: list, *, later: datetime.datetime | None = None) -> dict[str, object]:
    """pyHanko's AdES long-term validation (ETSI EN 319 102-1 § 5.6.3) of every signature but the document
    timestamps, from the file's own data only; with `later`, as a validator at that moment would see it."""
    from pyhanko.sign.validation.ades import ades_lta_validation, simulate_future_ades_lta_validation

    spec = handtekeningcontrole._long_term_spec(roots)
    results = {}
    for sig in pdf_reader(data).embedded_signatures:
        if sig.sig_object.get("/Type") == "/DocTimeStamp":
            continue
        if later is None:
            results[sig.field_name] = asyncio.run(ades_lta_validation(sig, spec)).ades_subindic
        else:
            results[sig.field_name] = asyncio.run(simulate_future_ades_lta_validation(
                sig, spec, future_validation_time=later)).ades_subindic
    return results


def uitslag(client, data: bytes) -> str:
    response = client.post(reverse("verifieer"), {
        "bestand": SimpleUploadedFile("arrangement.pdf", data, content_type="application/pdf")})
    assert response.status_code == 200
    match = re.search(r'<section aria-labelledby="uitslag".*?</section>', response.content.decode(), re.S)
    assert match, "no verdict on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


# --- the file ---------------------------------------------------------------------------------------

def test_every_signature_is_timestamped_the_dss_holds_the_revocation_lists_and_a_document_timestamp_ends_it(
        langdurig):
    from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = pdf_reader(langdurig.getekend)
    embedded = reader.embedded_signatures
    assert embedded[-1].sig_object["/Type"] == "/DocTimeStamp"
    for sig in embedded[:-1]:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=signing.trust_roots(),
                                                               allow_fetching=False))
        assert status.timestamp_validity is not None, f"{sig.field_name} has no signature timestamp"
        assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    dss = DocumentSecurityStore.read_dss(reader)
    assert dss.crls, "no revocation list in the DSS"
    assert dss.certs, "no certificates in the DSS"
    assert langdurig.crl_requests, "the CRL distribution point was never asked"


def test_the_parties_of_one_document_fetch_the_revocation_list_once(langdurig):
    """Three signatures and the closing document timestamp share one real request to the CRL server
    (validatiegegevens); the tests around this one show every signature still valid long-term with it."""
    assert langdurig.crl_fetches_while_signing == 1


def test_pyhanko_validates_every_signature_long_term_now_and_after_the_certificates_expired(langdurig):
    from pyhanko.sign.ades.report import AdESPassed

    roots = signing.trust_roots()
    expected = {"Certificering_platform", *(signing.field_name(p) for p in langdurig.world.partijen)}
    now = lta_results(langdurig.getekend, roots)
    assert now == dict.fromkeys(expected, AdESPassed.OK)
    expiry = langdurig.pki.certificate("platform").not_valid_after_utc
    later = lta_results(langdurig.getekend, roots, later=expiry + datetime.timedelta(days=30))
    assert later == dict.fromkeys(expected, AdESPassed.OK)


def test_pdfsig_accepts_every_signature(langdurig, tmp_path):
    if not shutil.which("certutil"):
        pytest.fail("certutil ontbreekt (Debian-pakket libnss3-tools): nodig om pdfsig de TEST-CA te laten "
                    "vertrouwen.")
    database = tmp_path / "nss"
    database.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{database}", "--empty-password"], check=True, timeout=30)
    subprocess.run(["certutil", "-A", "-d", f"sql:{database}", "-n", "TEST CA", "-t", "CT,C,C", "-a",
                    "-i", str(langdurig.pki.ca_pem)], check=True, timeout=30)
    path = tmp_path / "getekend.pdf"
    path.write_bytes(langdurig.getekend)
    output = subprocess.run(["pdfsig", "-nssdir", f"sql:{database}", str(path)], capture_output=True, text=True,
                            timeout=60).stdout
    blocks = [dict(re.findall(r"^\s*- ([^:\n]+): (.*)$", block, flags=re.M))
              for block in re.split(r"^Signature #\d+:\s*$", output, flags=re.M)[1:]]
    signatures = [b for b in blocks if b.get("Signature Type") == "ETSI.CAdES.detached"]
    assert len(signatures) == 4, output  # the platform's certification and the three parties'
    for block in signatures:
        assert block["Signature Validation"] == "Signature is Valid.", output
        assert block["Certificate Validation"] == "Certificate is Trusted.", output
    assert len(blocks) == 5, output  # and the document timestamp


def test_the_report_says_langdurig_verifieerbaar_ja_with_the_time_of_the_document_timestamp(client, langdurig):
    stamp = handtekeningcontrole.verify(langdurig.getekend).signatures[-1]
    assert stamp.timestamp
    datum = formats.date_format(timezone.localtime(stamp.signed_at), "j F Y, H:i")
    text = uitslag(client, langdurig.getekend)
    assert JA.format(datum=datum) in text, text
    assert "Geldig: ondertekend door alle partijen (3 van 3)." in text


# --- refusals and the negative verdict ----------------------------------------------------------------

def test_a_revoked_certificate_cannot_sign_and_nothing_is_kept(langdurig):
    world = build_world(langdurig.pki)
    document = render_now(world)
    user = world.ondertekenaars[0]
    publish_crl(langdurig.pki, revoked=(slugify(world.partijen[0].organisatie.naam),))
    try:
        with pytest.raises(ValidationError) as refused:
            documenten.sign_document(document=document, partij=world.partijen[0], user=user,
                                     password=TEST_PASSWORD, code=app_code(user))
    finally:
        publish_crl(langdurig.pki)
    assert " ".join(refused.value.messages) == (
        "De handtekening kon niet langdurig verifieerbaar worden gemaakt: de geldigheid van het certificaat (keten "
        "of intrekkingslijst) kon niet worden vastgesteld. Er is niets ondertekend; probeer het later opnieuw of "
        "meld het aan de beheerder.")
    assert Documentversie.objects.filter(document=document).count() == 1
    assert not Handtekening.objects.filter(document=document).exists()


def test_timestamps_without_revocation_lists_are_not_long_term_verifiable(client, test_pki, settings):
    """The session's TEST PKI names no CRL: signed with a TSA, the file has timestamps but no revocation data."""
    with signing_settings(test_pki), running_tsa(test_pki) as (tsa_url, _tsa):
        settings.SIGNING_TSA_URL = tsa_url
        slug = "langdurig-gemeente"
        create_test_pki(test_pki.directory, {slug: "Gemeente Langdurig"})
        rendered = pdf.render_pdf('<html lang="nl"><head><title>Brief</title></head>'
                                  '<body><p>Een korte overeenkomst.</p></body></html>')
        certified = signing.certify(rendered, [signing.Veld(naam="Handtekening_partij_1", pagina=0,
                                                                box=(57.0, 600.0, 283.0, 690.0))], reason="Test")
        signer = signing.load_signer(test_pki.p12(slug).read_bytes(), f"bestand:{test_pki.passphrase_file}")
        signed = signing.sign(certified, signing.SignatureRequest(
            field="Handtekening_partij_1", name="Gerda Gemeente", function="burgemeester",
            organisation="Gemeente Langdurig", reason="Test"), signer)
        data = signing.document_timestamp(signed)
        report = handtekeningcontrole.verify(data)
        assert report.all_valid
        assert (report.long_term, report.long_term_reason) == (False, "onvolledig")
        text = uitslag(client, data)
    assert ONVOLLEDIG in text, text
    assert "Geldig: ondertekend door de enige partij (1 van 1)." in text
