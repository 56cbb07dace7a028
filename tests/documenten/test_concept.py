"""The CONCEPT PDF (issue 13, item 5): any reader of the arrangement downloads it at any stage before the
vaststelling; "CONCEPT — niet vastgesteld" on every page; not signed, not certified, not archived (no Document),
not cached; after the vaststelling the signed PDF takes its place."""

import re
import subprocess

import pytest
from django.urls import reverse

from arrangementen import services
from arrangementen.models import Document, Documentversie
from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, OnderwerpFactory, lid
from .wereld import build_world, pdf_reader

pytestmark = pytest.mark.django_db

WATERMERK = "CONCEPT — niet vastgesteld"


@pytest.fixture
def concept():
    driehoek = DriehoekFactory()
    coordinator, lezer = GebruikerFactory(), GebruikerFactory()
    lid(coordinator, driehoek, Rol.COORDINATOR)
    lid(lezer, driehoek, Rol.LEZER)
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Arrangement in wording",
                                              start="leeg")
    services.update_arrangement(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                                data={"doel": "Samen veilig.", "opzegtermijn_maanden": 3})
    arrangement.refresh_from_db()
    for index in range(12):  # enough text for more than one page
        arrangement.refresh_from_db()
        services.add_afspraak(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                              onderwerp=OnderwerpFactory(niveau="tactisch", naam="Samenwerking"),
                              titel=f"Afspraak {index + 1}", tekst="Partijen stemmen af.\n" * 6,
                              verantwoordelijke="gezamenlijk")
    arrangement.refresh_from_db()
    return arrangement, lezer


def pages_text(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "concept.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    return [" ".join(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                                    text=True, check=True, timeout=60).stdout.split()) for n in range(1, count + 1)]


def test_a_reader_downloads_a_concept_marked_on_every_page(client, concept, tmp_path):
    arrangement, lezer = concept
    client.force_login(lezer)
    response = client.get(reverse("arrangementen:document_concept", args=[arrangement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="arrangement-in-wording-versie-1-concept.pdf"'
    pages = pages_text(response.content, tmp_path)
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert WATERMERK in text, number
    assert "Komen het volgende overeen:" in pages[1] or "Komen het volgende overeen:" in " ".join(pages)


def test_the_concept_is_not_signed_certified_archived_or_cached(client, concept, tmp_path):
    arrangement, lezer = concept
    client.force_login(lezer)
    response = client.get(reverse("arrangementen:document_concept", args=[arrangement.pk]))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache"} <= cache_control
    path = tmp_path / "concept.pdf"
    path.write_bytes(response.content)
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "does not contain any signatures" in pdfsig.stdout + pdfsig.stderr
    root = pdf_reader(response.content).root
    assert "/AcroForm" not in root and "/Perms" not in root
    assert not Document.objects.filter(arrangement=arrangement).exists()
    assert not Documentversie.objects.exists()


def test_the_arrangement_page_links_to_the_concept_pdf(client, concept):
    arrangement, lezer = concept
    client.force_login(lezer)
    page = client.get(arrangement.get_absolute_url()).content.decode()
    url = reverse("arrangementen:document_concept", args=[arrangement.pk])
    assert re.search(rf'<a class="utrecht-link" href="{url}" download>Concept-PDF downloaden</a>', page)


def test_after_the_vaststelling_there_is_no_concept_but_the_pdf_for_signing(client, pki):
    world = build_world(pki)
    client.force_login(world.leden[Rol.LEZER])
    url = reverse("arrangementen:document_concept", args=[world.arrangement.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[0][0] == f"{world.arrangement.get_absolute_url()}#document"
    page = response.content.decode()
    assert "Een concept-PDF is er alleen vóór de vaststelling. Dit arrangement is vastgesteld" in page
    assert url not in page
    assert not Document.objects.filter(arrangement=world.arrangement).exists()
