"""The register of data flows through the API (issue 15, item 5): read by every member, written in concept by
who may draft under the arrangement's lock_version, bad input answered in Dutch naming the field, another
driehoek's arrangement and flows 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from arrangementen import gegevensstromen
from arrangementen.models import Arrangement, Gegevensstroom, Grondslag, Status

from ..arrangementen.helpers import zet_status
from ..factories import OrganisatieFactory

URL = "/api/v1/arrangementen/"
pytestmark = pytest.mark.django_db


def fresh(arrangement) -> Arrangement:
    return Arrangement.objects.get(pk=arrangement.pk)


def partijen(arrangement):
    return [p.organisatie for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]


def flows_url(arrangement) -> str:
    return f"{URL}{arrangement.pk}/gegevensstromen/"


def flow_url(arrangement, stroom_pk) -> str:
    return f"{flows_url(arrangement)}{stroom_pk}/"


def body(arrangement, **overrides) -> dict:
    gemeente, politie, *_ = partijen(arrangement)
    return {"lock_version": fresh(arrangement).lock_version, "verstrekker": politie.pk, "ontvangers": [gemeente.pk],
            "categorieen": "Meldingen van overlast", "doel": "Gerichte inzet van BOA's", "grondslag": "wpg-20",
            "zwaarwegend_algemeen_belang": "Veiligheid in de wijk", "voorwaarden": "Alleen voor de hotspots",
            "kanaal": "Beveiligde mail", "frequentie": "Wekelijks", "bewaartermijn": "Zes maanden",
            "verdere_verstrekking": False, "beveiligingsafspraken": "Versleuteld", **overrides}


def add_flow(arrangement, user, **overrides) -> Gegevensstroom:
    gemeente, politie, *_ = partijen(arrangement)
    velden = {"verstrekker": gemeente, "ontvangers": [politie], "categorieen": "Adressen", "doel": "Informatie",
              "grondslag": Grondslag.objects.get(code="avg-6-1-e"), **overrides}
    return gegevensstromen.add_gegevensstroom(arrangement=arrangement, user=user,
                                              expected_version=fresh(arrangement).lock_version,
                                              gegevens=gegevensstromen.Stroomgegevens(**velden))


# --- create --------------------------------------------------------------------------------------------

def test_coordinator_adds_a_flow_and_the_answer_is_the_arrangement_with_it(api, coordinator, concept):
    gemeente, politie, *_ = partijen(concept)
    afspraak = concept.afspraken.get(titel="Grondslag van informatiedeling")
    response = api(coordinator).post(flows_url(concept), body(concept, afspraak=afspraak.pk), format="json")
    assert response.status_code == 201, response.data
    assert response.data["lock_version"] == concept.lock_version + 1
    [stroom] = response.data["gegevensstromen"]
    assert stroom | {"id": None} == {
        "id": None, "verstrekker": politie.pk, "verstrekker_naam": politie.naam, "ontvangers": [gemeente.pk],
        "ontvangers_namen": [gemeente.naam], "overige_ontvangers": "", "toelichting_overige_ontvangers": "",
        "categorieen": "Meldingen van overlast", "doel": "Gerichte inzet van BOA's", "grondslag": "wpg-20",
        "grondslag_naam": "Structurele verstrekking in een samenwerkingsverband",
        "grondslag_verwijzing": "Wet politiegegevens, artikel 20",
        "zwaarwegend_algemeen_belang": "Veiligheid in de wijk", "voorwaarden": "Alleen voor de hotspots",
        "kanaal": "Beveiligde mail", "frequentie": "Wekelijks", "bewaartermijn": "Zes maanden",
        "verdere_verstrekking": False, "beveiligingsafspraken": "Versleuteld", "afspraak": afspraak.pk,
        "afspraak_titel": "Grondslag van informatiedeling",
    }
    saved = Gegevensstroom.objects.get(pk=stroom["id"])
    assert saved.arrangement == concept and list(saved.ontvangers.all()) == [gemeente]
    assert saved.history.first().history_user == coordinator


def test_reader_and_reviewer_may_read_but_not_add(api, lezer, reviewer, coordinator, concept):
    add_flow(concept, coordinator)
    for user in (lezer, reviewer):
        assert [s["categorieen"] for s in api(user).get(flows_url(concept)).data] == ["Adressen"]
        response = api(user).post(flows_url(concept), body(concept), format="json")
        assert response.status_code == 403
        assert "geen recht" in response.data["detail"]
    assert concept.gegevensstromen.count() == 1


def test_another_driehoeks_arrangement_and_flows_are_404(api, coordinator, vreemde, concept, vreemd_arrangement):
    stroom = add_flow(concept, coordinator)
    client = api(vreemde)
    assert client.get(flows_url(concept)).status_code == 404
    assert client.post(flows_url(concept), body(concept), format="json").status_code == 404
    assert client.put(flow_url(concept, stroom.pk), body(concept), format="json").status_code == 404
    assert client.delete(f"{flow_url(concept, stroom.pk)}?lock_version=1").status_code == 404
    # A flow is found only under its own arrangement, also for who may draft both.
    eigen_client = api(coordinator)
    for wrong in (flow_url(vreemd_arrangement, stroom.pk), flow_url(concept, 999999), flow_url(concept, "abc")):
        response = eigen_client.put(wrong, body(concept), format="json")
        assert response.status_code == 404, wrong
    assert Gegevensstroom.objects.get(pk=stroom.pk).categorieen == "Adressen"


# --- bad input -----------------------------------------------------------------------------------------

def test_unknown_grondslag_code_is_400_naming_the_field_in_dutch(api, coordinator, concept):
    response = api(coordinator).post(flows_url(concept), body(concept, grondslag="wpg-99"), format="json")
    assert response.status_code == 400
    assert set(response.data) == {"grondslag"}
    message = str(response.data["grondslag"][0])
    assert message.startswith("Onbekende grondslag “wpg-99”. Kies een van deze codes:")
    assert "wpg-16" in message and "avg-6-1-e" in message
    assert not concept.gegevensstromen.exists()


def test_missing_verstrekker_ontvanger_and_grondslag_are_dutch_field_errors(api, coordinator, concept):
    response = api(coordinator).post(flows_url(concept), {"lock_version": concept.lock_version,
                                                          "categorieen": "Camerabeelden"}, format="json")
    assert response.status_code == 400
    assert response.data["verstrekker"] == ["Kies de verstrekker."]
    assert response.data["ontvangers"] == ["Kies ten minste één ontvanger, of noem een andere ontvanger."]
    assert response.data["grondslag"] == ["Kies een grondslag uit de lijst."]
    assert response.data["doel"] == ["Beschrijf het doel van de verstrekking."]
    assert "categorieen" not in response.data
    assert fresh(concept).lock_version == concept.lock_version and not concept.gegevensstromen.exists()


def test_organisations_must_exist_and_be_parties_and_others_need_an_explanation(api, coordinator, concept):
    client = api(coordinator)
    buiten = OrganisatieFactory(naam="Woningcorporatie")
    cases = [
        ({"verstrekker": 10**9}, "verstrekker", "Onbekende organisatie 1000000000."),
        ({"ontvangers": [10**9, 10**9 + 1]}, "ontvangers", "Onbekende organisatie(s): 1000000000, 1000000001."),
        ({"ontvangers": [buiten.pk]}, "ontvangers", "Elke ontvanger moet een partij van het arrangement zijn."),
        ({"overige_ontvangers": "RIEC"}, "toelichting_overige_ontvangers", "Licht toe waarom"),
        ({"afspraak": 10**9}, "afspraak", "Onbekende afspraak 1000000000."),
        ({"verdere_verstrekking": "misschien"}, "verdere_verstrekking", "Kies true of false."),
        ({"grondslag": 16}, "grondslag", "Vul tekst in"),
        ({"status": "ondertekend"}, "status", "Onbekend veld"),
    ]
    for overrides, field, message in cases:
        response = client.post(flows_url(concept), body(concept, **overrides), format="json")
        assert response.status_code == 400, overrides
        assert str(response.data[field][0]).startswith(message), (overrides, response.data)
    assert not concept.gegevensstromen.exists()


def test_stale_lock_version_is_409_with_what_changed_and_nothing_is_saved(api, coordinator, concept):
    stale = body(concept)
    add_flow(concept, coordinator)
    response = api(coordinator).post(flows_url(concept), stale, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "verouderd" and response.data["lock_version"] == stale["lock_version"] + 1
    assert concept.gegevensstromen.count() == 1


# --- replace and delete ----------------------------------------------------------------------------------

def test_put_replaces_every_field_and_delete_removes_the_flow(api, coordinator, concept):
    stroom = add_flow(concept, coordinator, kanaal="Telefoon")
    client = api(coordinator)
    nieuw = body(concept, grondslag="wpg-16", zwaarwegend_algemeen_belang="", voorwaarden="")
    response = client.put(flow_url(concept, stroom.pk), nieuw, format="json")
    assert response.status_code == 200, response.data
    stroom.refresh_from_db()
    assert (stroom.grondslag.code, stroom.kanaal, stroom.categorieen) == ("wpg-16", "Beveiligde mail",
                                                                        "Meldingen van overlast")
    response = client.delete(flow_url(concept, stroom.pk))
    assert response.status_code == 400 and response.data["lock_version"] == ["Dit veld is vereist."]
    response = client.delete(f"{flow_url(concept, stroom.pk)}?lock_version={fresh(concept).lock_version}")
    assert response.status_code == 200 and response.data["gegevensstromen"] == []
    assert not Gegevensstroom.objects.filter(pk=stroom.pk).exists()


def test_flows_cannot_be_written_outside_concept(api, coordinator, concept):
    stroom = add_flow(concept, coordinator)
    zet_status(concept, Status.TER_REVIEW)
    client = api(coordinator)
    for response in (client.post(flows_url(concept), body(concept), format="json"),
                     client.put(flow_url(concept, stroom.pk), body(concept), format="json"),
                     client.delete(f"{flow_url(concept, stroom.pk)}?lock_version={fresh(concept).lock_version}")):
        assert response.status_code == 400
        assert "kan alleen in concept worden bewerkt" in str(response.data)
    assert Gegevensstroom.objects.get(pk=stroom.pk).kanaal == ""


# --- budget and schema -------------------------------------------------------------------------------------

def test_the_detail_reads_flows_and_their_ontvangers_in_one_query(api, coordinator, concept):
    client = api(coordinator)
    client.get(f"{URL}{concept.pk}/")  # warm-up: per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{URL}{concept.pk}/").status_code == 200
        return len(ctx.captured_queries)

    zonder = count()
    for _ in range(3):
        add_flow(concept, coordinator)
    add_flow(concept, coordinator, overige_ontvangers="RIEC", toelichting_overige_ontvangers="Casussen",
             ontvangers=[])
    assert count() == zonder <= 11  # tests/test_query_budgets.py: api_arrangement
    flows = client.get(f"{URL}{concept.pk}/").data["gegevensstromen"]
    assert [len(s["ontvangers"]) for s in flows] == [1, 1, 1, 0]


def test_schema_documents_the_flow_endpoints(db):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths[f"{URL}{{id}}/gegevensstromen/"]) == {"get", "post"}
    flow = paths[f"{URL}{{id}}/gegevensstromen/{{stroom_pk}}/"]
    assert set(flow) >= {"put", "delete"} and "get" not in flow
    assert set(flow["put"]["responses"]) >= {"200", "400", "403", "404", "409"}
    assert {p["name"] for p in flow["delete"]["parameters"]} >= {"id", "stroom_pk", "lock_version"}
    detail = schema["components"]["schemas"]["ArrangementDetail"]["properties"]
    assert detail["gegevensstromen"]["items"]["$ref"].endswith("/Gegevensstroom")
