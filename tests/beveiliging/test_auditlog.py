"""The security audit log: what it records, that it is append-only, and that the chain exposes tampering."""

import csv
import hashlib
import hmac
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from samenwerking import audit, services
from samenwerking.models import Auditcontrolepunt, Auditregel, Rol
from samenwerking.permissions_setup import ensure_beheer_group
from samenwerking.tasks import write_audit_checkpoint

from ..factories import TEST_PASSWORD, DriehoekFactory, GebruikerFactory, lid

G = Auditregel.Gebeurtenis
ROOT = Path(__file__).resolve().parent.parent.parent


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


# --- truncation, forgery and the chain key (issue 11, item 6) ----------------------------------------

def as_owner(table, sql, params=()):
    """Like as_attacker, for any audit table: the owner switches its trigger off, runs `sql`, switches it on."""
    trigger = {"samenwerking_auditregel": "auditregel_alleen_toevoegen",
               "samenwerking_auditcontrolepunt": "auditcontrolepunt_alleen_toevoegen"}[table]
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def test_deleting_the_last_entries_is_reported_as_truncation(db):
    regels = [audit.record(G.EXPORT, gebruikersnaam=f"u{i}") for i in range(5)]
    audit.write_checkpoint()
    as_attacker("DELETE FROM samenwerking_auditregel WHERE id >= %s", [regels[3].pk])
    report = audit.verify_chain()
    assert report.checked == 3
    assert len(report.problems) == 1 and report.problems[0].startswith("De laatste 2 regels ontbreken")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="aangetast"):
        call_command("controleer_auditlog", stdout=io.StringIO(), stderr=stderr)
    assert "De laatste 2 regels ontbreken" in stderr.getvalue()


def test_a_checkpoint_is_written_every_n_entries(db, settings):
    settings.AUDITLOG_CONTROLEPUNT_INTERVAL = 3
    regels = [audit.record(G.EXPORT) for _ in range(7)]
    punten = list(Auditcontrolepunt.objects.order_by("id"))
    assert [(p.aantal, p.laatste_id, p.laatste_hash) for p in punten] == [
        (3, regels[2].pk, regels[2].hash), (6, regels[5].pk, regels[5].hash)]
    assert audit.verify_chain().problems == []
    as_attacker("DELETE FROM samenwerking_auditregel WHERE id >= %s", [regels[4].pk])
    assert audit.verify_chain().problems[0].startswith("De laatste 2 regels ontbreken (ten minste)")


def test_a_forged_or_removed_checkpoint_is_reported(db):
    audit.record(G.EXPORT)
    eerste = audit.write_checkpoint()
    audit.record(G.EXPORT)
    tweede = audit.write_checkpoint()
    as_owner("samenwerking_auditcontrolepunt", "UPDATE samenwerking_auditcontrolepunt SET aantal = 1 WHERE id = %s",
             [tweede.pk])
    assert audit.verify_chain().problems == [
        f"Controlepunt {tweede.pk}: de inhoud is gewijzigd of vervalst (hash klopt niet)."]
    as_owner("samenwerking_auditcontrolepunt", "DELETE FROM samenwerking_auditcontrolepunt WHERE id = %s",
             [eerste.pk])
    assert f"Controlepunt {tweede.pk}: het vorige controlepunt ontbreekt of is gewijzigd." in (
        audit.verify_chain().problems)


def test_an_anchor_kept_outside_reveals_a_tail_deleted_with_its_checkpoints(db):
    regels = [audit.record(G.EXPORT) for _ in range(3)]
    audit.write_checkpoint()
    out = io.StringIO()
    call_command("controleer_auditlog", stdout=out)
    anker = out.getvalue().split("Anker: ")[1].split(".")[0]
    assert anker == f"{regels[-1].pk}:{regels[-1].hash}"
    as_attacker("DELETE FROM samenwerking_auditregel WHERE id = %s", [regels[-1].pk])
    as_owner("samenwerking_auditcontrolepunt", "DELETE FROM samenwerking_auditcontrolepunt")
    assert audit.verify_chain().problems == []  # the database alone no longer shows it
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("controleer_auditlog", f"--anker={anker}", stdout=io.StringIO(), stderr=stderr)
    assert f"regel {regels[-1].pk} (het opgegeven anker) bestaat niet meer" in stderr.getvalue()
    with pytest.raises(CommandError, match="regelnummer:hash"):
        call_command("controleer_auditlog", "--anker=onzin", stdout=io.StringIO())


def test_a_switched_off_trigger_is_reported(db):
    audit.record(G.EXPORT)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE samenwerking_auditregel DISABLE TRIGGER auditregel_alleen_toevoegen")
    assert audit.verify_chain().problems == [
        "De beveiliging tegen wijzigen en verwijderen ontbreekt of staat uit (trigger auditregel_alleen_toevoegen)."]


def test_checkpoints_are_append_only_in_the_database(db):
    audit.record(G.EXPORT)
    punt = audit.write_checkpoint()
    for sql in ("UPDATE samenwerking_auditcontrolepunt SET aantal = 0", "DELETE FROM samenwerking_auditcontrolepunt"):
        with pytest.raises(DatabaseError, match="alleen aan te vullen"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
    with pytest.raises(PermissionError):
        punt.save()
    with pytest.raises(PermissionError):
        Auditcontrolepunt.objects.all().delete()


def test_the_hourly_task_anchors_the_log_and_says_so(db):
    audit.record(G.EXPORT)
    pk = write_audit_checkpoint()
    punt = Auditcontrolepunt.objects.get(pk=pk)
    assert punt.aantal == 1
    [regel] = entries(G.AUDIT_CONTROLEPUNT)
    assert regel.details == {"controlepunt": pk, "aantal": 1, "laatste_id": punt.laatste_id}
    assert audit.verify_chain().problems == []


def test_the_chain_key_is_its_own_not_the_secret_key(db, settings):
    regel = audit.record(G.EXPORT)
    from_secret_key = hmac.new(f"auditlog:{settings.SECRET_KEY}".encode(), audit.keten._payload(regel),
                               hashlib.sha256).hexdigest()
    assert regel.hash != from_secret_key
    oude = settings.AUDITLOG_SLEUTEL
    settings.AUDITLOG_SLEUTEL = "een-nieuwe-sleutel-van-ruim-32-tekens-lang"
    assert audit.verify_chain().problems == [f"Regel {regel.pk}: de inhoud is gewijzigd (hash klopt niet)."]
    settings.AUDITLOG_VORIGE_SLEUTEL = oude  # after a key change, older entries verify with the previous key
    audit.record(G.EXPORT)
    assert audit.verify_chain().problems == []
    settings.AUDITLOG_SLEUTEL = ""
    with pytest.raises(ImproperlyConfigured, match="AUDITLOG_SLEUTEL"):
        audit.record(G.EXPORT)


SQLITE_SCRIPT = """
from django.db import DatabaseError, connection
from samenwerking import audit
for _ in range(3):
    audit.record(audit.Gebeurtenis.EXPORT)
audit.write_checkpoint()
uitkomst = []
for sql in ("UPDATE samenwerking_auditregel SET resultaat = 'mislukt'", "DELETE FROM samenwerking_auditregel",
            "UPDATE samenwerking_auditcontrolepunt SET aantal = 0", "DELETE FROM samenwerking_auditcontrolepunt"):
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
        uitkomst.append("toegestaan")
    except DatabaseError as error:
        uitkomst.append("geweigerd" if "alleen aan te vullen" in str(error) else str(error))
print("UITKOMST", uitkomst)
print("INTACT", audit.verify_chain().problems)
with connection.cursor() as cursor:
    cursor.execute("DROP TRIGGER auditregel_geen_verwijdering")
    cursor.execute("DELETE FROM samenwerking_auditregel WHERE id = (SELECT max(id) FROM samenwerking_auditregel)")
print("NA", audit.verify_chain().problems)
"""


def test_sqlite_default_refuses_updates_and_deletes_like_postgresql(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)

    migrated = manage("migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    result = manage("shell", "-c", SQLITE_SCRIPT)
    assert result.returncode == 0, result.stderr
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in result.stdout.splitlines()
             if line.startswith(("UITKOMST", "INTACT", "NA"))}
    assert lines["UITKOMST"] == "['geweigerd', 'geweigerd', 'geweigerd', 'geweigerd']"
    assert lines["INTACT"] == "[]"
    assert "auditregel_geen_verwijdering" in lines["NA"] and "De laatste 1 regels ontbreken" in lines["NA"]
