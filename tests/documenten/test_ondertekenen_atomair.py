"""Signing is all or nothing: a failure after the signed bytes exist leaves no version, no file and no
signature; two attempts for the same partij at once give exactly one signature; every refused attempt is in the
security log."""

import hashlib
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, close_old_connections, connection
from django.test import Client
from django.urls import reverse

from arrangementen import documenten, signing
from arrangementen.models import Document, Documentversie, Handtekening
from samenwerking import audit
from samenwerking.models import Auditregel, Rol

from ..factories import TEST_PASSWORD, GebruikerFactory, lid
from ..mfa import app_code, code_for
from .wereld import Ondertekenwereld, build_world, render_now

NIET_VASTGELEGD = "De handtekening kon niet worden vastgelegd; er is niets ondertekend."
AL_GETEKEND = "Deze partij heeft al getekend. Uw handtekening is niet gezet."


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def counts(document: Document) -> tuple[int, int]:
    return (Documentversie.objects.filter(document=document).count(),
            Handtekening.objects.filter(document=document).count())


def sign_url(world: Ondertekenwereld) -> str:
    return reverse("arrangementen:document_ondertekenen", args=[world.arrangement.pk])


def post_sign(client, world: Ondertekenwereld, user, index: int = 0, **extra):
    data = {"partij": world.partijen[index].pk, "plaats": "Zeist", "wachtwoord": TEST_PASSWORD,
            "verificatiecode": code_for(user),
            "sha256": Documentversie.objects.filter(document__arrangement=world.arrangement)
            .order_by("-volgnummer").values_list("sha256", flat=True).first(), **extra}
    return client.post(sign_url(world), data)


def refusals(user) -> list[Auditregel]:
    return list(Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.ONDERTEKEND, gebruiker_id=user.pk,
                                          resultaat=Auditregel.Resultaat.GEWEIGERD).order_by("pk"))


@pytest.fixture
def wereld(db, pki):
    world = build_world(pki)
    return SimpleNamespace(world=world, document=render_now(world))


@pytest.fixture
def signed_bytes(monkeypatch):
    """Every PDF pyHanko signs in this test, so a test can prove the failure came after the signing."""
    made = []
    original = signing.sign

    def sign_and_keep(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(signing, "sign", sign_and_keep)
    return made


# --- a failure after the signed bytes exist -------------------------------------------------------------

def _fail_handtekening_save(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Handtekening, "save", refuse)


def _fail_audit_of_the_signature(monkeypatch):
    original = audit.record

    def record(gebeurtenis, **kwargs):
        if (gebeurtenis == audit.Gebeurtenis.ONDERTEKEND
                and kwargs.get("resultaat", audit.Resultaat.GELUKT) == audit.Resultaat.GELUKT):
            raise DatabaseError("simulated")
        return original(gebeurtenis, **kwargs)

    monkeypatch.setattr(audit, "record", record)


def _fail_right_after_the_file_is_written(monkeypatch):
    storage = Documentversie._meta.get_field("bestand").storage
    original = storage.save

    def save_then_fail(name, content, **kwargs):
        original(name, content, **kwargs)
        raise DatabaseError("simulated: the commit after the write failed")

    monkeypatch.setattr(storage, "save", save_then_fail)


def _fail_the_storage(monkeypatch):
    storage = Documentversie._meta.get_field("bestand").storage

    def full(name, content, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "save", full)


@pytest.mark.parametrize("failure", [_fail_handtekening_save, _fail_audit_of_the_signature,
                                     _fail_right_after_the_file_is_written, _fail_the_storage],
                         ids=["handtekening-opslaan", "auditregel", "na-het-schrijven-van-het-bestand", "schijf-vol"])
def test_a_database_failure_after_signing_leaves_no_signed_version_and_says_so_in_dutch(
        client, wereld, signed_bytes, monkeypatch, failure):
    world, document = wereld.world, wereld.document
    user = world.ondertekenaars[0]
    client.force_login(user)
    before = stored_files()
    failure(monkeypatch)

    response = post_sign(client, world, user)

    assert response.status_code == 200
    assert NIET_VASTGELEGD in response.content.decode()
    assert len(signed_bytes) == 1, "the failure must come after pyHanko signed"
    assert counts(document) == (1, 0)
    assert documenten.latest_version(document).volgnummer == 1
    assert stored_files() == before
    assert documenten.find_version(hashlib.sha256(signed_bytes[0]).hexdigest()) is None
    assert [o.partij for o in documenten.signing_options(user, document)] == [world.partijen[0]]
    regel = Auditregel.objects.filter(gebeurtenis=Auditregel.Gebeurtenis.ONDERTEKEND).order_by("-pk").first()
    assert (regel.resultaat, regel.gebruiker_id) == (Auditregel.Resultaat.MISLUKT, user.pk)


def test_after_a_failed_attempt_the_next_signature_gets_version_two_under_its_own_name(client, wereld, monkeypatch):
    world, document = wereld.world, wereld.document
    user = world.ondertekenaars[0]
    client.force_login(user)
    with monkeypatch.context() as patch:
        _fail_right_after_the_file_is_written(patch)
        assert post_sign(client, world, user).status_code == 200

    assert post_sign(client, world, user).status_code == 302

    versie = documenten.latest_version(document)
    assert (versie.volgnummer, Path(versie.bestand.name).name) == (2, f"{document.referentie}-02.pdf")
    with versie.bestand.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == versie.sha256


# --- two attempts at once ------------------------------------------------------------------------------

def _post_together(world: Ondertekenwereld, users, monkeypatch) -> list[tuple[int, str]]:
    """Each user posts the sign form for partij 0 from their own thread (own database connection); both enter
    the signing service together, so one of them waits on the other's row lock."""
    posts = []
    for user in users:
        client = Client()
        client.force_login(user)
        posts.append((client, {"partij": world.partijen[0].pk, "wachtwoord": TEST_PASSWORD, "plaats": "Zeist",
                               "verificatiecode": code_for(user),
                               "sha256": documenten.latest_version(world.arrangement.document).sha256}))
    together = threading.Barrier(len(posts), timeout=60)
    original = documenten.sign_document

    def sign_together(**kwargs):
        together.wait()
        return original(**kwargs)

    monkeypatch.setattr(documenten, "sign_document", sign_together)
    results: list = [None] * len(posts)

    def run(i, client, data):
        try:
            response = client.post(sign_url(world), data)
            results[i] = (response.status_code, response.content.decode())
        except Exception as error:  # noqa: BLE001 - an exception in the view is a 500 for the user
            results[i] = (500, repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results


def test_two_signatories_of_one_partij_at_once_make_exactly_one_signature(transactional_db, pki, monkeypatch):
    world = build_world(pki)
    # Committed, so the render task ran in-process on commit (no broker in tests).
    document = documenten.request_document(arrangement=world.arrangement, user=world.secretaris)
    document.refresh_from_db()
    assert document.status == Document.Status.GEREED, document.fout
    collega = GebruikerFactory(organisatie=world.partijen[0].organisatie)
    lid(collega, world.driehoek, Rol.ONDERTEKENAAR)
    users = [world.ondertekenaars[0], collega]
    before = stored_files()

    results = _post_together(world, users, monkeypatch)

    assert sorted(status for status, _html in results) == [200, 302], results
    [(loser, html)] = [(user, html) for user, (status, html) in zip(users, results, strict=True) if status == 200]
    assert AL_GETEKEND in html
    assert counts(document) == (2, 1)
    assert len(stored_files() - before) == 1
    handtekening = Handtekening.objects.get(document=document)
    assert handtekening.ondertekenaar != loser
    assert [r.details["reden"] for r in refusals(loser)] == [
        f"Voor {world.partijen[0].organisatie} is al getekend."]


def test_a_second_tab_that_posts_after_the_first_signed_is_told_the_partij_has_signed(client, wereld):
    world, document = wereld.world, wereld.document
    user = world.ondertekenaars[0]
    client.force_login(user)
    tweede_tabblad = Client()
    tweede_tabblad.force_login(user)
    assert tweede_tabblad.get(sign_url(world)).status_code == 200
    assert post_sign(client, world, user).status_code == 302

    response = post_sign(tweede_tabblad, world, user)

    assert response.status_code == 200
    assert AL_GETEKEND in response.content.decode()
    assert counts(document) == (2, 1)
    assert [r.details["reden"] for r in refusals(user)] == ["partij heeft al getekend"]


# --- every refusal is on record ---------------------------------------------------------------------------

def test_signing_out_of_order_on_the_page_is_a_refusal_in_the_security_log(client, wereld):
    world = wereld.world
    user = world.ondertekenaars[1]
    client.force_login(user)

    response = post_sign(client, world, user, index=1)

    eerste = world.partijen[0].organisatie
    assert f"Er wordt in volgorde getekend: eerst {eerste}." in response.content.decode()
    [regel] = refusals(user)
    assert regel.details["reden"] == f"Er wordt in volgorde getekend: eerst {eerste}."
    assert regel.object_id == str(wereld.document.pk)


def test_a_partij_the_user_may_not_sign_for_is_a_refusal_in_the_security_log(client, wereld):
    world = wereld.world
    user = world.ondertekenaars[1]  # politie, posting the gemeente's field
    client.force_login(user)

    response = post_sign(client, world, user, index=0)

    assert response.status_code == 200
    assert counts(wereld.document) == (1, 0)
    assert [r.details["reden"] for r in refusals(user)] == ["geen veld dat deze gebruiker mag tekenen"]


def test_a_member_without_the_sign_role_posting_the_form_is_a_refusal_in_the_security_log(client, wereld):
    world = wereld.world
    lezer = world.leden[Rol.LEZER]
    client.force_login(lezer)

    response = client.post(sign_url(world), {"partij": world.partijen[0].pk, "wachtwoord": TEST_PASSWORD,
                                             "verificatiecode": "123456"})

    assert response.status_code == 403
    assert [r.details["arrangement"] for r in refusals(lezer)] == [world.arrangement.pk]


@pytest.mark.parametrize("case", ["wachtwoord", "geen-mandaat", "pdf-niet-klaar"])
def test_the_service_logs_its_refusals_after_rolling_back(wereld, case):
    world, document = wereld.world, wereld.document
    user = world.ondertekenaars[1] if case == "geen-mandaat" else world.ondertekenaars[0]
    if case == "pdf-niet-klaar":
        Document.objects.filter(pk=document.pk).update(status=Document.Status.BEZIG)
    with pytest.raises((ValidationError, PermissionDenied)):
        documenten.sign_document(document=document, partij=world.partijen[0], user=user,
                                 password="fout" if case == "wachtwoord" else TEST_PASSWORD, code=app_code(user))
    [regel] = refusals(user)
    assert regel.object_id == str(document.pk)
    assert counts(document) == (1, 0)


def test_repeated_refusals_are_rate_limited_per_user(client, wereld, settings, monkeypatch):
    settings.AUDIT_WEIGERINGEN_PER_MINUUT = 3
    monkeypatch.setattr(audit.weigeringen, "time", SimpleNamespace(time=lambda: 1_700_000_000.0))  # one minute window
    world = wereld.world
    user = world.ondertekenaars[1]
    client.force_login(user)

    for _attempt in range(6):
        response = client.post(sign_url(world), {"partij": world.partijen[0].pk, "wachtwoord": TEST_PASSWORD,
                                                 "verificatiecode": "123456"})
        assert response.status_code == 200

    assert len(refusals(user)) == 3
