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

GEHEEL = ("Geldig: ondertekend door alle partijen (3 van 3). Alle handtekeningen zijn echt en het bestand is na het "
          "ondertekenen niet gewijzigd.")
ECHT_TOEGESTAAN = "In orde: echt; daarna zijn alleen handtekeningen of tijdstempels toegevoegd."
ECHT_LAATSTE = "In orde: echt, en het bestand is daarna niet meer gewijzigd."
GEEN_TIJDSTEMPEL = ("Langdurig verifieerbaar: nee. Het bestand heeft (nog) geen afsluitend tijdstempel; zonder dat "
                    "zijn de handtekeningen alleen te controleren zolang de certificaten geldig zijn.")


def version_bytes(document: Document, volgnummer: int) -> bytes:
    with document.versies.get(volgnummer=volgnummer).bestand.open("rb") as handle:
        return handle.read()


def signer_line(world: Ondertekenwereld, index: int) -> str:
    """How the page names a party's signer: name, function and organisation from the stored signature."""
    partij, user = world.partijen[index], world.ondertekenaars[index]
    return f"{user.get_full_name()}, {partij.ondertekenaar_functie}, {partij.organisatie}"


def test_anonymous_upload_of_the_signed_pdf_names_the_document_and_every_signer_in_words(client, bestanden):
    """A file byte for byte equal to a stored version: its holder reads title, reference and signers on its own
    pages, so the page names them too. What is not in the file stays out: the link, the table of details, the
    signers' accounts."""
    html = upload(client, bestanden.getekend)
    text = uitslag(html)
    assert GEHEEL in text
    assert "Bekend document:" in text
    assert (f"Titel {bestanden.world.arrangement.titel} Versie van het arrangement 1 "
            f"Referentie {bestanden.document.referentie} Versie van het bestand 4:") in text
    for index in range(3):
        verdict = ECHT_LAATSTE if index == 2 else ECHT_TOEGESTAAN
        assert f"{signer_line(bestanden.world, index)} (" in text
        assert re.search(re.escape(signer_line(bestanden.world, index)) + r" \(\d+ \w+ \d{4}, \d\d:\d\d\): "
                         + re.escape(verdict), text), text
    assert "TEST Platform handhavingsarrangementen (certificering door het platform) (" in text
    assert GEEN_TIJDSTEMPEL in text
    assert "Niet geldig" not in text and "nieuwere versie" not in text
    for secret in [*(u.email for u in bestanden.world.ondertekenaars),
                   *(u.username for u in bestanden.world.ondertekenaars)]:
        assert secret not in html
    assert "<table" not in html
    assert reverse("arrangementen:detail", args=[bestanden.world.arrangement.pk]) not in html


def test_member_sees_every_signature_and_a_link_to_the_arrangement(client, bestanden):
    client.force_login(bestanden.world.leden["lezer"])
    html = upload(client, bestanden.getekend)
    assert GEHEEL in uitslag(html)
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
    assert "Naar het arrangement" not in html
    for secret in [*(u.email for u in bestanden.world.ondertekenaars), bestanden.world.secretaris.get_full_name()]:
        assert secret not in html


def test_a_file_only_certified_by_the_platform_says_that_no_party_has_signed(client, bestanden):
    text = uitslag(upload(client, version_bytes(bestanden.document, 1)))
    assert ("Nog niet ondertekend: dit bestand is alleen gecertificeerd door het platform; nog geen enkele partij "
            "heeft getekend (0 van 3).") in text
    for partij in bestanden.world.partijen:
        assert f"{partij.organisatie}: Nog niet getekend." in text
    assert "Let op: er is een nieuwere versie: versie 4 van het bestand (" in text
    assert "Geldig:" not in text


def test_a_partly_signed_file_says_how_many_parties_signed_and_that_a_newer_version_exists(client, bestanden):
    text = uitslag(upload(client, version_bytes(bestanden.document, 3)))
    assert ("Nog niet door alle partijen ondertekend: 2 van 3. De handtekeningen die er staan zijn echt en het "
            "bestand is daarna niet gewijzigd.") in text
    latest = bestanden.document.versies.get(volgnummer=4)
    assert f"Let op: er is een nieuwere versie: versie 4 van het bestand ({latest.omschrijving})." in text
    assert f"{bestanden.world.partijen[2].organisatie}: Nog niet getekend." in text, text
    assert f"{signer_line(bestanden.world, 1)} (" in text
    assert signer_line(bestanden.world, 2) not in text
    assert "Versie van het bestand 3:" in text
    assert "Geldig:" not in text


def test_an_intermediate_version_is_known_as_well(client, bestanden):
    text = uitslag(upload(client, version_bytes(bestanden.document, 2)))
    assert ("Nog niet door alle partijen ondertekend: 1 van 3. De handtekeningen die er staan zijn echt en het "
            "bestand is daarna niet gewijzigd.") in text
    assert "Bekend document:" in text


def test_a_signed_herziening_supersedes_the_signed_file(client, bestanden):
    from arrangementen import services
    from arrangementen.models import Status

    herziening = services.start_herziening(arrangement=bestanden.world.arrangement,
                                           user=bestanden.world.leden["coordinator"])
    text = uitslag(upload(client, bestanden.getekend))
    assert "nieuwere versie" not in text  # a herziening in concept replaces nothing yet
    herziening.status = Status.ONDERTEKEND
    herziening.save()
    text = uitslag(upload(client, bestanden.getekend))
    assert GEHEEL in text
    assert ("Let op: er is een nieuwere versie: versie 2 van het arrangement, ondertekend door alle partijen. Die "
            "vervangt deze versie.") in text


def test_one_changed_byte_makes_the_file_invalid_and_unknown(client, bestanden):
    client.force_login(bestanden.world.leden["lezer"])
    text = uitslag(upload(client, flip_byte(bestanden.getekend, offset_inside_first_revision(bestanden.getekend))))
    assert ("Niet geldig: dit bestand is gewijzigd nadat het werd ondertekend. Vertrouw de inhoud niet; vraag de "
            "afzender om het oorspronkelijke bestand.") in text
    assert "Onbekend document:" in text
    assert text.count("Niet in orde: wat deze handtekening ondertekent, is na het tekenen gewijzigd.") == 4, text
    assert "Langdurig verifieerbaar: nee. De handtekeningen zijn nu al niet in orde." in text
    # Names come from the file's own certificates, not from the stored signatures: the file is not a stored one.
    for index, user in enumerate(bestanden.world.ondertekenaars):
        assert f"{user.get_full_name()}, TEST {bestanden.world.partijen[index].organisatie} (" in text
        assert signer_line(bestanden.world, index) not in text
    assert "Geldig: " not in text and "Titel" not in text and "Nog niet getekend" not in text


def test_no_verdict_shows_an_x509_distinguished_name_or_a_yes_no_grid(client, bestanden):
    client.force_login(bestanden.world.leden["lezer"])
    html = upload(client, flip_byte(bestanden.getekend, offset_inside_first_revision(bestanden.getekend)))
    for technical in ("Common Name:", "Organization:", "CN=", "O=TEST", "Intact", "Geldig</th>", "Vertrouwd"):
        assert technical not in html


def test_without_a_tsa_the_file_carries_no_validation_data(bestanden):
    from .wereld import pdf_reader

    assert "/DSS" not in pdf_reader(bestanden.getekend).root


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
