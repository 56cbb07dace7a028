"""The list search is only fast at national scale when PostgreSQL can answer it from the GIN indexes of
migration 0003: an expression index is used only for exactly the same expression, so the selectors' search
vectors and the indexed expressions must stay equal."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from arrangementen.models import Afspraak, Arrangement
from arrangementen.selectors import afspraak_search_vector, arrangement_search_vector

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tables are tiny in a test: forbid the sequential scan, so only a usable index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("model", "vector", "index"), [
    (Afspraak, afspraak_search_vector, "afspraak_zoek_gin"),
    (Arrangement, arrangement_search_vector, "arrangement_zoek_gin"),
])
def test_search_uses_the_gin_index(model, vector, index):
    if connection.vendor != "postgresql":
        pytest.skip("Zoekindexen bestaan alleen op PostgreSQL.")
    query = SearchQuery("portofoon", config="dutch", search_type="websearch")
    assert index in plan(model.objects.alias(zoek=vector()).filter(zoek=query).order_by().values("pk"))
