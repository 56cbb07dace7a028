"""Backup and restore as documented in the README: pg_dump -Fc, then pg_restore into an empty database."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from samenwerking import audit
from samenwerking.models import Auditregel, Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid


def libpq_args(settings_dict, dbname):
    return ["-h", settings_dict["HOST"] or "127.0.0.1", "-p", str(settings_dict["PORT"] or 5432),
            "-U", settings_dict["USER"], "-d", dbname]


@pytest.mark.django_db(transaction=True)
def test_dump_restores_into_an_empty_database_with_the_data(tmp_path):
    assert connection.vendor == "postgresql", "the restore test needs the throwaway PostgreSQL of make test"
    assert shutil.which("pg_dump") and shutil.which("pg_restore")
    user = GebruikerFactory(username="in-de-backup")
    lid(user, DriehoekFactory(naam="Driehoek Backup"), Rol.SECRETARIS)
    audit.record(Auditregel.Gebeurtenis.EXPORT, gebruiker=user)

    db = connection.settings_dict
    dump = tmp_path / "handhaving.dump"
    env = {"PGPASSWORD": db["PASSWORD"] or ""}
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                    *libpq_args(db, db["NAME"])], check=True, env=env, timeout=120)

    target = f"restore_{uuid.uuid4().hex[:12]}"
    dsn = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"],
           "password": db["PASSWORD"] or None}
    with psycopg.connect(dbname=db["NAME"], autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *libpq_args(db, target), str(dump)],
                       check=True, env=env, timeout=120)
        with psycopg.connect(dbname=target, **dsn) as restored:
            rows = restored.execute(
                "SELECT g.username, d.naam, l.rol FROM samenwerking_lidmaatschap l "
                "JOIN samenwerking_gebruiker g ON g.id = l.gebruiker_id "
                "JOIN samenwerking_driehoek d ON d.id = l.driehoek_id").fetchall()
            assert rows == [("in-de-backup", "Driehoek Backup", "secretaris")]
            hashes = restored.execute("SELECT hash FROM samenwerking_auditregel ORDER BY id").fetchall()
            assert [h for (h,) in hashes] == list(Auditregel.objects.order_by("id").values_list("hash", flat=True))
            triggers = restored.execute("SELECT tgname FROM pg_trigger WHERE tgname = 'auditregel_alleen_toevoegen'")
            assert triggers.fetchall() == [("auditregel_alleen_toevoegen",)]
    finally:
        with psycopg.connect(dbname=db["NAME"], autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
