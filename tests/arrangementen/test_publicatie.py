"""The publication version (issue 20, item 4): as the Gemeenteblad prints it — without contactpersonen and the
flows' working details, with the citeertitel and the date of entry into force — as PDF/A, clean HTML and text;
afterwards the CVDR reference, validated, on the arrangement page, the verification report and the map."""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from arrangementen import gegevensstromen, verificatie
from arrangementen.models import Arrangement, Documentversie, Grondslag, Status
from samenwerking import overzichtsrollen
from samenwerking.models import Organisatie, Overzichtsniveau, Rol

from ..factories import GebruikerFactory
from .helpers import html, in_werking_met_pdf, zet_status

pytestmark = pytest.mark.django_db

CONTACT = "Jan Contactpersoon, 06-12345678, jan@soest.example"
KANAAL = "Beveiligde mail naar het meldpunt"
VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def ondertekend(wereld, vastgesteld):
    vastgesteld = zet_status(vastgesteld, Status.CONCEPT)  # a flow is added in concept only
    eerste, tweede = (p.organisatie for p in vastgesteld.partijen.all()[:2])
    gegevensstromen.add_gegevensstroom(
        arrangement=vastgesteld, user=wereld.coordinator,
        expected_version=Arrangement.objects.get(pk=vastgesteld.pk).lock_version,
        gegevens=gegevensstromen.Stroomgegevens(verstrekker=eerste, ontvangers=[tweede], categorieen="Meldingen",
                                                doel="Afstemming", kanaal=KANAAL,
                                                grondslag=Grondslag.objects.get(code="wpg-16")))
    return in_werking_met_pdf(vastgesteld, wereld.leden[Rol.SECRETARIS], contactpersonen=CONTACT)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "publicatie.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60)
    return " ".join(out.stdout.split())


def test_the_publication_pdf_has_the_citeertitel_and_no_contactpersonen(als, ondertekend, tmp_path):
    Arrangement.objects.filter(pk=ondertekend.pk).update(citeertitel="Handhavingsarrangement Heuvelrug 2026")
    response = als(Rol.LEZER).get(reverse("arrangementen:publicatie_pdf", args=[ondertekend.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Handhavingsarrangement Heuvelrug 2026" in text
    assert "Dit arrangement wordt aangehaald als: Handhavingsarrangement Heuvelrug 2026." in text
    assert "Datum van inwerkingtreding" in text
    for internal in ("Jan Contactpersoon", "06-12345678", "contactpersonen", KANAAL, "Kanaal"):
        assert internal not in text, internal
    assert "Gegevensstroom 1" in text and "Meldingen" in text  # the flow itself is part of the agreement


def test_the_publication_html_validates_with_the_nu_html_checker(als, ondertekend, tmp_path):
    response = als(Rol.LEZER).get(reverse("arrangementen:publicatie_html", args=[ondertekend.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    body = html(response)
    assert "<script" not in body and "<style" not in body and "Jan Contactpersoon" not in body
    assert "Arrangement Utrechtse Heuvelrug, versie 1" in body  # the default citeertitel
    java = shutil.which("java")
    assert java and VNU_JAR.exists(), "De Nu Html Checker (java + node_modules/vnu-jar) ontbreekt."
    path = tmp_path / "publicatie.html"
    path.write_bytes(response.content)
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", str(path)],
                            capture_output=True, text=True, timeout=120, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [(m.get("lastLine"), m["message"]) for m in messages] == []


def test_the_plain_text_leaves_out_the_contacts_and_the_channel(als, ondertekend):
    response = als(Rol.LEZER).get(reverse("arrangementen:publicatie_tekst", args=[ondertekend.pk]))
    assert response.status_code == 200
    body = html(response)
    assert body.startswith("ARRANGEMENT UTRECHTSE HEUVELRUG, VERSIE 1\n")
    assert "Citeertitel: Arrangement Utrechtse Heuvelrug, versie 1" in body
    inwerking = (timezone.localdate() - datetime.timedelta(days=30))
    assert f"Datum van inwerkingtreding: {inwerking.day} " in body
    assert "Artikel 1. Begripsbepalingen" in body and "Staatsbosbeheer" in body
    assert "Jan Contactpersoon" not in body and KANAAL not in body and "\n\n\n" not in body


@pytest.mark.parametrize("name", ["publicatie_pdf", "publicatie_html", "publicatie_tekst"])
def test_before_every_party_signed_there_is_no_publication_version(als, vastgesteld, name):
    response = als(Rol.LEZER).get(reverse(f"arrangementen:{name}", args=[vastgesteld.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("arrangementen:publicatie", args=[vastgesteld.pk])
    assert "pas als alle partijen het arrangement hebben ondertekend (nu: vastgesteld)" in html(response)


def test_the_secretaris_sets_the_citeertitel_recorded_in_the_history(als, ondertekend):
    response = als(Rol.SECRETARIS).post(reverse("arrangementen:publicatie", args=[ondertekend.pk]),
                                        {"citeertitel": "  Handhavingsarrangement Heuvelrug  "})
    assert response.status_code == 302
    ondertekend.refresh_from_db()
    assert ondertekend.citeertitel == "Handhavingsarrangement Heuvelrug"
    assert ondertekend.history.first().history_change_reason == "Citeertitel vastgelegd"


@pytest.mark.parametrize(("typed", "stored"), [
    ("cvdr755740", "CVDR755740"),
    ("https://lokaleregelgeving.overheid.nl/CVDR755740/1", "https://lokaleregelgeving.overheid.nl/CVDR755740/1"),
])
def test_the_secretaris_records_the_cvdr_reference_shown_on_the_arrangement_page(als, ondertekend, typed, stored):
    client = als(Rol.SECRETARIS)
    response = client.post(reverse("arrangementen:publicatie_cvdr", args=[ondertekend.pk]),
                           {"cvdr_referentie": typed})
    assert response.status_code == 302
    ondertekend.refresh_from_db()
    assert ondertekend.cvdr_referentie == stored
    assert ondertekend.history.first().history_change_reason == "Publicatie in het CVDR vastgelegd"
    page = html(client.get(reverse("arrangementen:detail", args=[ondertekend.pk])))
    assert f'href="{verificatie.publicatie.cvdr_link(stored)}"' in page
    assert 'href="https://lokaleregelgeving.overheid.nl/CVDR755740' in page


@pytest.mark.parametrize("typed", ["755740", "CVDR-755740", "https://example.org/CVDR755740",
                                   "http://lokaleregelgeving.overheid.nl/CVDR755740",
                                   "https://lokaleregelgeving.overheid.nl/zoeken"])
def test_a_cvdr_reference_in_the_wrong_form_is_refused_naming_the_field_with_the_input_kept(als, ondertekend,
                                                                                            typed):
    response = als(Rol.SECRETARIS).post(reverse("arrangementen:publicatie_cvdr", args=[ondertekend.pk]),
                                        {"cvdr_referentie": typed})
    assert response.status_code == 200
    body = html(response)
    assert "CVDR-identificatie of -URL: vul een identificatie in als CVDR755740" in body
    assert f'value="{typed}"' in body
    ondertekend.refresh_from_db()
    assert ondertekend.cvdr_referentie == ""


def test_only_the_secretaris_records_the_publication(als, ondertekend):
    for url, data in ((reverse("arrangementen:publicatie_cvdr", args=[ondertekend.pk]),
                       {"cvdr_referentie": "CVDR1"}),
                      (reverse("arrangementen:publicatie", args=[ondertekend.pk]), {"citeertitel": "X"})):
        assert als(Rol.LEZER).post(url, data).status_code == 403
    ondertekend.refresh_from_db()
    assert (ondertekend.cvdr_referentie, ondertekend.citeertitel) == ("", "")


def test_the_verification_report_names_the_cvdr_publication(ondertekend):
    Arrangement.objects.filter(pk=ondertekend.pk).update(cvdr_referentie="CVDR755740")
    versie = Documentversie.objects.get(document__arrangement=ondertekend)
    controle = verificatie.handtekeningcontrole
    report = controle.VerificationReport(signatures=[controle.SignatureReport(
        field="Certificering_platform", signer="Platform", signed_at=timezone.now(), intact=True, valid=True,
        trusted=True, coverage="ENTIRE_FILE", after="niets", certification=True, timestamp=False)])
    uitslag = verificatie.describe(report=report, versie=versie)
    assert uitslag.document["cvdr"] == "CVDR755740"
    assert uitslag.document["cvdr_link"] == "https://lokaleregelgeving.overheid.nl/CVDR755740"


def test_the_publication_page_reads_in_a_fixed_number_of_queries(als, ondertekend, django_assert_num_queries):
    client = als(Rol.SECRETARIS)
    url = reverse("arrangementen:publicatie", args=[ondertekend.pk])
    client.get(url)  # the session's first read is not the page's
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_the_dekkingskaart_shows_the_cvdr_link_with_the_gemeente(client, ondertekend):
    Arrangement.objects.filter(pk=ondertekend.pk).update(cvdr_referentie="CVDR755740")
    gemeente = ondertekend.partijen.get(organisatie__soort=Organisatie.Soort.GEMEENTE).organisatie.gemeente
    landelijk = GebruikerFactory()
    overzichtsrollen.grant_overview(gebruiker=landelijk, niveau=Overzichtsniveau.LANDELIJK)
    client.force_login(landelijk)
    body = html(client.get(reverse("beeld:gemeente", args=[gemeente.pk])))
    assert '<a class="utrecht-link" href="https://lokaleregelgeving.overheid.nl/CVDR755740" rel="noopener">' \
           'CVDR755740</a>' in body
