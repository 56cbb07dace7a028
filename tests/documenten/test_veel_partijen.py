"""Any number of parties (issue 13, item 3): the 31 Limburg gemeenten, politie and OM get 33 signature fields
that flow over as many pages as needed, each named for its party and placed by its party's name; after all 33
have signed, pyHanko and poppler's pdfsig accept every signature, and both reject the file once one byte changes.

Signing 33 times takes time: the world is built, rendered and signed once per module (measured: see
`getekend.seconden`, printed with -s)."""

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from arrangementen import handtekeningcontrole, signing

from ..factories import TEST_PASSWORD
from ..mfa import app_code
from .convenant import Convenant, build_convenant
from .poppler import nss_database, pdfsig
from .wereld import flip_byte, latest_bytes, offset_inside_first_revision, pdf_reader, render_now, rolled_back

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


@dataclass
class Getekend:
    convenant: Convenant
    gecertificeerd: bytes
    getekend: bytes
    seconden: float


@pytest.fixture(scope="module")
def getekend(django_db_setup, django_db_blocker, pki):
    from arrangementen import documenten

    with rolled_back(django_db_blocker):
        start = time.perf_counter()
        convenant = build_convenant(pki)
        opgebouwd = time.perf_counter()
        document = render_now(convenant)
        gemaakt = time.perf_counter()
        gecertificeerd = latest_bytes(document)
        for partij, user in zip(convenant.partijen, convenant.ondertekenaars, strict=True):
            documenten.sign_document(document=document, partij=partij, user=user, password=TEST_PASSWORD,
                                     code=app_code(user))
        seconden = time.perf_counter() - start
        print(f"\n31 gemeenten, politie en OM: opgebouwd in {opgebouwd - start:.1f} s, PDF gemaakt in "
              f"{gemaakt - opgebouwd:.1f} s, 33 keer getekend in {time.perf_counter() - gemaakt:.1f} s")
        yield Getekend(convenant, gecertificeerd, latest_bytes(document), seconden)


def signature_fields(data: bytes) -> dict[str, tuple[int, list[float]]]:
    """Every signature field: name → (page index, rectangle)."""
    reader = pdf_reader(data)
    order = []

    def walk(node_ref):
        node = node_ref.get_object()
        if node["/Type"] == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            order.append(node_ref.reference)

    walk(reader.root.raw_get("/Pages"))
    pages = {reference: index for index, reference in enumerate(order)}
    found = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/FT") != "/Sig":
            continue
        found[str(field["/T"])] = (pages.get(field.raw_get("/P").reference) if "/P" in field else None,
                                   [float(v) for v in field["/Rect"]])
    return found


def page_text(path: Path, page: int) -> str:
    return " ".join(subprocess.run(["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
                                   capture_output=True, text=True, check=True, timeout=60).stdout.split())


def test_a_convenant_of_33_parties_gets_one_named_field_per_party_across_pages(getekend, tmp_path):
    path = tmp_path / "gecertificeerd.pdf"
    path.write_bytes(getekend.gecertificeerd)
    fields = signature_fields(getekend.gecertificeerd)
    partijen = getekend.convenant.partijen
    assert len(partijen) == 33
    assert set(fields) == {"Certificering_platform", *(signing.field_name(p) for p in partijen)}
    assert signing.field_name(partijen[15]) == f"Handtekening_{partijen[15].pk}_Gemeente_Maastricht"
    pages = {fields[signing.field_name(p)][0] for p in partijen}
    assert len(pages) >= 3, pages  # ten at most fit on one page
    for partij in partijen:
        page, rect = fields[signing.field_name(partij)]
        assert str(partij.organisatie) in page_text(path, page), (partij, page)
        x1, y1, x2, y2 = rect
        # inside the page's text area: clear of the margins and the footer
        assert 20 * MM - 1 <= x1 < x2 <= 190 * MM + 1 and 22 * MM <= y1 < y2 <= (297 - 25) * MM + 1, rect


def test_no_two_signature_fields_overlap(getekend):
    fields = [v for k, v in signature_fields(getekend.gecertificeerd).items() if k != "Certificering_platform"]
    for i, (page_a, (ax1, ay1, ax2, ay2)) in enumerate(fields):
        for page_b, (bx1, by1, bx2, by2) in fields[i + 1:]:
            if page_a == page_b:
                assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1


@pytest.fixture
def ruime_grenzen(settings):
    """The verification's time bounds (tested in test_verificatie_limieten) with room for a shared test machine:
    34 signatures take some 11 s of CPU, within the default 20."""
    settings.VERIFICATIE_MAX_SECONDEN = 120
    settings.VERIFICATIE_MAX_CPU_SECONDEN = 60


def test_every_one_of_the_34_signatures_is_valid_for_pyhanko_and_pdfsig(getekend, pki, tmp_path, ruime_grenzen):
    report = handtekeningcontrole.verify(getekend.getekend)
    assert report.error == ""
    assert len(report.signatures) == 34  # the platform's certification and 33 parties
    for signature in report.signatures:
        assert (signature.intact, signature.valid, signature.trusted) == (True, True, True), signature.details
    assert report.all_valid

    path = tmp_path / "getekend.pdf"
    path.write_bytes(getekend.getekend)
    poppler = pdfsig(nss_database(tmp_path, pki.ca_pem), path)
    assert sorted(s["Signature Field Name"] for s in poppler) == sorted(s.field for s in report.signatures)
    for signature in poppler:
        assert signature["Signature Validation"] == "Signature is Valid.", signature


def test_one_flipped_byte_is_reported_by_pyhanko_and_pdfsig(getekend, pki, tmp_path, ruime_grenzen):
    tampered = flip_byte(getekend.getekend, offset_inside_first_revision(getekend.getekend))
    report = handtekeningcontrole.verify(tampered)
    assert not report.all_valid
    assert len(report.signatures) == 34
    assert not [s.field for s in report.signatures if s.intact]

    path = tmp_path / "gewijzigd.pdf"
    path.write_bytes(tampered)
    poppler = pdfsig(nss_database(tmp_path, pki.ca_pem), path)
    assert len(poppler) == 34
    for signature in poppler:
        assert signature["Signature Validation"] == "Digest Mismatch.", signature
