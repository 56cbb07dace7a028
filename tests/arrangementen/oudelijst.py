"""The schema before arrangementen 0021 (the per-arrangement geweldsmiddelen list still a column), for the tests of
the data steps that move that list: migrated back inside the test's transaction, and forward again afterwards."""

from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

VOOR = ("arrangementen", "0020_kennisbank")
NA = ("arrangementen", "0021_geweldsmiddelen_per_organisatie")


def _migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor


@contextmanager
def schema_met_oude_lijst():
    """Yields the apps of the schema before 0021; on leaving, 0021 runs (its data step included)."""
    with connection.cursor() as cursor:
        # PostgreSQL refuses ALTER TABLE on a table with deferred FK checks pending from the test's own rows.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield _migrate(VOOR).loader.project_state(VOOR).apps
        _migrate(NA)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def zet_oude_lijst(apps, arrangement, middelen: list[str]) -> None:
    """Write the old list as an install before 0021 held it (no history: the column is what is read)."""
    apps.get_model("arrangementen", "Arrangement").objects.filter(pk=arrangement.pk).update(geweldsmiddelen=middelen)
