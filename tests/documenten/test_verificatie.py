"""The public verification page: anyone may upload a file and gets a Dutch verdict, never a 500.
Anonymous visitors learn only valid/known; logged-in users see who signed, and members get a link."""

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arrangementen import pdf
from arrangementen.models import Document

from .wereld import (
    Ondertekenwereld,
    build_world,
    flip_byte,
    latest_bytes,
    offset_inside_first_revision,
    render_now,
    rolled_back,
    sign_all,
)

pytestmark = pytest.mark.django_db

URL = reverse("verifieer")


@dataclass
class Bestanden:
    world: Ondertekenwereld
    document: Document
    getekend: bytes
    ongetekend: bytes


@pytest.fixture(scope="module")
def bestanden(django_db_setup, django_db_blocker, pki):
    with rolled_back(django_db_blocker):
        world = build_world(pki)
        document = render_now(world)
        sign_all(world, document)
        ongetekend = pdf.render_pdf('<html lang="nl"><head><title>Brief</title></head>'
                                    '<body><p>Een brief zonder handtekening.</p></body></html>')
        yield Bestanden(world, document, latest_bytes(document), ongetekend)


def upload(client, data: bytes, name: str = "arrangement.pdf") -> str:
    response = client.post(URL, {"bestand": SimpleUploadedFile(name, data, content_type="application/pdf")})
    assert response.status_code == 200
    return response.content.decode()


def uitslag(html: str) -> str:
    """The text of the verdict section, tags stripped and whitespace collapsed."""
    match = re.search(r'<section aria-labelledby="uitslag".*?</section>', html, re.S)
    assert match, "no verdict on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def damage_last_xref_stream(data: bytes, how: str) -> bytes:
    """Damage the cross-reference stream that ends the file, the way a broken transfer or an editor might."""
    start = data.rindex(b"/Type /XRef")
    tail = data[start:]
    if how == "filter":
        tail = tail.replace(b"/FlateDecode", b"/FlateDe7ode", 1)
    else:
        stream = re.search(rb"stream\r?\n", tail).end()
        tail = tail[:stream] + bytes([tail[stream] ^ 0xFF]) + tail[stream + 1:]
    return data[:start] + tail


# --- verdicts ----------------------------------------------------------------------------------------

def test_anonymous_upload_of_the_signed_pdf_is_valid_and_known_without_details(client, bestanden):
    html = upload(client, bestanden.getekend)
    text = uitslag(html)
    # four signatures: the platform's certification and the three parties'
    assert "Geldig: alle 4 handtekeningen zijn intact en vertrouwd." in text
    assert "Bekend document:" in text
    assert "Niet geldig" not in text
    for secret in [bestanden.world.arrangement.titel, bestanden.document.referentie,
                   *(u.get_full_name() for u in bestanden.world.ondertekenaars),
                   *(p.organisatie.naam for p in bestanden.world.partijen)]:
        assert secret not in html
    assert "<table" not in html
    assert reverse("arrangementen:detail", args=[bestanden.world.arrangement.pk]) not in html


def test_member_sees_every_signature_and_a_link_to_the_arrangement(client, bestanden):
    client.force_login(bestanden.world.leden["lezer"])
    html = upload(client, bestanden.getekend)
    assert "Geldig: alle 4 handtekeningen zijn intact en vertrouwd." in uitslag(html)
    table = html[html.index("<table"):html.index("</table>")]
    for user in bestanden.world.ondertekenaars:
        assert user.get_full_name() in table
    assert "certificering platform" in table
    assert reverse("arrangementen:detail", args=[bestanden.world.arrangement.pk]) in html
    assert bestanden.document.referentie in html


def test_logged_in_outsider_sees_the_signatures_but_no_link_to_an_invisible_arrangement(client, bestanden):
    client.force_login(bestanden.world.buitenstaander)
    html = upload(client, bestanden.getekend)
    assert "Bekend document:" in uitslag(html)
    assert "<table" in html
    assert reverse("arrangementen:detail", args=[bestanden.world.arrangement.pk]) not in html
    assert bestanden.document.referentie not in html
    assert bestanden.world.arrangement.titel not in html


def test_an_intermediate_version_is_known_as_well(client, bestanden):
    with bestanden.document.versies.get(volgnummer=2).bestand.open("rb") as handle:
        text = uitslag(upload(client, handle.read()))
    assert "Geldig: alle 2 handtekeningen zijn intact en vertrouwd." in text
    assert "Bekend document:" in text


def test_one_changed_byte_makes_the_file_invalid_and_unknown(client, bestanden):
    client.force_login(bestanden.world.leden["lezer"])
    text = uitslag(upload(client, flip_byte(bestanden.getekend, offset_inside_first_revision(bestanden.getekend))))
    assert "Niet geldig:" in text
    assert "Onbekend document:" in text
    assert "Geldig: alle" not in text


def test_a_file_that_is_not_a_pdf_is_named_as_such(client):
    text = uitslag(upload(client, b"Beste collega, hierbij het arrangement.", "brief.pdf"))
    assert "Niet geldig: Dit bestand is geen PDF." in text


def test_an_unsigned_pdf_is_reported_as_carrying_no_signatures(client, bestanden):
    text = uitslag(upload(client, bestanden.ongetekend))
    assert "Niet geldig: Dit PDF-bestand bevat geen digitale handtekeningen." in text
    assert "Onbekend document:" in text


@pytest.mark.parametrize("fraction", [0.01, 0.5, 0.99])
def test_a_truncated_pdf_is_reported_as_damaged(client, bestanden, fraction):
    data = bestanden.getekend[:int(len(bestanden.getekend) * fraction)]
    assert "Niet geldig: Dit PDF-bestand is beschadigd of onvolledig" in uitslag(upload(client, data))


@pytest.mark.parametrize("how", ["filter", "compressed data"])
def test_a_pdf_with_a_damaged_cross_reference_stream_gets_a_verdict_not_an_error(client, bestanden, how):
    text = uitslag(upload(client, damage_last_xref_stream(bestanden.getekend, how)))
    assert "Niet geldig:" in text
    assert "Geldig: alle" not in text


def test_a_file_above_the_size_limit_is_refused_in_dutch_without_verdict(client, settings, bestanden):
    settings.VERIFICATION_MAX_UPLOAD = 10_000
    html = upload(client, bestanden.getekend)
    assert re.search(r"Dit bestand is [\d,]+ KB; de grens is 9,8 KB\.", html.replace("\xa0", " ")), html
    assert 'aria-labelledby="uitslag"' not in html


def test_the_size_limit_defaults_to_20_mb_and_is_shown(client, settings):
    assert settings.VERIFICATION_MAX_UPLOAD == 20 * 1024 * 1024
    html = client.get(URL).content.decode().replace("\xa0", " ")
    assert "Maximaal 20,0 MB." in html


def test_an_empty_upload_is_refused_without_verdict(client):
    response = client.post(URL, {"bestand": SimpleUploadedFile("leeg.pdf", b"", content_type="application/pdf")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "utrecht-form-field-error-message" in html
    assert 'aria-labelledby="uitslag"' not in html
