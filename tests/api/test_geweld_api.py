"""Geweldsmiddelen per BOA-organisatie through the API (issue 20): read in the arrangement's detail and at
…/geweldsmiddelen/ by every member; written in concept by who may draft under the lock_version, with the site's
rules and Dutch messages per field; the retired per-arrangement list refused with a pointer to the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from arrangementen import geweldsmiddelen, services
from arrangementen.models import Arrangement, Geweldsmiddeltoekenning, Status
from samenwerking.models import Organisatie

from ..arrangementen.helpers import zet_status
from ..factories import OrganisatieFactory

URL = "/api/v1/arrangementen/"
pytestmark = pytest.mark.django_db


def fresh(arrangement) -> Arrangement:
    return Arrangement.objects.get(pk=arrangement.pk)


def rows_url(arrangement) -> str:
    return f"{URL}{arrangement.pk}/geweldsmiddelen/"


def row_url(arrangement, pk) -> str:
    return f"{rows_url(arrangement)}{pk}/"


def _org(arrangement, soort) -> Organisatie:
    return arrangement.partijen.filter(organisatie__soort=soort).first().organisatie


@pytest.fixture
def met_inzet(concept, coordinator):
    """The API's concept with BOA-inzet in domein I only."""
    services.update_arrangement(arrangement=concept, user=coordinator, expected_version=concept.lock_version,
                                data={}, inzet=[services.InzetRegel("I", 5, Decimal("4.0"))])
    return fresh(concept)


def body(arrangement, **overrides) -> dict:
    return {"lock_version": fresh(arrangement).lock_version,
            "organisatie": _org(arrangement, Organisatie.Soort.GEMEENTE).pk, "domein": "I",
            "geweldsmiddel": "handboeien", "toegekend_op": "2024-03-01", "kenmerk": "2024-0001234", **overrides}


def add_row(arrangement, user, **velden) -> Geweldsmiddeltoekenning:
    gegevens = geweldsmiddelen.Toekenninggegevens(**{
        "organisatie": _org(arrangement, Organisatie.Soort.GEMEENTE), "domein": "I", "geweldsmiddel": "wapenstok",
        **velden})
    return geweldsmiddelen.add_toekenning(arrangement=arrangement, user=user,
                                          expected_version=fresh(arrangement).lock_version, gegevens=gegevens)


def test_coordinator_adds_a_row_and_the_answer_is_the_arrangement_with_it(api, coordinator, met_inzet):
    gemeente = _org(met_inzet, Organisatie.Soort.GEMEENTE)
    response = api(coordinator).post(rows_url(met_inzet), body(met_inzet), format="json")
    assert response.status_code == 201, response.data
    assert response.data["lock_version"] == met_inzet.lock_version + 1
    [row] = response.data["geweldsmiddelen"]
    assert row | {"id": None} == {
        "id": None, "organisatie": gemeente.pk, "organisatie_naam": gemeente.naam, "domein": "I",
        "domein_label": "I – Openbare ruimte", "geweldsmiddel": "handboeien", "geweldsmiddel_label": "handboeien",
        "toegekend_op": "2024-03-01", "kenmerk": "2024-0001234"}
    saved = Geweldsmiddeltoekenning.objects.get(pk=row["id"])
    assert saved.arrangement == met_inzet and saved.history.get().history_user == coordinator


def test_members_read_the_rows_in_the_detail_and_the_list_but_may_not_write(api, lezer, reviewer, coordinator,
                                                                            met_inzet):
    add_row(met_inzet, coordinator)
    for user in (lezer, reviewer):
        client = api(user)
        assert [r["geweldsmiddel"] for r in client.get(rows_url(met_inzet)).data] == ["wapenstok"]
        assert [r["kenmerk"] for r in client.get(f"{URL}{met_inzet.pk}/").data["geweldsmiddelen"]] == [""]
        response = client.post(rows_url(met_inzet), body(met_inzet), format="json")
        assert response.status_code == 403 and "geen recht" in response.data["detail"]
    assert met_inzet.geweldsmiddeltoekenningen.count() == 1


def test_another_driehoeks_rows_are_404(api, coordinator, vreemde, met_inzet, vreemd_arrangement):
    row = add_row(met_inzet, coordinator)
    client = api(vreemde)
    assert client.get(rows_url(met_inzet)).status_code == 404
    assert client.post(rows_url(met_inzet), body(met_inzet), format="json").status_code == 404
    assert client.put(row_url(met_inzet, row.pk), body(met_inzet), format="json").status_code == 404
    assert client.delete(f"{row_url(met_inzet, row.pk)}?lock_version=1").status_code == 404
    eigen = api(coordinator)
    for wrong in (row_url(vreemd_arrangement, row.pk), row_url(met_inzet, 999999), row_url(met_inzet, "abc")):
        assert eigen.put(wrong, body(met_inzet), format="json").status_code == 404, wrong
    assert Geweldsmiddeltoekenning.objects.get(pk=row.pk).geweldsmiddel == "wapenstok"


def test_bad_input_is_400_naming_the_field_in_dutch_and_saves_nothing(api, coordinator, met_inzet):
    client = api(coordinator)
    politie = _org(met_inzet, Organisatie.Soort.POLITIE)
    buiten = OrganisatieFactory(naam="Woningcorporatie", soort=Organisatie.Soort.OVERIG)
    cases = [
        ({"domein": "IV"}, "domein", "Het arrangement heeft geen BOA-inzet in domein IV"),
        ({"domein": "VII"}, "domein", "Kies een domein: I, II, III, IV, V of VI."),
        ({"geweldsmiddel": "taser"}, "geweldsmiddel", "Kies een geweldsmiddel: handboeien, wapenstok"),
        ({"organisatie": politie.pk}, "organisatie", "De BOA-organisatie moet een partij van het arrangement zijn"),
        ({"organisatie": buiten.pk}, "organisatie", "De BOA-organisatie moet een partij van het arrangement zijn"),
        ({"organisatie": 10**9}, "organisatie", "Onbekende organisatie 1000000000."),
        ({"organisatie": "abc"}, "organisatie", "Geef een geldig nummer"),
        ({"toegekend_op": "gisteren"}, "toegekend_op", "Geen geldige datum"),
        ({"toegekend_op": "2999-01-01"}, "toegekend_op", "De datum van de toekenning ligt in de toekomst"),
        ({"kenmerk": "x" * 101}, "kenmerk", "Gebruik hoogstens 100 tekens."),
        ({"status": "ondertekend"}, "status", "Onbekend veld"),
    ]
    for overrides, field, message in cases:
        response = client.post(rows_url(met_inzet), body(met_inzet, **overrides), format="json")
        assert response.status_code == 400, overrides
        assert str(response.data[field][0]).startswith(message), (overrides, response.data)
    assert not met_inzet.geweldsmiddeltoekenningen.exists()
    assert fresh(met_inzet).lock_version == met_inzet.lock_version


def test_stale_lock_version_is_409_and_nothing_is_saved(api, coordinator, met_inzet):
    stale = body(met_inzet)
    add_row(met_inzet, coordinator)
    response = api(coordinator).post(rows_url(met_inzet), stale, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "verouderd" and response.data["lock_version"] == stale["lock_version"] + 1
    assert met_inzet.geweldsmiddeltoekenningen.count() == 1


def test_put_replaces_a_row_and_delete_removes_it(api, coordinator, met_inzet):
    row = add_row(met_inzet, coordinator, kenmerk="OUD-1")
    client = api(coordinator)
    response = client.put(row_url(met_inzet, row.pk), body(met_inzet, kenmerk="", toegekend_op=None,
                                                           geweldsmiddel="pepperspray"), format="json")
    assert response.status_code == 200, response.data
    row.refresh_from_db()
    assert (row.geweldsmiddel, row.kenmerk, row.toegekend_op) == ("pepperspray", "", None)
    response = client.delete(row_url(met_inzet, row.pk))
    assert response.status_code == 400 and response.data["lock_version"] == ["Dit veld is vereist."]
    response = client.delete(f"{row_url(met_inzet, row.pk)}?lock_version={fresh(met_inzet).lock_version}")
    assert response.status_code == 200 and response.data["geweldsmiddelen"] == []
    assert not Geweldsmiddeltoekenning.objects.filter(pk=row.pk).exists()


def test_rows_cannot_be_written_outside_concept(api, coordinator, met_inzet):
    row = add_row(met_inzet, coordinator)
    zet_status(met_inzet, Status.TER_REVIEW)
    client = api(coordinator)
    for response in (client.post(rows_url(met_inzet), body(met_inzet), format="json"),
                     client.put(row_url(met_inzet, row.pk), body(met_inzet), format="json"),
                     client.delete(f"{row_url(met_inzet, row.pk)}?lock_version={fresh(met_inzet).lock_version}")):
        assert response.status_code == 400
        assert "kan alleen in concept worden bewerkt" in str(response.data)
    assert Geweldsmiddeltoekenning.objects.get(pk=row.pk).geweldsmiddel == "wapenstok"


def test_the_inzet_of_a_domein_with_rows_cannot_go_to_zero(api, coordinator, met_inzet):
    add_row(met_inzet, coordinator)
    response = api(coordinator).patch(f"{URL}{met_inzet.pk}/", {
        "lock_version": fresh(met_inzet).lock_version, "inzet": [{"domein": "I", "aantal_boas": 0, "fte": 0}]},
        format="json")
    assert response.status_code == 400
    message = str(response.data["inzet"][0])
    assert message.startswith("I – Openbare ruimte: de BOA-inzet kan niet naar nul") and "korte wapenstok" in message
    assert met_inzet.inzet.get(domein="I").aantal_boas == 5


def test_the_detail_reads_the_rows_in_one_query(api, coordinator, met_inzet):
    client = api(coordinator)
    client.get(f"{URL}{met_inzet.pk}/")  # warm-up: per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{URL}{met_inzet.pk}/").status_code == 200
        return len(ctx.captured_queries)

    zonder = count()
    for middel in ("handboeien", "wapenstok", "pepperspray"):
        add_row(met_inzet, coordinator, geweldsmiddel=middel)
    assert count() == zonder
    assert len(client.get(f"{URL}{met_inzet.pk}/").data["geweldsmiddelen"]) == 3


def test_schema_documents_the_geweldsmiddelen_endpoints(db):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths[f"{URL}{{id}}/geweldsmiddelen/"]) == {"get", "post"}
    row = paths[f"{URL}{{id}}/geweldsmiddelen/{{toekenning_pk}}/"]
    assert set(row) >= {"put", "delete"} and "get" not in row
