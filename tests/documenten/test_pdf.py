"""The archival PDF itself: PDF/A-3a identification, tagging, the JSON attachment, reading order, the
signatures the three parties add (no TSA configured), and the URL fetcher that keeps WeasyPrint local."""

import hashlib
import json
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from arrangementen import documenten, handtekeningcontrole, pdf, signing
from arrangementen.models import Document, Documentgebeurtenis, Status

from .wereld import (
    TITELS_IN_VOLGORDE,
    Ondertekenwereld,
    build_world,
    latest_bytes,
    pdf_reader,
    render_now,
    rolled_back,
    sign_all,
)

pytestmark = pytest.mark.django_db

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDF_NS = "{http://ns.adobe.com/pdf/1.3/}"


@dataclass
class Getekend:
    world: Ondertekenwereld
    document: Document
    gecertificeerd: bytes  # version 1: rendered and certified by the platform
    getekend: bytes  # the last version: signed by all three parties


@pytest.fixture(scope="module")
def getekend(django_db_setup, django_db_blocker, pki):
    with rolled_back(django_db_blocker):
        world = build_world(pki)
        document = render_now(world)
        gecertificeerd = latest_bytes(document)
        sign_all(world, document)
        yield Getekend(world, document, gecertificeerd, latest_bytes(document))


@pytest.fixture(params=["gecertificeerd", "getekend"])
def versie(request, getekend) -> bytes:
    """The PDF as the platform certified it and as it is after the last signature."""
    return getattr(getekend, request.param)


def xmp_properties(data: bytes) -> dict[str, str]:
    """Simple XMP properties ({namespace}name → value), whether written as attributes or as elements."""
    root = ET.fromstring(pdf_reader(data).root["/Metadata"].data)
    found = {}
    for description in root.iter(f"{RDF}Description"):
        found.update({name: value for name, value in description.attrib.items() if name != f"{RDF}about"})
        for child in description:
            items = [li.text or "" for li in child.iter(f"{RDF}li")]
            found[child.tag] = items[0] if items else (child.text or "").strip()
    return found


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def write(tmp_path: Path, data: bytes, name: str = "arrangement.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- PDF/A-3a -------------------------------------------------------------------------------------

def test_pdf_identifies_itself_as_pdfa_3a_in_its_xmp_metadata(versie):
    properties = xmp_properties(versie)
    assert properties.get(f"{PDFAID}part") == "3"
    assert properties.get(f"{PDFAID}conformance") == "A"


def test_pdf_is_tagged_with_a_structure_tree_and_a_language(versie):
    root = pdf_reader(versie).root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/K" in root["/StructTreeRoot"]
    assert str(root["/Lang"]) == "nl"


def test_info_dictionary_and_xmp_agree_on_the_producer(versie):
    # PDF/A (ISO 19005-3 §6.6.2.3.1): every Info entry with an XMP counterpart must have an equivalent value.
    info = pdf_reader(versie).trailer_view["/Info"]
    assert xmp_properties(versie).get(f"{PDF_NS}Producer") == str(info["/Producer"])


def test_pdf_carries_the_arrangement_as_an_associated_json_attachment(getekend, tmp_path):
    path = write(tmp_path, getekend.getekend)
    assert "arrangement.json" in run("pdfdetach", "-list", str(path))
    run("pdfdetach", "-savefile", "arrangement.json", "-o", str(tmp_path / "bijlage.json"), str(path))
    data = json.loads((tmp_path / "bijlage.json").read_text("utf-8"))
    assert data["titel"] == getekend.world.arrangement.titel
    assert data["status"] == Status.VASTGESTELD
    assert [p["organisatie"] for p in data["partijen"]] == [p.organisatie.naam for p in getekend.world.partijen]
    assert sorted(a["titel"] for a in data["afspraken"]) == sorted(TITELS_IN_VOLGORDE)
    # PDF/A-3 wants the file associated with the document, with its relationship stated.
    associated = [spec.get_object() for spec in pdf_reader(getekend.getekend).root["/AF"]]
    assert [str(spec["/F"]) for spec in associated if str(spec["/AFRelationship"]) == "/Data"]
    assert {str(spec["/F"]) for spec in associated} == {"arrangement.json"}


def test_pdftotext_reads_the_afspraken_in_document_order(getekend, tmp_path):
    text = " ".join(run("pdftotext", str(write(tmp_path, getekend.getekend)), "-").split())
    headings = [text.find(f"Afspraken op {niveau} niveau") for niveau in ("strategisch", "tactisch", "operationeel")]
    positions = [text.find(titel) for titel in TITELS_IN_VOLGORDE]
    assert -1 not in headings and -1 not in positions, text
    assert headings == sorted(headings)
    assert positions == sorted(positions), [t for _p, t in sorted(zip(positions, TITELS_IN_VOLGORDE, strict=True))]
    # strategisch: the first three; tactisch: the fourth; operationeel: the fifth
    assert headings[0] < positions[0] and positions[2] < headings[1] < positions[3] < headings[2] < positions[4]


# --- signatures ------------------------------------------------------------------------------------

def test_certification_and_every_party_signature_are_intact_valid_and_trusted(getekend):
    report = handtekeningcontrole.verify(getekend.getekend)
    assert report.error == ""
    by_field = {s.field: s for s in report.signatures}
    expected = {"Certificering_platform", *(signing.field_name(p) for p in getekend.world.partijen)}
    assert set(by_field) == expected
    for signature in report.signatures:
        assert (signature.intact, signature.valid, signature.trusted) == (True, True, True), signature.details
    # Each signature but the last is followed only by the permitted later signatures; the last covers all.
    last = signing.field_name(getekend.world.partijen[-1])
    assert {f: s.after for f, s in by_field.items()} == {f: "niets" if f == last else "toegestaan" for f in by_field}
    assert by_field["Certificering_platform"].certification
    assert report.all_valid


def test_each_party_signature_bears_the_signers_name_and_organisation(getekend):
    by_field = {s.field: s for s in handtekeningcontrole.verify(getekend.getekend).signatures}
    for partij, user in zip(getekend.world.partijen, getekend.world.ondertekenaars, strict=True):
        signature = by_field[signing.field_name(partij)]
        assert signature.signer == user.get_full_name()
        assert str(partij.organisatie) in signature.reason
        assert not signature.certification


def test_without_a_tsa_no_signature_carries_a_timestamp(getekend):
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    embedded = pdf_reader(getekend.getekend).embedded_signatures
    assert len(embedded) == 4
    assert not [s for s in embedded if s.sig_object.get("/Type") == "/DocTimeStamp"]
    for sig in embedded:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=signing.trust_roots(),
                                                               allow_fetching=False))
        assert status.timestamp_validity is None, sig.field_name
    assert not [s for s in handtekeningcontrole.verify(getekend.getekend).signatures if s.timestamp]


def test_every_state_of_the_pdf_is_stored_with_its_hash_and_recorded(getekend):
    document = getekend.document
    versies = list(document.versies.order_by("volgnummer"))
    assert [v.volgnummer for v in versies] == [1, 2, 3, 4]
    for versie in versies:
        with versie.bestand.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == versie.sha256
    assert versies[0].sha256 == hashlib.sha256(getekend.gecertificeerd).hexdigest()
    assert versies[-1].sha256 == hashlib.sha256(getekend.getekend).hexdigest()
    gebeurtenissen = list(document.gebeurtenissen.order_by("op", "pk"))
    assert [(g.soort, g.documentversie_id, g.sha256) for g in gebeurtenissen] == [
        (Documentgebeurtenis.Soort.GENERATIE, versies[0].pk, versies[0].sha256),
        *((Documentgebeurtenis.Soort.ONDERTEKENING, v.pk, v.sha256) for v in versies[1:]),
    ]
    handtekeningen = list(document.handtekeningen.order_by("documentversie__volgnummer"))
    assert [(h.partij, h.ondertekenaar, h.namens) for h in handtekeningen] == [
        (p, u, None) for p, u in zip(getekend.world.partijen, getekend.world.ondertekenaars, strict=True)]


def test_the_last_signature_completes_the_workflow(getekend):
    arrangement = getekend.world.arrangement
    arrangement.refresh_from_db()
    assert arrangement.status == Status.ONDERTEKEND
    assert arrangement.overgangen.order_by("-pk").first().naar == Status.ONDERTEKEND


def test_find_version_knows_every_stored_state_by_its_hash(getekend):
    for data, volgnummer in ((getekend.gecertificeerd, 1), (getekend.getekend, 4)):
        versie = documenten.find_version(hashlib.sha256(data).hexdigest())
        assert (versie.document, versie.volgnummer) == (getekend.document, volgnummer)
    assert documenten.find_version(hashlib.sha256(b"iets anders").hexdigest()) is None


# --- the URL fetcher -------------------------------------------------------------------------------

def test_url_fetcher_serves_the_projects_static_files():
    css = Path(settings.BASE_DIR, "static", "css", "pdf.css")
    response = pdf.static_only_fetcher(css.resolve().as_uri())
    content = response.read() if hasattr(response, "read") else (response.get("string") or response["file_obj"].read())
    assert content == css.read_bytes()


def test_rendering_with_a_stylesheet_from_the_static_files_produces_a_pdf():
    html = '<html lang="nl"><head><link rel="stylesheet" href="css/pdf.css"></head><body><p>Hallo</p></body></html>'
    assert pdf.render_pdf(html).startswith(b"%PDF-")


def test_rendering_skips_a_resource_outside_the_static_files_instead_of_failing():
    html = '<html lang="nl"><body><p>Hallo</p><img src="file:///etc/hostname" alt=""></body></html>'
    assert pdf.render_pdf(html).startswith(b"%PDF-")


@pytest.mark.parametrize("url", [
    "file:///etc/hostname",
    Path(settings.BASE_DIR, "manage.py").resolve().as_uri(),
    Path(settings.BASE_DIR, "static").resolve().as_uri() + "/../manage.py",
    Path(settings.BASE_DIR, "static").resolve().as_uri() + "/%2e%2e/manage.py",
    "http://127.0.0.1:9/afbeelding.png",
    "https://example.invalid/tracker.png",
    "data:text/plain,hallo",
])
def test_url_fetcher_refuses_anything_outside_the_static_files(url):
    with pytest.raises(pdf.ForbiddenResource):
        pdf.static_only_fetcher(url)
