"""Signing as the e-signature tools do it: the secretaris chooses sequential or parallel, each signer gets one
"uw beurt" mail and reminders once per period until signed, the secretaris sees progress and can remind by hand
(once per hour), a stale page or a missing plaats signs nothing, and the last signature mails everyone."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from arrangementen import documenten, handtekeningcontrole, ondertekenmails, tasks
from arrangementen.models import Document, Documentgebeurtenis, Documentversie, Handtekening, Signalering
from samenwerking.models import Auditregel
from tests.integration.test_pdf_pipeline import nss_database, pdfsig

from ..factories import TEST_PASSWORD
from ..mfa import app_code, code_for
from .wereld import build_world, latest_bytes

pytestmark = pytest.mark.django_db

BEURT = re.compile(r"U kunt '.*' ondertekenen")
HERINNERING = re.compile(r"Herinnering: '.*' wacht op uw handtekening")
KLAAR = re.compile(r"'.*' is door alle partijen ondertekend")


def start(world, volgorde, capture) -> Document:
    """The secretaris starts the signing; rendering and the mails run as the tasks would (eager, on commit)."""
    with capture(execute=True):
        document = documenten.request_document(arrangement=world.arrangement, user=world.secretaris,
                                               volgorde=volgorde)
        assert documenten.render_and_certify(document.pk)
    document.refresh_from_db()
    return document


def sign(world, document, index, capture, **extra) -> Handtekening:
    user = world.ondertekenaars[index]
    with capture(execute=True):
        return documenten.sign_document(document=document, partij=world.partijen[index], user=user,
                                        password=TEST_PASSWORD, code=app_code(user), location="Zeist", **extra)


def sent(pattern) -> list[str]:
    """The recipients of the mails whose subject matches, one entry per mail and recipient."""
    return sorted(address for m in mail.outbox if pattern.search(m.subject) for address in m.to)


def emails(users) -> list[str]:
    return sorted(u.email for u in users)


@pytest.fixture
def world(pki):
    return build_world(pki)


def test_parallel_signing_in_reverse_order_keeps_every_signature_valid_for_pyhanko_and_pdfsig(
        world, django_capture_on_commit_callbacks, tmp_path, pki):
    document = start(world, Document.Volgorde.PARALLEL, django_capture_on_commit_callbacks)
    assert document.volgorde == "parallel"
    assert document.history.first().volgorde == "parallel"
    # Every signer was told at once, exactly once.
    assert sent(BEURT) == emails(world.ondertekenaars)
    for index in (2, 0, 1):
        sign(world, document, index, django_capture_on_commit_callbacks)
    world.arrangement.refresh_from_db()
    assert world.arrangement.status == "ondertekend"
    assert sent(BEURT) == emails(world.ondertekenaars)  # signing sent no second "uw beurt"

    data = latest_bytes(document)
    report = handtekeningcontrole.verify(data)
    assert len(report.signatures) == 4 and report.all_valid
    path = tmp_path / "parallel.pdf"
    path.write_bytes(data)
    poppler = pdfsig(nss_database(tmp_path, pki.ca_pem), path)
    assert len(poppler) == 4
    assert {s["Signature Validation"] for s in poppler} == {"Signature is Valid."}

    # The completion mail: every signer and the secretaris, once, with a link to the PDF behind the login.
    assert sent(KLAAR) == emails([*world.ondertekenaars, world.secretaris])
    klaar = next(m for m in mail.outbox if KLAAR.search(m.subject))
    assert reverse("arrangementen:document_download", args=[world.arrangement.pk]) in klaar.body
    assert not klaar.attachments
    ondertekenmails.announce(document_id=document.pk)
    assert len(sent(KLAAR)) == 4


def test_sequential_tells_the_next_signer_only_when_the_previous_party_signed(world,
                                                                              django_capture_on_commit_callbacks):
    document = start(world, Document.Volgorde.VOLGORDELIJK, django_capture_on_commit_callbacks)
    first, second, _third = world.ondertekenaars
    assert sent(BEURT) == [first.email]
    link = reverse("arrangementen:document_ondertekenen", args=[world.arrangement.pk])
    beurt = next(m for m in mail.outbox if BEURT.search(m.subject))
    assert re.search(rf"https?://[^/\s]+{re.escape(link)}", beurt.body)
    with pytest.raises(ValidationError, match=f"eerst {world.partijen[0].organisatie}"):
        sign(world, document, 2, django_capture_on_commit_callbacks)
    sign(world, document, 0, django_capture_on_commit_callbacks)
    assert sent(BEURT) == emails([first, second])
    with pytest.raises(ValidationError, match="al getekend"):
        sign(world, document, 0, django_capture_on_commit_callbacks)
    assert sent(BEURT) == emails([first, second])


def test_an_unknown_order_is_refused_in_dutch(world):
    with pytest.raises(ValidationError, match="na elkaar of tegelijk"):
        documenten.request_document(arrangement=world.arrangement, user=world.secretaris, volgorde="willekeurig")
    assert not Document.objects.filter(arrangement=world.arrangement).exists()


def test_reminders_once_per_period_until_signed(world, django_capture_on_commit_callbacks, settings):
    settings.ONDERTEKENING_HERINNERING_DAGEN = 3
    document = start(world, Document.Volgorde.PARALLEL, django_capture_on_commit_callbacks)
    now = timezone.now()
    for days, expected in ((1, 0), (3, 3), (4, 3), (6, 5)):
        for _run in range(2):  # a second run of the beat sends nothing twice
            with django_capture_on_commit_callbacks(execute=True):
                ids = ondertekenmails.claim_reminders(now=now + datetime.timedelta(days=days, minutes=1))
                for pk in ids:
                    tasks.send_signal(pk)
            assert len(sent(HERINNERING)) == expected, days
        if days == 4:
            sign(world, document, 1, django_capture_on_commit_callbacks)
    # The partij that signed after day 4 got no reminder for day 6.
    assert sent(HERINNERING).count(world.ondertekenaars[1].email) == 1
    assert sent(HERINNERING).count(world.ondertekenaars[0].email) == 2


def test_a_stale_page_signs_nothing(world, django_capture_on_commit_callbacks):
    document = start(world, Document.Volgorde.PARALLEL, django_capture_on_commit_callbacks)
    shown = documenten.latest_version(document).sha256
    sign(world, document, 0, django_capture_on_commit_callbacks, expected_sha256=shown)
    with pytest.raises(ValidationError, match="gewijzigd sinds u de pagina opende"):
        sign(world, document, 1, django_capture_on_commit_callbacks, expected_sha256=shown)
    assert Handtekening.objects.filter(document=document).count() == 1
    assert Documentversie.objects.filter(document=document).count() == 2


def test_the_secretaris_reminds_by_hand_once_per_hour(world, django_capture_on_commit_callbacks, client):
    document = start(world, Document.Volgorde.VOLGORDELIJK, django_capture_on_commit_callbacks)
    url = reverse("arrangementen:document_herinneren", args=[world.arrangement.pk, world.partijen[0].pk])
    client.force_login(world.secretaris)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Herinnering gestuurd aan 1 ondertekenaar" in response.content.decode()
    assert sent(HERINNERING) == [world.ondertekenaars[0].email]
    assert Documentgebeurtenis.objects.filter(document=document, soort="herinnering", door=world.secretaris).exists()
    assert Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.ONDERTEKEND,
                                     gebruiker_id=world.secretaris.pk, details__herinnering__isnull=False).exists()
    # A different body: not the double-submit guard's replay (samenwerking.beveiliging), but a new request.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"poging": "2"})
    assert response.status_code == 302
    refused = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("het afgelopen uur al een herinnering gestuurd" in m for m in refused), refused
    assert sent(HERINNERING) == [world.ondertekenaars[0].email]
    # A partij that is not at turn in sequential mode, and a signer instead of the secretaris: refused.
    with pytest.raises(ValidationError, match="nog niet aan de beurt"):
        ondertekenmails.remind_by_hand(document=document, partij=world.partijen[1], user=world.secretaris)
    with pytest.raises(PermissionDenied):
        ondertekenmails.remind_by_hand(document=document, partij=world.partijen[0], user=world.ondertekenaars[0])
    # The page shows when the invitation and the last reminder went out.
    html = client.get(world.arrangement.get_absolute_url()).content.decode()
    assert "uitnodiging verstuurd op" in html and "laatste herinnering op" in html
    assert "nog niet aan de beurt" in html


def test_the_sign_page_shows_the_version_preselects_and_requires_the_plaats(world, django_capture_on_commit_callbacks,
                                                                          client):
    document = start(world, Document.Volgorde.PARALLEL, django_capture_on_commit_callbacks)
    user = world.ondertekenaars[1]
    client.force_login(user)
    url = reverse("arrangementen:document_ondertekenen", args=[world.arrangement.pk])
    html = client.get(url).content.decode()
    versie = documenten.latest_version(document)
    assert versie.sha256 in html
    assert reverse("arrangementen:document_download", args=[world.arrangement.pk]) in html
    assert re.search(rf'value="{world.partijen[1].pk}"[^>]*checked', html)
    # On the dashboard: waiting for this signer.
    dashboard = client.get(reverse("samenwerking:dashboard")).content.decode()
    blok = dashboard.split('id="blok-ondertekenen"')[1].split("</section>")[0]
    assert "Te ondertekenen" in blok and world.arrangement.titel in blok

    data = {"partij": world.partijen[1].pk, "plaats": "", "wachtwoord": TEST_PASSWORD,
            "verificatiecode": code_for(user), "sha256": versie.sha256}
    html = client.post(url, data).content.decode()
    assert "Vul de plaats van ondertekening in." in html
    assert Handtekening.objects.filter(document=document).count() == 0

    # Another party signs meanwhile: the page's version is stale, the form keeps the plaats and shows the new one.
    sign(world, document, 0, django_capture_on_commit_callbacks)
    response = client.post(url, {**data, "plaats": "Zeist", "verificatiecode": code_for(user)})
    html = response.content.decode()
    assert "gewijzigd sinds u de pagina opende" in html
    assert 'value="Zeist"' in html
    assert documenten.latest_version(document).sha256 in html
    assert Handtekening.objects.filter(document=document).count() == 1


def test_the_arrangement_page_says_when_all_parties_signed(world, django_capture_on_commit_callbacks, client):
    document = start(world, Document.Volgorde.PARALLEL, django_capture_on_commit_callbacks)
    for index in (1, 2, 0):
        sign(world, document, index, django_capture_on_commit_callbacks)
    client.force_login(world.secretaris)
    html = client.get(world.arrangement.get_absolute_url()).content.decode()
    last = Handtekening.objects.filter(document=document).order_by("-getekend_op").first().getekend_op
    datum = timezone.localtime(last)
    assert re.search(rf"Ondertekend door alle partijen op {datum.day} \w+ {datum.year}", html)
    assert not Signalering.objects.filter(arrangement=world.arrangement,
                                          status=Signalering.Verzending.MISLUKT).exists()
