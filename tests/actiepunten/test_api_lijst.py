"""The API's list of actiepunten at scale: it joins only what it shows (issue 19), and shows exactly what it did."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actiepunten.models import Actiepunt

from ..factories import AfspraakFactory, ArrangementFactory, vandaag
from .test_api import ACTIEPUNTEN, api

pytestmark = pytest.mark.django_db


@pytest.fixture
def gekoppeld(driehoek, maak_punt, coordinator):
    """An actiepunt linked to an arrangement and one of its afspraken, with a user as eigenaar, in an overleg."""
    arrangement = ArrangementFactory(driehoek=driehoek)
    afspraak = AfspraakFactory(arrangement=arrangement)
    punt = maak_punt(eigenaar=coordinator, onderwerp="Gekoppeld")
    Actiepunt.objects.filter(pk=punt.pk).update(arrangement=arrangement, afspraak=afspraak)  # test setup only
    return punt, arrangement, afspraak


def test_the_list_query_does_not_join_arrangementen_or_afspraken(coordinator, gekoppeld):
    with CaptureQueriesContext(connection) as queries:
        response = api(coordinator).get(ACTIEPUNTEN)
    assert response.status_code == 200 and response.data["count"] == 1
    page = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "actiepunten_actiepunt"."id"')]
    assert len(page) == 1
    assert '"arrangementen_afspraak"' not in page[0] and '"arrangementen_arrangement"' not in page[0]
    assert '"samenwerking_driehoek"."naam"' in page[0] and '"actiepunten_overleg"."datum"' in page[0]


def test_a_list_item_is_the_detail_without_its_transities(coordinator, gekoppeld, maak_punt):
    punt, arrangement, afspraak = gekoppeld
    maak_punt(extern_naam="Extern", extern_email="extern@example.invalid", overleg_=None, datum_gereed=vandaag())
    client = api(coordinator)
    items = {item["id"]: item for item in client.get(ACTIEPUNTEN).data["results"]}
    assert len(items) == 2
    for pk, item in items.items():
        detail = dict(client.get(f"{ACTIEPUNTEN}{pk}/").data)
        detail.pop("transities")
        assert dict(item) == detail
    item = items[punt.pk]
    assert (item["arrangement"], item["afspraak"], item["eigenaar"]) == (arrangement.pk, afspraak.pk,
                                                                         coordinator.pk)
    assert item["overleg_naam"] == str(punt.overleg) and item["driehoek_naam"] == punt.driehoek.naam
    assert item["eigenaar_naam"] == str(coordinator)
