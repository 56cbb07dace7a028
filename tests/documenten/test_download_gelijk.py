"""One rule for downloads (arrangementen.selectors.downloadable_version): the site and the API answer the same."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from arrangementen.models import Document, Documentgebeurtenis, Documentversie
from samenwerking.models import Rol

from ..factories import ArrangementFactory, GebruikerFactory, lid


@pytest.fixture
def wereld(driehoek, andere_driehoek):
    people = {"secretaris": Rol.SECRETARIS, "ondertekenaar": Rol.ONDERTEKENAAR, "lezer": Rol.LEZER,
              "coordinator": Rol.COORDINATOR}
    users = {}
    for naam, rol in people.items():
        users[naam] = GebruikerFactory(username=naam)
        lid(users[naam], driehoek, rol)
    users["vreemde"] = GebruikerFactory(username="vreemde")
    lid(users["vreemde"], andere_driehoek, Rol.SECRETARIS)
    return users, ArrangementFactory(driehoek=driehoek, status="vastgesteld")


def add_document(arrangement, user, status, versies: int) -> Document:
    document = Document.objects.create(arrangement=arrangement, referentie=f"HA-{arrangement.pk}", status=status,
                                       aangevraagd_door=user)
    for nummer in range(1, versies + 1):
        data = f"%PDF-1.7 versie {nummer}".encode()
        versie = Documentversie(document=document, volgnummer=nummer, sha256=hashlib.sha256(data).hexdigest(),
                                omschrijving=f"Versie {nummer}")
        versie.bestand.save(f"test-{arrangement.pk}-{nummer}.pdf", ContentFile(data), save=True)
    return document


def both(user, arrangement):
    site = APIClient()  # a plain session client for the site as well; the URLs differ
    site.force_login(user)
    api = APIClient()
    api.force_login(user)
    return (site.get(reverse("arrangementen:document_download", args=[arrangement.pk])),
            api.get(f"/api/v1/arrangementen/{arrangement.pk}/pdf/"))


@pytest.mark.parametrize(("wie", "status"), [("vreemde", 404), ("lezer", 403), ("coordinator", 403)])
def test_site_and_api_refuse_alike(wereld, wie, status):
    users, arrangement = wereld
    add_document(arrangement, users["secretaris"], Document.Status.GEREED, 1)
    site, api = both(users[wie], arrangement)
    assert (site.status_code, api.status_code) == (status, status)
    assert not Documentgebeurtenis.objects.filter(soort=Documentgebeurtenis.Soort.DOWNLOAD).exists()


@pytest.mark.parametrize(("status", "versies"), [(None, 0), (Document.Status.WACHTEND, 0),
                                                 (Document.Status.BEZIG, 1), (Document.Status.MISLUKT, 1)])
def test_without_a_ready_pdf_both_answer_404(wereld, status, versies):
    users, arrangement = wereld
    if status:
        add_document(arrangement, users["secretaris"], status, versies)
    site, api = both(users["secretaris"], arrangement)
    assert (site.status_code, api.status_code) == (404, 404)


@pytest.mark.parametrize("wie", ["secretaris", "ondertekenaar"])
def test_both_hand_over_the_newest_version_of_a_ready_document_and_record_it(wereld, wie):
    users, arrangement = wereld
    add_document(arrangement, users["secretaris"], Document.Status.GEREED, 3)
    site, api = both(users[wie], arrangement)
    assert (site.status_code, api.status_code) == (200, 200)
    assert b"".join(site.streaming_content) == b"".join(api.streaming_content) == b"%PDF-1.7 versie 3"
    downloads = Documentgebeurtenis.objects.filter(soort=Documentgebeurtenis.Soort.DOWNLOAD, door=users[wie])
    assert list(downloads.values_list("documentversie__volgnummer", flat=True)) == [3, 3]
