"""The advice on geweldsmiddelen signed by the driehoek's partijen too (issue 20, item 3): chosen when asked, the
certified PDF carries a field per partij of the arrangement; each partij's ondertekenaar signs it like the
arrangement (right, capacity, password, second factor, key); one mail per ondertekenaar; "ondertekend" when every
partij signed; pdfsig shows the platform's certification plus every partij's signature valid."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from arrangementen import adviesmails, adviesondertekening, geweldsadviezen, handtekeningcontrole, verificatie
from arrangementen.models import Adviesondertekening, Geweldsadvies, Signalering
from samenwerking import tweestaps
from samenwerking.models import Organisatie, Rol

from ..documenten.poppler import nss_database, pdfsig
from ..factories import TEST_PASSWORD, GebruikerFactory, lid
from ..mfa import code_for, complete_second_step
from .helpers import html, in_werking_met_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_werking(wereld, vastgesteld, signing_setup):
    return in_werking_met_pdf(vastgesteld, wereld.leden[Rol.SECRETARIS])


@pytest.fixture
def tekenaars(in_werking, signing_setup):
    """Per partij of the arrangement: its organisation's TEST key and one ondertekenaar with an authenticator app."""
    people = {}
    for partij in in_werking.partijen.select_related("organisatie").order_by("volgorde", "pk"):
        if not hasattr(partij.organisatie, "ondertekeningssleutel"):
            signing_setup.add_key(partij.organisatie)
        user = GebruikerFactory(organisatie=partij.organisatie)
        lid(user, in_werking.driehoek, Rol.ONDERTEKENAAR)
        TOTPDevice.objects.create(user=user, name=tweestaps.APP_NAME, confirmed=True)
        people[partij] = user
    return people


def gegevens(**changes) -> geweldsadviezen.Adviesgegevens:
    data = {"boa_organisatie": Organisatie.objects.get(naam="Staatsbosbeheer"), "domein": "II",
            "middelen": ["handboeien"], "advies": "positief", "motivering": "De boa's zijn getraind.",
            "adviesdatum": timezone.localdate() - datetime.timedelta(days=1), "met_partijen": True}
    return geweldsadviezen.Adviesgegevens(**{**data, **changes})


def ask(arrangement, user, capture, **changes) -> Geweldsadvies:
    """Request the advice and run the render task and the mail tasks (in-process, on commit)."""
    with capture(execute=True):
        advies = geweldsadviezen.request_advies(arrangement=arrangement, user=user, gegevens=gegevens(**changes))
    advies.refresh_from_db()
    assert advies.status == Geweldsadvies.Status.GEREED, advies.fout
    return advies


def sign(advies, partij, user, capture, **kwargs) -> Adviesondertekening:
    with capture(execute=True):
        return adviesondertekening.sign_advies(advies=advies, partij=partij, user=user, password=TEST_PASSWORD,
                                               code=code_for(user), location="Zeist", **kwargs)


def current_bytes(advies) -> bytes:
    bestand, _sha = adviesondertekening.latest_state(Geweldsadvies.objects.get(pk=advies.pk))
    with bestand.open("rb") as handle:
        return handle.read()


def message(excinfo) -> str:
    return " ".join(excinfo.value.messages) if hasattr(excinfo.value, "messages") else str(excinfo.value)


def test_every_partij_signs_and_pdfsig_shows_the_certification_and_every_signature_valid(
        client, wereld, in_werking, tekenaars, tmp_path, signing_setup, django_capture_on_commit_callbacks):
    secretaris = wereld.leden[Rol.SECRETARIS]
    advies = ask(in_werking, secretaris, django_capture_on_commit_callbacks)
    report = handtekeningcontrole.verify(current_bytes(advies))
    assert sorted(report.unsigned_fields) == sorted(
        adviesondertekening.signing.field_name(p) for p in tekenaars)
    for partij, user in tekenaars.items():
        sign(advies, partij, user, django_capture_on_commit_callbacks)
        advies.refresh_from_db()
    assert advies.ondertekend_op is not None
    path = tmp_path / "advies.pdf"
    path.write_bytes(current_bytes(advies))
    signatures = pdfsig(nss_database(tmp_path, signing_setup.ca_pem), path)
    assert len(signatures) == 1 + len(tekenaars)
    for signature in signatures:
        assert signature["Signature Validation"] == "Signature is Valid."
        assert signature["Certificate Validation"] == "Certificate is Trusted."
    names = {s["Signer Certificate Common Name"] for s in signatures}
    for partij in tekenaars:
        assert partij.organisatie.naam in " ".join(names), partij.organisatie.naam
    # every step in the history, with the acting user
    for partij, user in tekenaars.items():
        row = Adviesondertekening.objects.get(advies=advies, partij=partij)
        assert row.ondertekenaar == user
        assert row.history.get().history_user == user
    assert advies.history.filter(history_change_reason__startswith="Advies door alle partijen ondertekend"
                                 ).get().history_user == list(tekenaars.values())[-1]
    client.force_login(secretaris)
    history = html(client.get(reverse("arrangementen:geschiedenis", args=[in_werking.pk])))
    *eerst, (laatste_partij, laatste) = tekenaars.items()
    for partij, user in eerst:
        assert re.search(f"door {re.escape(escape(user.get_full_name()))} op [^<]* — Advies ondertekend voor "
                         f"{re.escape(str(partij.organisatie))}", history)
    assert re.search(f"door {re.escape(escape(laatste.get_full_name()))} op [^<]* — Advies door alle partijen "
                     "ondertekend, "
                     f"als laatste voor {re.escape(str(laatste_partij.organisatie))}", history)


def test_the_verification_report_names_the_advice_and_its_signers(
        wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    [(partij, user), *rest] = tekenaars.items()
    sign(advies, partij, user, django_capture_on_commit_callbacks)
    data = current_bytes(advies)
    state = adviesondertekening.find_state(adviesondertekening.documentopslag.sha256(data))
    uitslag = verificatie.describe(report=handtekeningcontrole.verify(data), versie=None, advies=state)
    assert uitslag.document["referentie"] == advies.referentie
    assert "Advies over geweldsmiddelen voor Staatsbosbeheer" in uitslag.document["titel"]
    assert uitslag.soort == verificatie.DEELS
    wie = [regel.wie for regel in uitslag.regels]
    assert any(user.get_full_name() in w and str(partij.organisatie) in w for w in wie)
    assert {str(p.organisatie) for p, _u in rest} <= set(wie)  # the empty fields, named by partij
    response = wereld_client_verify(data)
    assert advies.referentie in response
    assert user.get_full_name() in response


def wereld_client_verify(data: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    response = Client().post(reverse("verifieer"), {"bestand": SimpleUploadedFile("a.pdf", data)})
    assert response.status_code == 200
    return html(response)


def test_each_ondertekenaar_gets_one_turn_mail_and_one_completion_mail_also_when_announced_twice(
        wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        adviesondertekening.announce_ready(advies.pk)  # a rerun of the task claims nothing new
    turn = [m for m in mail.outbox if "U kunt advies" in m.subject]
    assert sorted(m.to[0] for m in turn) == sorted(u.email for u in tekenaars.values())
    assert all(reverse("arrangementen:geweldsadvies_ondertekenen", args=[in_werking.pk, advies.pk]) in m.body
               for m in turn)
    for partij, user in tekenaars.items():
        sign(advies, partij, user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        adviesondertekening.announce_ready(advies.pk)
    done = [m.to[0] for m in mail.outbox if "door alle partijen ondertekend" in m.subject]
    assert len(done) == len(set(done))
    assert {u.email for u in tekenaars.values()} | {wereld.leden[Rol.SECRETARIS].email} <= set(done)
    assert len([m for m in mail.outbox if "U kunt advies" in m.subject]) == len(tekenaars)
    assert Signalering.objects.filter(soort=Signalering.Soort.ADVIES_TEKENBEURT).count() == len(tekenaars)


# --- refusals: a Dutch message, nothing written -------------------------------------------------------

def assert_nothing_written(advies, before: bytes):
    assert not Adviesondertekening.objects.filter(advies=advies).exists()
    assert current_bytes(advies) == before
    assert Geweldsadvies.objects.get(pk=advies.pk).ondertekend_op is None


def test_signing_twice_for_one_partij_is_refused(wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    [(partij, user), *_rest] = tekenaars.items()
    sign(advies, partij, user, django_capture_on_commit_callbacks)
    before = current_bytes(advies)
    with pytest.raises(ValidationError) as excinfo:
        sign(advies, partij, user, django_capture_on_commit_callbacks)
    assert message(excinfo) == f"Voor {partij.organisatie} is dit advies al ondertekend."
    assert Adviesondertekening.objects.filter(advies=advies).count() == 1
    assert current_bytes(advies) == before


def test_signing_for_a_partij_that_is_not_yours_is_refused(
        wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    [(eerste, _u), (_tweede, ander), *_rest] = tekenaars.items()
    before = current_bytes(advies)
    with pytest.raises(PermissionDenied) as excinfo:
        sign(advies, eerste, ander, django_capture_on_commit_callbacks)
    assert str(excinfo.value).startswith(f"U kunt niet tekenen voor {eerste.organisatie}: dat is niet uw organisatie")
    assert_nothing_written(advies, before)


def test_signing_before_the_platform_pdf_is_ready_is_refused(wereld, in_werking, tekenaars):
    advies = geweldsadviezen.request_advies(arrangement=in_werking, user=wereld.leden[Rol.SECRETARIS],
                                            gegevens=gegevens())  # no commit here: the render task did not run
    [(partij, user), *_rest] = tekenaars.items()
    with pytest.raises(ValidationError) as excinfo:
        adviesondertekening.sign_advies(advies=advies, partij=partij, user=user, password=TEST_PASSWORD,
                                        code=code_for(user))
    assert message(excinfo) == "De PDF van dit advies is nog niet klaar om te ondertekenen."
    assert not Adviesondertekening.objects.filter(advies=advies).exists()


def test_a_wrong_password_is_refused(wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    [(partij, user), *_rest] = tekenaars.items()
    before = current_bytes(advies)
    with pytest.raises(ValidationError) as excinfo:
        adviesondertekening.sign_advies(advies=advies, partij=partij, user=user, password="fout",
                                        code=code_for(user))
    assert excinfo.value.message_dict == {"wachtwoord": ["Het wachtwoord klopt niet. Uw handtekening is niet gezet."]}
    assert_nothing_written(advies, before)


def test_a_key_whose_passphrase_does_not_open_it_is_refused(
        wereld, in_werking, tekenaars, django_capture_on_commit_callbacks, tmp_path):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    [(partij, user), *_rest] = tekenaars.items()
    wrong = tmp_path / "fout-wachtwoord"
    wrong.write_text("niet-het-wachtwoord")
    key = partij.organisatie.ondertekeningssleutel
    key.wachtwoord_bron = f"bestand:{wrong}"
    key.save()
    before = current_bytes(advies)
    with pytest.raises(ValidationError) as excinfo:
        sign(advies, partij, user, django_capture_on_commit_callbacks)
    assert message(excinfo).startswith(f"De ondertekeningssleutel van {partij.organisatie} is niet bruikbaar")
    assert_nothing_written(advies, before)


def test_an_advice_signed_by_the_platform_only_has_no_fields_and_refuses_a_partij(
        wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks, met_partijen=False)
    assert handtekeningcontrole.verify(current_bytes(advies)).party_fields == []
    [(partij, user), *_rest] = tekenaars.items()
    with pytest.raises(ValidationError) as excinfo:
        sign(advies, partij, user, django_capture_on_commit_callbacks)
    assert message(excinfo) == "Dit advies wordt alleen door het platform ondertekend; de partijen tekenen het niet."
    assert not Adviesondertekening.objects.filter(advies=advies).exists()


# --- pages ----------------------------------------------------------------------------------------------

def test_the_secretaris_chooses_party_signatures_and_an_ondertekenaar_signs_in_the_browser_form(
        client, wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    client.force_login(wereld.leden[Rol.SECRETARIS])
    payload = {"boa_organisatie": str(Organisatie.objects.get(naam="Staatsbosbeheer").pk), "domein": "II",
               "middelen": ["handboeien"], "advies": "positief", "motivering": "Getraind.",
               "adviesdatum": timezone.localdate().isoformat(), "met_partijen": "ja"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("arrangementen:geweldsadvies_nieuw", args=[in_werking.pk]), payload)
    assert response.status_code == 302
    advies = Geweldsadvies.objects.get(arrangement=in_werking)
    assert advies.met_partijen
    [(partij, user), *_rest] = tekenaars.items()
    client.force_login(user)
    complete_second_step(client, user)
    url = reverse("arrangementen:geweldsadvies_ondertekenen", args=[in_werking.pk, advies.pk])
    assert f"Advies {advies.referentie} ondertekenen" in html(client.get(reverse("arrangementen:detail",
                                                                                 args=[in_werking.pk])))
    page = html(client.get(url))
    assert str(partij.organisatie) in page and "Onderteken het advies" in page
    _bestand, sha = adviesondertekening.latest_state(advies)
    wrong = client.post(url, {"partij": partij.pk, "plaats": "Zeist", "wachtwoord": "fout",
                              "verificatiecode": code_for(user), "sha256": sha})
    assert wrong.status_code == 200
    assert "Het wachtwoord klopt niet" in html(wrong) and 'value="Zeist"' in html(wrong)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"partij": partij.pk, "plaats": "Zeist", "wachtwoord": TEST_PASSWORD,
                                     "verificatiecode": code_for(user), "sha256": sha})
    assert response.status_code == 302
    detail = html(client.get(reverse("arrangementen:detail", args=[in_werking.pk])))
    assert f"getekend door {user.get_full_name()}" in detail
    assert f"Advies {advies.referentie} ondertekenen" not in detail  # nothing left for this ondertekenaar


def test_a_reviewer_may_not_open_the_signing_page(als, in_werking, tekenaars, wereld,
                                                  django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    url = reverse("arrangementen:geweldsadvies_ondertekenen", args=[in_werking.pk, advies.pk])
    assert als(Rol.REVIEWER).get(url).status_code == 403


@pytest.mark.parametrize("lezer", ["secretaris", "ondertekenaar"])
def test_the_arrangement_page_reads_the_same_number_of_queries_for_one_or_three_signed_adviezen(
        client, in_werking, tekenaars, wereld, lezer):
    partijen = list(tekenaars.items())
    user = wereld.leden[Rol.SECRETARIS] if lezer == "secretaris" else partijen[1][1]
    client.force_login(user)
    complete_second_step(client, user)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("arrangementen:detail", args=[in_werking.pk]))
            assert response.status_code == 200
        return len(context.captured_queries), html(response)

    def add(nummer: int) -> None:
        advies = Geweldsadvies.objects.create(
            arrangement=in_werking, volgnummer=nummer, referentie=f"GA-{nummer}", met_partijen=True,
            boa_organisatie=Organisatie.objects.get(naam="Staatsbosbeheer"), domein="II", middelen=["handboeien"],
            advies="positief", motivering="m", adviesdatum=timezone.localdate(), arrangement_referentie="HA",
            arrangement_versie=1, arrangement_sha256="0" * 64, aangevraagd_door=wereld.leden[Rol.SECRETARIS],
            status=Geweldsadvies.Status.GEREED)
        partij, user = partijen[0]
        Adviesondertekening.objects.create(advies=advies, partij=partij, veldnaam="v", ondertekenaar=user,
                                           bestand="adviezen/x.pdf", sha256=f"{nummer:064d}")

    add(1)
    one, _page = queries()
    add(2)
    add(3)
    three, page = queries()
    assert three == one
    # the second partij has not signed any of them: its ondertekenaar gets a link per advice, the secretaris none
    links = re.findall(r"Advies GA-\d ondertekenen", page)
    assert len(links) == (3 if lezer == "ondertekenaar" else 0)


def test_a_turn_mail_not_yet_sent_is_skipped_once_its_partij_has_signed(
        wereld, in_werking, tekenaars, django_capture_on_commit_callbacks):
    advies = ask(in_werking, wereld.leden[Rol.SECRETARIS], django_capture_on_commit_callbacks)
    [(partij, user), (ander_partij, ander), *_rest] = tekenaars.items()
    sign(advies, partij, user, django_capture_on_commit_callbacks)
    beurt = Signalering.objects.get(soort=Signalering.Soort.ADVIES_TEKENBEURT, ontvanger=user)
    assert adviesmails.compose(beurt) is None  # signed meanwhile: nothing to ask
    nog = Signalering.objects.get(soort=Signalering.Soort.ADVIES_TEKENBEURT, ontvanger=ander)
    message = adviesmails.compose(nog)
    assert message.to == [ander.email] and str(ander_partij.organisatie) in message.body
