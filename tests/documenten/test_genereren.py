"""Making the PDF and getting it: request → wachtend → (task) bezig → gereed or mislukt with a reason and
"Probeer opnieuw"; exactly one document per arrangement version however often the task runs; downloads
only with the export permission, and every generation and download recorded and shown."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from arrangementen import documenten, tasks, workflow
from arrangementen.models import Document, Documentgebeurtenis, Documentversie

from .wereld import build_world, latest_bytes, render_now, rolled_back

pytestmark = pytest.mark.django_db

PLATFORMSLEUTEL_ONTBREEKT = ("De platformsleutel (PLATFORM_SIGNING_PKCS12) ontbreekt; de beheerder moet die instellen "
                             "voordat documenten kunnen worden gemaakt.")


@pytest.fixture(scope="module")
def gereed(django_db_setup, django_db_blocker, pki):
    """A world whose PDF has been made (version 1, certified)."""
    with rolled_back(django_db_blocker):
        world = build_world(pki)
        render_now(world)
        yield world


@pytest.fixture
def vastgesteld(pki):
    """A fresh vastgesteld arrangement without a PDF yet (cheap: no rendering)."""
    return build_world(pki)


def document_of(world) -> Document:
    return Document.objects.get(arrangement=world.arrangement)


def detail(client, world) -> str:
    return client.get(reverse("arrangementen:detail", args=[world.arrangement.pk])).content.decode()


# --- requesting and rendering ----------------------------------------------------------------------

def test_request_creates_a_waiting_document_and_renders_it_after_commit(vastgesteld,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)
    assert document.status == Document.Status.WACHTEND
    assert not document.versies.exists()
    assert len(callbacks) == 1

    callbacks[0]()  # the task runs in-process in the unit tests (eager)

    document.refresh_from_db()
    assert (document.status, document.fout) == (Document.Status.GEREED, "")
    [versie] = document.versies.all()
    assert versie.volgnummer == 1
    assert versie.sha256 == hashlib.sha256(latest_bytes(document)).hexdigest()
    [gebeurtenis] = document.gebeurtenissen.all()
    assert (gebeurtenis.soort, gebeurtenis.door, gebeurtenis.documentversie, gebeurtenis.sha256) == (
        Documentgebeurtenis.Soort.GENERATIE, vastgesteld.secretaris, versie, versie.sha256)


def test_requesting_again_returns_the_same_document_and_dispatches_nothing(gereed,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        document = documenten.request_document(arrangement=gereed.arrangement, user=gereed.secretaris)
    assert document == document_of(gereed)
    assert callbacks == []
    assert Document.objects.filter(arrangement=gereed.arrangement).count() == 1


def test_rerunning_the_task_for_a_finished_document_changes_nothing(gereed):
    document = document_of(gereed)
    before = list(document.versies.values_list("pk", "sha256"))
    assert tasks.render_document(document.pk) is False
    assert list(document.versies.values_list("pk", "sha256")) == before
    assert document.gebeurtenissen.count() == 1


def test_a_document_left_bezig_by_a_killed_worker_is_completed_by_the_rerun(vastgesteld,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.BEZIG)  # the worker died mid-render

    assert tasks.render_document(document.pk) is True
    assert tasks.render_document(document.pk) is False  # the redelivered duplicate, too

    document.refresh_from_db()
    assert document.status == Document.Status.GEREED
    assert list(Documentversie.objects.filter(document=document).values_list("volgnummer", flat=True)) == [1]


def test_a_transient_storage_error_leaves_the_document_for_the_retry(vastgesteld, monkeypatch):
    document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)

    def storage_away(_document):
        raise OSError("opslag tijdelijk niet bereikbaar")

    monkeypatch.setattr("arrangementen.pdf.render_arrangement", storage_away)
    with pytest.raises(documenten.TransientRenderError):
        documenten.render_and_certify(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.BEZIG  # not mislukt: the task retries it
    assert not document.versies.exists()


def test_an_unexpected_render_error_fails_the_document_in_dutch_without_internal_names(vastgesteld, monkeypatch):
    document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)

    def broken(_document):
        raise ZeroDivisionError("intern detail")

    monkeypatch.setattr("arrangementen.pdf.render_arrangement", broken)
    assert documenten.render_and_certify(document.pk) is False
    document.refresh_from_db()
    assert document.status == Document.Status.MISLUKT
    assert document.fout.startswith("Het maken van de PDF is mislukt door een fout in de applicatie.")
    assert "ZeroDivisionError" not in document.fout and "intern detail" not in document.fout


def test_request_before_vastgesteld_is_refused(vastgesteld):
    workflow.perform(arrangement=vastgesteld.arrangement, action="intrekken", user=vastgesteld.secretaris,
                     toelichting="Toch niet.")
    with pytest.raises(ValidationError) as excinfo:
        documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)
    assert excinfo.value.messages == ["Een PDF voor ondertekening kan pas worden gemaakt als het arrangement is "
                                      "vastgesteld (nu: ingetrokken)."]
    assert not Document.objects.filter(arrangement=vastgesteld.arrangement).exists()


def test_request_without_the_export_permission_is_refused(vastgesteld):
    with pytest.raises(PermissionDenied):
        documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.leden["lezer"])
    assert not Document.objects.filter(arrangement=vastgesteld.arrangement).exists()


# --- failure, its reason, and "Probeer opnieuw" ----------------------------------------------------

def test_a_missing_platform_key_fails_the_document_with_the_reason(vastgesteld, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.PLATFORM_SIGNING_PKCS12 = "/bestaat/niet/platform.p12"
    with django_capture_on_commit_callbacks(execute=True):
        document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)
    document.refresh_from_db()
    assert (document.status, document.fout) == (Document.Status.MISLUKT, PLATFORMSLEUTEL_ONTBREEKT)
    assert not document.versies.exists()
    assert not document.gebeurtenissen.exists()


def test_a_failed_document_shows_its_reason_and_offers_a_retry_to_who_may_export(client, vastgesteld):
    document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.MISLUKT, fout=PLATFORMSLEUTEL_ONTBREEKT)
    client.force_login(vastgesteld.secretaris)
    html = detail(client, vastgesteld)
    assert f"mislukt</span> — {PLATFORMSLEUTEL_ONTBREEKT}" in html
    assert "Probeer opnieuw" in html
    client.force_login(vastgesteld.leden["lezer"])
    html = detail(client, vastgesteld)
    assert PLATFORMSLEUTEL_ONTBREEKT in html
    assert "Probeer opnieuw" not in html


def test_probeer_opnieuw_after_the_fix_makes_the_pdf(client, vastgesteld, django_capture_on_commit_callbacks):
    document = documenten.request_document(arrangement=vastgesteld.arrangement, user=vastgesteld.secretaris)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.MISLUKT, fout=PLATFORMSLEUTEL_ONTBREEKT)
    client.force_login(vastgesteld.secretaris)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("arrangementen:document_maken", args=[vastgesteld.arrangement.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.fout) == (Document.Status.GEREED, "")
    assert document.versies.count() == 1
    assert "gereed" in detail(client, vastgesteld)


@pytest.mark.parametrize("status", ["wachtend", "bezig", "gereed"])
def test_the_arrangement_page_shows_the_pdf_status(client, gereed, status):
    Document.objects.filter(arrangement=gereed.arrangement).update(status=status)
    client.force_login(gereed.leden["lezer"])
    assert f'<span class="app-status app-status--pdf-{status}">{status}</span>' in detail(client, gereed)


# --- downloads -------------------------------------------------------------------------------------

def download(client, world):
    return client.get(reverse("arrangementen:document_download", args=[world.arrangement.pk]))


@pytest.mark.parametrize("rol", ["secretaris", "ondertekenaar"])
def test_who_may_export_downloads_the_latest_version_and_it_is_recorded(client, gereed, rol):
    user = gereed.leden[rol]
    client.force_login(user)
    response = download(client, gereed)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    document = document_of(gereed)
    assert b"".join(response.streaming_content) == latest_bytes(document)
    gebeurtenis = document.gebeurtenissen.get(soort=Documentgebeurtenis.Soort.DOWNLOAD)
    versie = documenten.latest_version(document)
    assert (gebeurtenis.door, gebeurtenis.documentversie, gebeurtenis.sha256) == (user, versie, versie.sha256)


@pytest.mark.parametrize(("rol", "status"), [("lezer", 403), ("coordinator", 403), ("reviewer", 403),
                                              ("buitenstaander", 404)])
def test_others_cannot_download_and_nothing_is_recorded(client, gereed, rol, status):
    client.force_login(gereed.buitenstaander if rol == "buitenstaander" else gereed.leden[rol])
    assert download(client, gereed).status_code == status
    assert not document_of(gereed).gebeurtenissen.filter(soort=Documentgebeurtenis.Soort.DOWNLOAD).exists()


def test_a_pdf_file_missing_from_storage_answers_404_and_records_no_download(client, gereed, monkeypatch):
    def missing(self, mode="rb"):
        raise FileNotFoundError("weg")

    monkeypatch.setattr("django.db.models.fields.files.FieldFile.open", missing)
    client.force_login(gereed.secretaris)
    response = download(client, gereed)
    assert response.status_code == 404
    assert not document_of(gereed).gebeurtenissen.filter(soort=Documentgebeurtenis.Soort.DOWNLOAD).exists()


def test_anonymous_download_goes_to_the_login_page(client, gereed):
    response = download(client, gereed)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_generation_and_downloads_are_shown_on_the_arrangement_page(client, gereed):
    client.force_login(gereed.secretaris)
    download(client, gereed)
    html = detail(client, gereed)
    versie = documenten.latest_version(document_of(gereed))
    naam = escape(str(gereed.secretaris))  # "van 't Riet" is escaped in the page
    assert f"gemaakt door {naam}" in html
    assert f"gedownload door {naam}" in html
    assert f"SHA-256 {versie.sha256[:19]}…" in html
    assert f"SHA-256 {versie.sha256}" in html  # the newest version, in full
