"""The driehoek's advice on a geweldsmiddelen request (issue 20, item 3): from an arrangement in force, a PDF/A
stating the request, the arrangement it rests on and the advice, certified by the platform in a task started by
name, recorded in the history and listed on the arrangement page; refused, in Dutch, naming the field."""

import datetime
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from arrangementen import handtekeningcontrole, verificatie
from arrangementen.models import Documentversie, Geweldsadvies, Status
from samenwerking.models import Organisatie, Rol
from tests.integration.test_pdf_pipeline import nss_database, pdfsig

from .helpers import html, in_werking_met_pdf, zet_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_werking(wereld, vastgesteld, signing_setup):
    return in_werking_met_pdf(vastgesteld, wereld.leden[Rol.SECRETARIS])


def payload(arrangement, **changes) -> dict:
    bosbeheer = Organisatie.objects.get(naam="Staatsbosbeheer")
    data = {"boa_organisatie": str(bosbeheer.pk), "domein": "II", "middelen": ["handboeien", "wapenstok"],
            "advies": "voorwaardelijk", "motivering": "Alleen na de training geweldsbeheersing.",
            "adviesdatum": (timezone.localdate() - datetime.timedelta(days=2)).isoformat()}
    return {**data, **changes}


def test_the_secretaris_produces_a_signed_advice_document(als, in_werking, tmp_path, signing_setup,
                                                          django_capture_on_commit_callbacks):
    client = als(Rol.SECRETARIS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk]),
                               payload(in_werking))
    assert response.status_code == 302
    advies = Geweldsadvies.objects.get(arrangement=in_werking)
    assert advies.status == Geweldsadvies.Status.GEREED, advies.fout
    signed = Documentversie.objects.get(document__arrangement=in_werking)
    assert advies.arrangement_sha256 == signed.sha256
    assert advies.referentie == f"{signed.document.referentie}-GA01"
    path = tmp_path / "advies.pdf"
    with advies.bestand.open("rb") as handle:
        path.write_bytes(handle.read())
    [signature] = pdfsig(nss_database(tmp_path, signing_setup.ca_pem), path)
    assert signature["Signature Validation"] == "Signature is Valid."
    assert signature["Certificate Validation"] == "Certificate is Trusted."
    uitslag = verificatie.describe(report=handtekeningcontrole.verify(path.read_bytes()), versie=None)
    assert (uitslag.soort, uitslag.kop) == (verificatie.GELDIG, "Geldig")
    assert uitslag.tekst.startswith("gecertificeerd door het platform; dit document heeft geen handtekeningvelden")
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True,
                                   timeout=60).stdout.split())
    for expected in ("Staatsbosbeheer", "II – Milieu, welzijn en infrastructuur", "handboeien, korte wapenstok",
                     "positief onder voorwaarden", "Alleen na de training geweldsbeheersing.",
                     signed.document.referentie, signed.sha256, "Versie 1", in_werking.titel):
        assert expected in text, expected
    assert advies.history.filter(history_user=advies.aangevraagd_door).count() >= 2  # vastgelegd, gemaakt
    history = html(client.get(reverse("arrangementen:geschiedenis", args=[in_werking.pk])))
    assert f"Advies over geweldsmiddelen {advies.referentie}" in history
    detail = html(client.get(reverse("arrangementen:detail", args=[in_werking.pk])))
    assert reverse("arrangementen:geweldsadvies_download", args=[in_werking.pk, advies.pk]) in detail
    download = client.get(reverse("arrangementen:geweldsadvies_download", args=[in_werking.pk, advies.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == path.read_bytes()


def test_a_domein_the_arrangement_does_not_cover_is_refused_naming_the_field(als, in_werking):
    response = als(Rol.SECRETARIS).post(reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk]),
                                        payload(in_werking, domein="IV"))
    assert response.status_code == 200
    body = html(response)
    assert "Domein: dit arrangement regelt geen inzet van boa&#x27;s in IV – Openbaar vervoer." in body
    assert "Alleen na de training geweldsbeheersing." in body  # typed input kept
    assert re.search(r'value="wapenstok"[^>]*checked', body) and not re.search(r'value="pepperspray"[^>]*checked', body)
    assert not Geweldsadvies.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("boa_organisatie", "politie", "BOA-organisatie: kies een partij van dit arrangement die boa"),
    ("middelen", [], "Gevraagde geweldsmiddelen: kies ten minste één geweldsmiddel."),
    ("adviesdatum", "2999-01-01", "Datum van het advies: vul de dag in waarop de driehoek adviseerde"),
    ("motivering", "", "Motivering: schrijf waarom de driehoek zo adviseert."),
])
def test_each_wrong_answer_is_named(als, in_werking, field, value, message):
    if value == "politie":
        value = str(in_werking.partijen.get(organisatie__soort=Organisatie.Soort.POLITIE).organisatie_id)
    response = als(Rol.SECRETARIS).post(reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk]),
                                        payload(in_werking, **{field: value}))
    assert response.status_code == 200
    assert message in html(response).replace("&#x27;", "'")
    assert not Geweldsadvies.objects.exists()


@pytest.mark.parametrize(("setup", "reason"), [
    ("concept", "nog niet door alle partijen ondertekend (status: concept)"),
    ("verlopen", "Dit arrangement is verlopen."),
])
def test_no_advice_rests_on_an_arrangement_not_in_force(als, in_werking, setup, reason):
    if setup == "concept":
        zet_status(in_werking, Status.CONCEPT)
    else:
        zet_status(in_werking, Status.ONDERTEKEND, geldig_tot=timezone.localdate() - datetime.timedelta(days=1))
    url = reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk])
    client = als(Rol.SECRETARIS)
    assert reason in html(client.get(url))
    response = client.post(url, payload(in_werking))
    assert reason in html(response)
    assert not Geweldsadvies.objects.exists()


def test_only_the_secretaris_records_advice_and_another_driehoek_sees_nothing(als, client, wereld, in_werking):
    url = reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk])
    assert als(Rol.LEZER).post(url, payload(in_werking)).status_code == 403
    client.force_login(wereld.vreemden[Rol.SECRETARIS])
    assert client.post(url, payload(in_werking)).status_code == 404
    assert not Geweldsadvies.objects.exists()


def test_the_advice_form_reads_in_a_fixed_number_of_queries(als, in_werking, django_assert_num_queries):
    client = als(Rol.SECRETARIS)
    url = reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk])
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_more_advice_on_the_arrangement_page_costs_no_query(als, in_werking, django_assert_num_queries):
    client = als(Rol.SECRETARIS)
    url = reverse("arrangementen:detail", args=[in_werking.pk])
    bosbeheer = Organisatie.objects.get(naam="Staatsbosbeheer")

    def add(nummer):
        Geweldsadvies.objects.create(
            arrangement=in_werking, volgnummer=nummer, referentie=f"GA-{nummer}", boa_organisatie=bosbeheer,
            domein="I", middelen=["handboeien"], advies="positief", motivering="Ja.",
            adviesdatum=timezone.localdate(), arrangement_referentie="HA", arrangement_versie=1,
            arrangement_sha256="0" * 64, aangevraagd_door=in_werking.aangemaakt_door,
            status=Geweldsadvies.Status.GEREED)

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for nummer in (2, 3, 4):
        add(nummer)
    with django_assert_num_queries(len(one), info="meer adviezen, meer queries"):
        body = html(client.get(url))
    assert body.count(">PDF GA-") == 4  # each advice with its download link
