"""GIN indexes for the full-text search of the arrangementen list (arrangementen.selectors._search).

The indexed expressions are exactly what arrangement_search_vector() and afspraak_search_vector() compile to;
PostgreSQL uses an expression index only for an identical expression, so change both together. PostgreSQL only:
`make run` uses SQLite, where the search is a plain match. Not in Meta.indexes for the same reason.
"""

from django.db import migrations

AFSPRAAK = (
    "CREATE INDEX IF NOT EXISTS afspraak_zoek_gin ON arrangementen_afspraak USING gin "
    "((to_tsvector('dutch'::regconfig, COALESCE(titel, '') || ' ' || COALESCE(tekst, ''))))"
)
ARRANGEMENT = (
    "CREATE INDEX IF NOT EXISTS arrangement_zoek_gin ON arrangementen_arrangement USING gin "
    "(((setweight(to_tsvector('dutch'::regconfig, COALESCE(titel, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(doel, '') || ' ' || COALESCE(aanleiding, '')), 'B'))))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AFSPRAAK)
        schema_editor.execute(ARRANGEMENT)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS afspraak_zoek_gin")
        schema_editor.execute("DROP INDEX IF EXISTS arrangement_zoek_gin")


class Migration(migrations.Migration):
    dependencies = [("arrangementen", "0002_arrangement_contactpersonen_and_more")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
