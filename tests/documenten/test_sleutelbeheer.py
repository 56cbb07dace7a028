"""The beheerder registers an organisation's signing key in the admin: the PKCS#12 file must open with the
passphrase its source names before anything is stored; otherwise the form says why, in Dutch."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify

from arrangementen.models import Ondertekeningssleutel
from arrangementen.pki import create_test_pki

from ..factories import GebruikerFactory, OrganisatieFactory
from .wereld import give_key

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:arrangementen_ondertekeningssleutel_add")
WRONG_FILE = "Het PKCS#12-bestand kan niet worden geopend: verkeerd wachtwoord of geen geldig bestand."


@pytest.fixture
def beheerder(client):
    client.force_login(GebruikerFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def organisatie():
    return OrganisatieFactory(naam="Gemeente Sleutelstad")


@pytest.fixture
def pkcs12(pki, organisatie) -> bytes:
    slug = slugify(organisatie.naam)
    create_test_pki(pki.directory, {slug: organisatie.naam})
    return pki.p12(slug).read_bytes()


def post_key(client, organisatie, data: bytes, bron: str, url: str = ADD_URL):
    return client.post(url, {
        "organisatie": organisatie.pk, "wachtwoord_bron": bron, "is_test": "on",
        "pkcs12": SimpleUploadedFile("sleutel.p12", data, content_type="application/x-pkcs12"),
    })


def test_a_key_that_opens_with_its_passphrase_is_stored_with_its_certificate(beheerder, pki, organisatie, pkcs12):
    response = post_key(beheerder, organisatie, pkcs12, f"bestand:{pki.passphrase_file}")
    assert response.status_code == 302
    key = Ondertekeningssleutel.objects.get(organisatie=organisatie)
    assert key.certificaat_onderwerp == "CN=TEST Gemeente Sleutelstad,O=TEST Gemeente Sleutelstad,C=NL"
    assert key.geldig_tot is not None
    with key.pkcs12.open("rb") as handle:
        assert handle.read() == pkcs12


@pytest.mark.parametrize(("bron", "melding"), [
    ("bestand:{verkeerd}", WRONG_FILE),
    ("env:SLEUTELBEHEER_TEST_NIET_GEZET", "De omgevingsvariabele SLEUTELBEHEER_TEST_NIET_GEZET met het wachtwoord is "
                                          "niet gezet."),
    ("bestand:/bestaat/niet/wachtwoord.txt", "Het wachtwoordbestand /bestaat/niet/wachtwoord.txt kan niet worden "
                                             "gelezen"),
    ("mijn-geheime-wachtwoord", "De bron van het wachtwoord moet &#x27;env:NAAM&#x27; of &#x27;bestand:/pad&#x27; "
                                "zijn."),
], ids=["verkeerd-wachtwoord", "omgevingsvariabele-ontbreekt", "bestand-ontbreekt", "geen-bron"])
def test_a_key_that_does_not_open_is_refused_with_the_reason(beheerder, organisatie, pkcs12, tmp_path, bron, melding):
    verkeerd = tmp_path / "wachtwoord.txt"
    verkeerd.write_text("dit-is-het-niet\n")
    response = post_key(beheerder, organisatie, pkcs12, bron.format(verkeerd=verkeerd))
    assert response.status_code == 200
    assert melding in response.content.decode()
    assert not Ondertekeningssleutel.objects.exists()


def test_a_file_that_is_not_pkcs12_is_refused(beheerder, pki, organisatie):
    geen_pkcs12 = b"-----BEGIN CERTIFICATE-----\nniets\n"
    response = post_key(beheerder, organisatie, geen_pkcs12, f"bestand:{pki.passphrase_file}")
    assert response.status_code == 200
    assert WRONG_FILE in response.content.decode()
    assert not Ondertekeningssleutel.objects.exists()


def test_changing_the_passphrase_source_to_a_wrong_one_keeps_the_working_key(beheerder, pki, organisatie):
    key = give_key(pki, organisatie)
    url = reverse("admin:arrangementen_ondertekeningssleutel_change", args=[key.pk])
    response = beheerder.post(url, {"organisatie": organisatie.pk, "wachtwoord_bron": "env:SLEUTELBEHEER_TEST_LEEG",
                                    "is_test": "on"})
    assert response.status_code == 200
    melding = "De omgevingsvariabele SLEUTELBEHEER_TEST_LEEG met het wachtwoord is niet gezet."
    assert melding in response.content.decode()
    key.refresh_from_db()
    assert key.wachtwoord_bron == f"bestand:{pki.passphrase_file}"
