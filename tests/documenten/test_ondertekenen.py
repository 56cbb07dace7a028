"""Signing the certified PDF: in partij order, once per partij, only when vastgesteld, after re-entering the
password, with the organisation's key, on one's own behalf or under a valid mandate; with a TSA every
signature is timestamped and the last one is followed by a document timestamp."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from arrangementen import documenten, handtekeningcontrole, signing, workflow
from arrangementen.models import Document, Documentversie, Handtekening, Mandaat, Ondertekeningssleutel, Status
from samenwerking import tweestaps
from samenwerking.models import Auditregel, Rol

from ..factories import TEST_PASSWORD, GebruikerFactory, lid, vandaag
from ..mfa import app_code, code_for
from ..tsa import running_tsa
from .wereld import Ondertekenwereld, build_world, latest_bytes, pdf_reader, render_now, rolled_back, sign_all

pytestmark = pytest.mark.django_db


@dataclass
class Gecertificeerd:
    world: Ondertekenwereld
    document: Document


@pytest.fixture(scope="module")
def gecertificeerd(django_db_setup, django_db_blocker, pki):
    """Certified with a TSA configured, so the platform's certification carries a timestamp too."""
    with rolled_back(django_db_blocker):
        with running_tsa(pki) as (url, _server), override_settings(SIGNING_TSA_URL=url):
            world = build_world(pki)
            document = render_now(world)
        yield Gecertificeerd(world, document)


def sign(g: Gecertificeerd, index: int, user=None, password: str = TEST_PASSWORD) -> Handtekening:
    user = user or g.world.ondertekenaars[index]
    return documenten.sign_document(document=g.document, partij=g.world.partijen[index], user=user,
                                    password=password, code=app_code(user))


def counts(document: Document) -> tuple[int, int]:
    return Documentversie.objects.filter(document=document).count(), Handtekening.objects.filter(
        document=document).count()


def message(excinfo) -> str:
    return " ".join(excinfo.value.messages) if hasattr(excinfo.value, "messages") else str(excinfo.value)


# --- the rules -------------------------------------------------------------------------------------

def test_first_party_signs_and_a_new_version_records_it(gecertificeerd):
    handtekening = sign(gecertificeerd, 0)
    assert handtekening.documentversie.volgnummer == 2
    assert handtekening.ondertekenaar == gecertificeerd.world.ondertekenaars[0]
    assert counts(gecertificeerd.document) == (2, 1)
    assert handtekeningcontrole.verify(latest_bytes(gecertificeerd.document)).all_valid


def test_signing_out_of_order_is_refused_naming_who_signs_first(gecertificeerd):
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 1)
    eerste = gecertificeerd.world.partijen[0].organisatie
    assert message(excinfo) == f"Er wordt in volgorde getekend: eerst {eerste}."
    assert counts(gecertificeerd.document) == (1, 0)


def test_signing_twice_for_one_party_is_refused(gecertificeerd):
    sign(gecertificeerd, 0)
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 0)
    assert message(excinfo) == f"Voor {gecertificeerd.world.partijen[0].organisatie} is al getekend."
    assert counts(gecertificeerd.document) == (2, 1)


def test_signing_after_the_arrangement_left_vastgesteld_is_refused(gecertificeerd):
    workflow.perform(arrangement=gecertificeerd.world.arrangement, action="intrekken",
                     user=gecertificeerd.world.secretaris, toelichting="Nieuwe afspraken nodig.")
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 0)
    assert message(excinfo) == "Ondertekenen kan alleen als het arrangement is vastgesteld (nu: ingetrokken)."
    assert counts(gecertificeerd.document) == (1, 0)


def test_signing_a_pdf_that_is_not_ready_is_refused(gecertificeerd):
    Document.objects.filter(pk=gecertificeerd.document.pk).update(status=Document.Status.BEZIG)
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 0)
    assert message(excinfo) == "De PDF is nog niet klaar om te ondertekenen."


def test_a_wrong_password_is_refused_on_the_password_field(gecertificeerd):
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 0, password="niet-mijn-wachtwoord")
    assert excinfo.value.message_dict == {"wachtwoord": ["Het wachtwoord klopt niet. Uw handtekening is niet gezet."]}
    assert counts(gecertificeerd.document) == (1, 0)


def test_a_member_without_the_sign_permission_is_refused(gecertificeerd):
    with pytest.raises(PermissionDenied):
        sign(gecertificeerd, 0, user=gecertificeerd.world.secretaris)
    assert counts(gecertificeerd.document) == (1, 0)


def test_an_ondertekenaar_of_another_organisation_cannot_sign_without_a_mandate(gecertificeerd):
    with pytest.raises(PermissionDenied) as excinfo:
        sign(gecertificeerd, 0, user=gecertificeerd.world.ondertekenaars[1])
    assert "geen geldig mandaat" in str(excinfo.value)
    assert counts(gecertificeerd.document) == (1, 0)


# --- mandates --------------------------------------------------------------------------------------

def gemachtigde_met_mandaat(g: Gecertificeerd, van: int, tot: int):
    """A second ondertekenaar (no organisation of their own) with a mandate from the burgemeester for the
    period today+van .. today+tot."""
    gemachtigde = GebruikerFactory(first_name="Victor", last_name="Vervanger", organisatie=None)
    lid(gemachtigde, g.world.driehoek, Rol.ONDERTEKENAAR)
    Mandaat.objects.create(volmachtgever=g.world.ondertekenaars[0], gemachtigde=gemachtigde,
                           geldig_van=vandaag() + datetime.timedelta(days=van),
                           geldig_tot=vandaag() + datetime.timedelta(days=tot))
    return gemachtigde


@pytest.mark.parametrize(("van", "tot"), [(-30, 30), (0, 0)], ids=["lopend", "alleen-vandaag"])
def test_signing_under_a_valid_mandate_reads_namens_in_the_pdf_and_the_record(gecertificeerd, van, tot):
    gemachtigde = gemachtigde_met_mandaat(gecertificeerd, van, tot)
    burgemeester = gecertificeerd.world.ondertekenaars[0]
    [optie] = documenten.signing_options(gemachtigde, gecertificeerd.document)
    assert (optie.partij, optie.namens) == (gecertificeerd.world.partijen[0], burgemeester)

    handtekening = sign(gecertificeerd, 0, user=gemachtigde)

    assert (handtekening.ondertekenaar, handtekening.namens) == (gemachtigde, burgemeester)
    field = signing.field_name(gecertificeerd.world.partijen[0])
    [sig] = [s for s in pdf_reader(latest_bytes(gecertificeerd.document)).embedded_signatures
             if s.field_name == field]
    assert str(sig.sig_object["/Name"]) == "Victor Vervanger namens Anna Aalders"
    assert "namens Anna Aalders" in handtekening.documentversie.omschrijving


@pytest.mark.parametrize(("van", "tot"), [(-30, -1), (1, 30)], ids=["verlopen", "nog-niet-begonnen"])
def test_signing_under_a_mandate_outside_its_period_is_refused(gecertificeerd, van, tot):
    gemachtigde = gemachtigde_met_mandaat(gecertificeerd, van, tot)
    assert documenten.signing_options(gemachtigde, gecertificeerd.document) == []
    with pytest.raises(PermissionDenied) as excinfo:
        sign(gecertificeerd, 0, user=gemachtigde)
    assert "geen geldig mandaat" in str(excinfo.value)
    assert counts(gecertificeerd.document) == (1, 0)


def test_the_arrangement_page_shows_who_signed_on_whose_behalf(client, gecertificeerd):
    gemachtigde = gemachtigde_met_mandaat(gecertificeerd, -1, 1)
    sign(gecertificeerd, 0, user=gemachtigde)
    client.force_login(gecertificeerd.world.leden["lezer"])
    html = client.get(reverse("arrangementen:detail", args=[gecertificeerd.world.arrangement.pk])).content.decode()
    assert "getekend door Victor Vervanger" in html
    assert "(namens Anna Aalders)" in html


# --- the signing page -----------------------------------------------------------------------------

def shown(g: Gecertificeerd) -> dict:
    """What the sign page carries besides the signer's input: the SHA-256 of the version it showed; a plaats."""
    return {"sha256": documenten.latest_version(g.document).sha256, "plaats": "Zeist"}


def sign_url(g: Gecertificeerd) -> str:
    return reverse("arrangementen:document_ondertekenen", args=[g.world.arrangement.pk])


def test_sign_page_signs_after_the_password_and_a_fresh_code_and_returns_to_the_arrangement(client, gecertificeerd):
    user = gecertificeerd.world.ondertekenaars[0]
    client.force_login(user)
    response = client.post(sign_url(gecertificeerd), {**shown(gecertificeerd),
                                                      "partij": gecertificeerd.world.partijen[0].pk,
                                                      "plaats": "Zeist", "wachtwoord": TEST_PASSWORD,
                                                      "verificatiecode": code_for(user)})
    assert response.status_code == 302
    assert response.url.endswith("#document")
    assert counts(gecertificeerd.document) == (2, 1)


def test_sign_page_keeps_the_choice_and_says_the_password_is_wrong(client, gecertificeerd):
    user = gecertificeerd.world.ondertekenaars[0]
    client.force_login(user)
    code = code_for(user)
    response = client.post(sign_url(gecertificeerd), {**shown(gecertificeerd),
                                                      "partij": gecertificeerd.world.partijen[0].pk,
                                                      "plaats": "Zeist", "wachtwoord": "fout",
                                                      "verificatiecode": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Het wachtwoord klopt niet. Uw handtekening is niet gezet." in html
    assert 'value="Zeist"' in html
    assert counts(gecertificeerd.document) == (1, 0)
    # The wrong password did not use up the code: with the right password, the same code signs.
    response = client.post(sign_url(gecertificeerd), {**shown(gecertificeerd),
                                                      "partij": gecertificeerd.world.partijen[0].pk,
                                                      "plaats": "Zeist", "wachtwoord": TEST_PASSWORD,
                                                      "verificatiecode": code})
    assert response.status_code == 302
    assert counts(gecertificeerd.document) == (2, 1)


@pytest.mark.parametrize("code", ["", "000000", "abcd-efgh-ijkl-mnop"])
def test_sign_page_asks_for_the_second_factor_again_and_signs_nothing_without_it(client, gecertificeerd, code):
    user = gecertificeerd.world.ondertekenaars[0]
    client.force_login(user)  # a verified session is not enough to sign
    response = client.post(sign_url(gecertificeerd), {**shown(gecertificeerd),
                                                      "partij": gecertificeerd.world.partijen[0].pk,
                                                      "plaats": "Zeist", "wachtwoord": TEST_PASSWORD,
                                                      "verificatiecode": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_verificatiecode_error"' in html
    assert 'value="Zeist"' in html
    assert counts(gecertificeerd.document) == (1, 0)
    if code:
        regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.ONDERTEKEND).first()
        assert (regel.resultaat, regel.gebruiker_id) == (Auditregel.Resultaat.GEWEIGERD, user.pk)


def test_a_code_signs_once(client, gecertificeerd):
    """Replay: the code used for one signature is refused for the next, even within its 30 seconds."""
    world = gecertificeerd.world
    user = world.ondertekenaars[0]
    client.force_login(user)
    code = code_for(user)
    client.post(sign_url(gecertificeerd), {**shown(gecertificeerd),
                                           "partij": world.partijen[0].pk, "wachtwoord": TEST_PASSWORD,
                                           "verificatiecode": code})
    assert counts(gecertificeerd.document) == (2, 1)
    device = tweestaps.app_device(user)
    assert not tweestaps.check_code(user, code).gelukt
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_sign_page_explains_the_signing_order(client, gecertificeerd):
    client.force_login(gecertificeerd.world.ondertekenaars[1])
    response = client.post(sign_url(gecertificeerd), {**shown(gecertificeerd),
                                                      "partij": gecertificeerd.world.partijen[1].pk,
                                                      "wachtwoord": TEST_PASSWORD,
                                                      "verificatiecode": code_for(
                                                          gecertificeerd.world.ondertekenaars[1])})
    assert response.status_code == 200
    assert (f"Er wordt in volgorde getekend: eerst {gecertificeerd.world.partijen[0].organisatie}."
            in response.content.decode())
    assert counts(gecertificeerd.document) == (1, 0)


@pytest.mark.parametrize(("who", "status"), [("lezer", 403), ("secretaris", 403), ("buitenstaander", 404)])
def test_sign_page_is_only_for_ondertekenaars_of_the_driehoek(client, gecertificeerd, who, status):
    world = gecertificeerd.world
    client.force_login(world.buitenstaander if who == "buitenstaander" else world.leden[who])
    assert client.get(sign_url(gecertificeerd)).status_code == status


# --- key material ----------------------------------------------------------------------------------

def test_a_missing_key_is_a_message_for_the_beheerder_and_nothing_is_signed(gecertificeerd):
    organisatie = gecertificeerd.world.partijen[0].organisatie
    Ondertekeningssleutel.objects.filter(organisatie=organisatie).delete()
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 0)
    assert message(excinfo) == (f"Voor {organisatie} is geen ondertekeningssleutel ingesteld. Vraag de beheerder "
                                "om die toe te voegen; er is niets ondertekend.")
    assert counts(gecertificeerd.document) == (1, 0)


@pytest.mark.parametrize(("bron", "reden"), [
    ("env:ONDERTEKENEN_TEST_BESTAAT_NIET", "De omgevingsvariabele ONDERTEKENEN_TEST_BESTAAT_NIET met het wachtwoord "
                                           "is niet gezet."),
    ("bestand:{verkeerd}", "Het PKCS#12-bestand kan niet worden geopend: verkeerd wachtwoord of geen geldig bestand."),
    ("bestand:/bestaat/niet.txt", "Het wachtwoordbestand /bestaat/niet.txt kan niet worden gelezen"),
], ids=["omgevingsvariabele-ontbreekt", "verkeerd-wachtwoord", "wachtwoordbestand-ontbreekt"])
def test_an_unusable_key_is_a_message_for_the_beheerder_and_nothing_is_signed(gecertificeerd, tmp_path, bron, reden):
    verkeerd = tmp_path / "wachtwoord.txt"
    verkeerd.write_text("dit-is-het-niet\n")
    organisatie = gecertificeerd.world.partijen[0].organisatie
    Ondertekeningssleutel.objects.filter(organisatie=organisatie).update(
        wachtwoord_bron=bron.format(verkeerd=verkeerd))
    with pytest.raises(ValidationError) as excinfo:
        sign(gecertificeerd, 0)
    text = message(excinfo)
    assert text.startswith(f"De ondertekeningssleutel van {organisatie} is niet bruikbaar: {reden}")
    assert text.endswith("Vraag de beheerder dit te herstellen; er is niets ondertekend.")
    assert counts(gecertificeerd.document) == (1, 0)


# --- timestamps ------------------------------------------------------------------------------------

def test_with_a_tsa_every_signature_is_timestamped_and_a_document_timestamp_closes_the_file(gecertificeerd, settings,
                                                                                            pki):
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with running_tsa(pki) as (url, server):
        settings.SIGNING_TSA_URL = url
        sign_all(gecertificeerd.world, gecertificeerd.document)
        assert len(server.requests) >= 4  # three signatures and the document timestamp
    data = latest_bytes(gecertificeerd.document)

    report = handtekeningcontrole.verify(data)
    assert report.all_valid
    assert [s.timestamp for s in report.signatures] == [False, False, False, False, True]
    embedded = pdf_reader(data).embedded_signatures
    assert embedded[-1].sig_object["/Type"] == "/DocTimeStamp"
    for sig in embedded[:-1]:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=signing.trust_roots(),
                                                               allow_fetching=False))
        assert status.timestamp_validity is not None, f"{sig.field_name} has no signature timestamp"
        assert status.timestamp_validity.intact and status.timestamp_validity.valid
        assert status.timestamp_validity.trusted
    gecertificeerd.world.arrangement.refresh_from_db()
    assert gecertificeerd.world.arrangement.status == Status.ONDERTEKEND


# --- the signing service checks password and code itself ----------------------------------------------------

def refusal_reasons(user) -> list[str]:
    return [regel.details.get("reden") for regel in Auditregel.objects.filter(
        gebeurtenis=Auditregel.Gebeurtenis.ONDERTEKEND, gebruiker_id=user.pk, resultaat=Auditregel.Resultaat.GEWEIGERD)]


def test_the_service_refuses_a_wrong_password_before_it_uses_up_the_code(gecertificeerd):
    user = gecertificeerd.world.ondertekenaars[0]
    code = app_code(user)
    with pytest.raises(documenten.SigningRefused) as refused:
        documenten.sign_document(document=gecertificeerd.document, partij=gecertificeerd.world.partijen[0],
                                 user=user, password="fout", code=code)
    assert list(refused.value.message_dict) == ["wachtwoord"]
    assert counts(gecertificeerd.document) == (1, 0)
    assert refusal_reasons(user) == ["wachtwoord onjuist"]
    assert tweestaps.check_code(user, code).gelukt


@pytest.mark.parametrize("code", ["", "000000", "abcd-efgh-ijkl-mnop"])
def test_the_service_refuses_without_a_fresh_code_and_the_wait_outlives_the_refusal(gecertificeerd, code):
    user = gecertificeerd.world.ondertekenaars[0]
    app_code(user)  # the user has an app; the code given is not its current one
    with pytest.raises(documenten.SigningRefused) as refused:
        documenten.sign_document(document=gecertificeerd.document, partij=gecertificeerd.world.partijen[0],
                                 user=user, password=TEST_PASSWORD, code=code)
    assert list(refused.value.message_dict) == ["verificatiecode"]
    assert counts(gecertificeerd.document) == (1, 0)
    assert len(refusal_reasons(user)) == 1
    if code == "000000":
        device = tweestaps.app_device(user)
        device.refresh_from_db()
        assert device.throttling_failure_count == 1


def test_the_service_refuses_a_member_who_may_not_sign_before_asking_the_password(gecertificeerd, monkeypatch):
    lezer = GebruikerFactory()
    lid(lezer, gecertificeerd.world.arrangement.driehoek, Rol.LEZER)
    asked = []
    monkeypatch.setattr(documenten, "authenticate", lambda *args, **kwargs: asked.append(kwargs))
    with pytest.raises(PermissionDenied):
        documenten.sign_document(document=gecertificeerd.document, partij=gecertificeerd.world.partijen[0],
                                 user=lezer, password=TEST_PASSWORD, code="000000")
    assert asked == []
    assert counts(gecertificeerd.document) == (1, 0)
    assert refusal_reasons(lezer) == ["U bent in deze driehoek geen ondertekenaar."]
