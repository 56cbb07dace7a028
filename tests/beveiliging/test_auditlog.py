"""The security audit log: what it records, that it is append-only, and that the chain exposes tampering."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from samenwerking import audit, services
from samenwerking.models import Auditregel, Rol
from samenwerking.permissions_setup import ensure_beheer_group

from ..factories import TEST_PASSWORD, DriehoekFactory, GebruikerFactory, lid

G = Auditregel.Gebeurtenis


def entries(gebeurtenis):
    return list(Auditregel.objects.filter(gebeurtenis=gebeurtenis).order_by("id"))


@pytest.fixture
def beheerder(db):
    user = GebruikerFactory(username="audit-beheerder", is_staff=True)
    user.groups.add(ensure_beheer_group())
    return user


def as_attacker(sql, params=()):
    """Someone with database owner rights: switches the append-only trigger off and edits rows directly."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE samenwerking_auditregel DISABLE TRIGGER auditregel_alleen_toevoegen")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE samenwerking_auditregel ENABLE TRIGGER auditregel_alleen_toevoegen")


def test_login_success_and_failure_are_recorded_with_address(client, db):
    user = GebruikerFactory(username="inlogger")
    client.post(reverse("login"), {"username": "inlogger", "password": "fout"}, REMOTE_ADDR="192.0.2.7")
    client.post(reverse("login"), {"username": "inlogger", "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.7")
    failed, = entries(G.INLOGGEN_MISLUKT)
    ok, = entries(G.INLOGGEN)
    assert (failed.gebruikersnaam, failed.resultaat, failed.ip_adres) == ("inlogger", "mislukt", "192.0.2.7")
    assert (ok.gebruiker_id, ok.resultaat, ok.ip_adres) == (user.pk, "gelukt", "192.0.2.7")


def test_membership_granted_and_ended_are_recorded(db):
    user, driehoek = GebruikerFactory(), DriehoekFactory()
    lidmaatschap = lid(user, driehoek, Rol.ONDERTEKENAAR)
    services.end_membership(lidmaatschap=lidmaatschap)
    granted, = entries(G.LIDMAATSCHAP_TOEGEKEND)
    ended, = entries(G.LIDMAATSCHAP_BEEINDIGD)
    assert granted.object_id == ended.object_id == str(lidmaatschap.pk)
    assert granted.details["rol"] == "ondertekenaar" and granted.details["gebruiker"] == user.username
    assert ended.details["actief_tot"] is not None


def test_role_change_records_old_and_new_role(db):
    lidmaatschap = lid(GebruikerFactory(), DriehoekFactory(), Rol.LEZER)
    lidmaatschap.rol = Rol.SECRETARIS
    services.save_membership(lidmaatschap=lidmaatschap)
    changed, = entries(G.LIDMAATSCHAP_GEWIJZIGD)
    assert (changed.details["voorheen"]["rol"], changed.details["rol"]) == ("lezer", "secretaris")


def test_disabling_an_account_and_granting_beheer_are_recorded(db):
    user = GebruikerFactory()
    user.is_active = False
    user.save()
    user.groups.add(ensure_beheer_group())
    disabled, groups = entries(G.ACCOUNT_GEWIJZIGD)
    assert disabled.details == {"is_active": [True, False]}
    assert groups.details == {"groepen": "toegevoegd", "namen": ["Beheer"]}


def test_intact_chain_verifies(db):
    for _ in range(3):
        audit.record(G.EXPORT, details={"n": 1})
    report = audit.verify_chain()
    assert report.checked == 3 and report.problems == []
    call_command("controleer_auditlog", stdout=io.StringIO())


def test_chain_detects_a_modified_entry(db):
    regels = [audit.record(G.PDF_GEDOWNLOAD, gebruikersnaam=f"u{i}") for i in range(3)]
    as_attacker("UPDATE samenwerking_auditregel SET gebruikersnaam = 'iemand-anders' WHERE id = %s", [regels[1].pk])
    assert audit.verify_chain().problems == [f"Regel {regels[1].pk}: de inhoud is gewijzigd (hash klopt niet)."]
    with pytest.raises(CommandError, match="aangetast"):
        call_command("controleer_auditlog", stdout=io.StringIO(), stderr=io.StringIO())


def test_chain_detects_a_deleted_entry(db):
    regels = [audit.record(G.ONDERTEKEND, gebruikersnaam=f"u{i}") for i in range(3)]
    as_attacker("DELETE FROM samenwerking_auditregel WHERE id = %s", [regels[1].pk])
    assert audit.verify_chain().problems == [
        f"Regel {regels[2].pk}: de vorige regel ontbreekt of is gewijzigd (keten verbroken)."]


def test_database_refuses_updates_and_deletes(db):
    regel = audit.record(G.EXPORT)
    for sql in ("UPDATE samenwerking_auditregel SET resultaat = 'mislukt'", "DELETE FROM samenwerking_auditregel"):
        with pytest.raises(DatabaseError, match="alleen aan te vullen"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
    with pytest.raises(PermissionError):
        regel.save()
    with pytest.raises(PermissionError):
        Auditregel.objects.filter(pk=regel.pk).delete()
    assert Auditregel.objects.get(pk=regel.pk).resultaat == "gelukt"


def test_beheerder_sees_and_exports_the_log(client, beheerder):
    audit.record(G.PDF_GEMAAKT, gebruikersnaam="=HYPERLINK(\"http://x\")")
    client.force_login(beheerder)
    page = client.get(reverse("beveiliging:auditlog"))
    assert page.status_code == 200 and "PDF gemaakt" in page.content.decode()
    response = client.get(reverse("beveiliging:auditlog_export"), {"gebeurtenis": "pdf_gemaakt"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 2 and rows[1][2] == "pdf_gemaakt"
    assert rows[1][4] == "'=HYPERLINK(\"http://x\")"  # a spreadsheet shows it as text, never runs it
    assert entries(G.EXPORT)[-1].gebruiker_id == beheerder.pk


def test_audit_list_query_count_does_not_grow(client, beheerder, django_assert_max_num_queries):
    client.force_login(beheerder)
    client.get(reverse("beveiliging:auditlog"))
    for _ in range(30):
        audit.record(G.EXPORT)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("beveiliging:auditlog")).status_code == 200


def test_member_of_a_driehoek_may_not_see_the_log(client, db):
    user = GebruikerFactory()
    lid(user, DriehoekFactory(), Rol.SECRETARIS)
    client.force_login(user)
    assert client.get(reverse("beveiliging:auditlog")).status_code == 403
    assert client.get(reverse("beveiliging:auditlog_export")).status_code == 403
