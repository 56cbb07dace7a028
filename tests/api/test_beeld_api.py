"""The aggregate picture in the API (issue 16): /api/v1/beeld/ (JSON) and /api/v1/beeld/geojson/ — the gemeenten
of the user's overview scopes with state, dates, parties count and BOA-inzet; 403 without a scope; Dutch 400 on a
bad peildatum; a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from samenwerking import api_tokens
from samenwerking.models import Overzichtsniveau, Rol

from ..arrangementen.test_beeld import _arrangement, _in_force, _user
from ..factories import (
    DriehoekFactory,
    EenheidFactory,
    GebruikerFactory,
    GemeenteFactory,
    VeiligheidsregioFactory,
    lid,
)

DAY = datetime.timedelta(days=1)
URL, GEOJSON = "/api/v1/beeld/", "/api/v1/beeld/geojson/"
API_BUDGET = 12


@pytest.fixture
def land(db):
    noord, zuid = EenheidFactory(code="RE71", naam="Noord"), EenheidFactory(code="RE72", naam="Zuid")
    regio_n = VeiligheidsregioFactory(code="VR71", naam="Regio Noord", eenheid=noord)
    regio_z = VeiligheidsregioFactory(code="VR72", naam="Regio Zuid", eenheid=zuid)
    g = {naam: GemeenteFactory(officiele_naam=naam, cbs_code=code, veiligheidsregio=regio)
         for naam, code, regio in (("Aadorp", "GM7001", regio_n), ("Bedum", "GM7002", regio_n),
                                   ("Cadier", "GM7003", regio_n), ("Zelhem", "GM7004", regio_z))}
    covering = _in_force([g["Aadorp"], g["Bedum"]], boas=4, fte=3, titel="Geheime titel")
    _arrangement([g["Cadier"]], titel="Geheim concept")
    _in_force([g["Zelhem"]], boas=9, fte=7)
    return {"noord": noord, "gemeenten": g, "covering": covering}


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_an_eenheid_user_gets_the_state_of_their_gemeenten_only_and_no_content(land):
    response = _client(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"])).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [item["naam"] for item in body] == ["Aadorp", "Bedum", "Cadier"]
    today = timezone.localdate()
    assert body[0] == {
        "id": land["gemeenten"]["Aadorp"].pk, "naam": "Aadorp", "cbs_code": "GM7001", "eenheid": "Noord",
        "veiligheidsregio": "Regio Noord", "stand": "in_werking", "stand_label": "ondertekend en in werking",
        "gedekt": True, "arrangementen": 1, "geldig_van": (today - 80 * DAY).isoformat(),
        "geldig_tot": (today + 400 * DAY).isoformat(), "partijen": 2, "boas": 5, "fte": "4.0",
        "inzet": [{"domein": "I", "boas": 4, "fte": "3.0"}, {"domein": "II", "boas": 1, "fte": "1.0"},
                  *[{"domein": d, "boas": 0, "fte": "0.0"} for d in ("III", "IV", "V", "VI")]],
        "geweldsmiddelen_zonder_arrangement": False,
    }
    assert body[2] | {"id": 0} == {
        "id": 0, "naam": "Cadier", "cbs_code": "GM7003", "eenheid": "Noord", "veiligheidsregio": "Regio Noord",
        "stand": "in_voorbereiding", "stand_label": "in voorbereiding", "gedekt": False, "arrangementen": 1,
        "geldig_van": body[2]["geldig_van"], "geldig_tot": body[2]["geldig_tot"], "partijen": 1, "boas": None,
        "fte": None, "inzet": [], "geweldsmiddelen_zonder_arrangement": False,
    }
    assert b"Geheim" not in response.content and b"Zelhem" not in response.content


def test_the_geojson_is_a_feature_collection_with_each_gemeentes_state(land):
    response = _client(_user(niveau=Overzichtsniveau.LANDELIJK)).get(GEOJSON)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["peildatum"] == timezone.localdate().isoformat()
    assert [(f["type"], f["id"], f["geometry"]) for f in body["features"]] == [
        ("Feature", code, None) for code in ("GM7001", "GM7002", "GM7003", "GM7004")]
    assert [f["properties"]["stand"] for f in body["features"]] == ["in_werking"] * 2 + ["in_voorbereiding",
                                                                                        "in_werking"]
    assert body["features"][3]["properties"]["boas"] == 10


def test_a_past_peildatum_gives_the_past_state(land):
    client = _client(_user(niveau=Overzichtsniveau.LANDELIJK))
    before = (timezone.localdate() - 95 * DAY).isoformat()
    body = client.get(URL, {"peildatum": before}).json()
    assert [item["stand"] for item in body] == ["vastgesteld", "vastgesteld", "in_voorbereiding", "vastgesteld"]
    assert [item["boas"] for item in body] == [None] * 4
    assert client.get(GEOJSON, {"peildatum": before}).json()["peildatum"] == before


@pytest.mark.parametrize("url", [URL, GEOJSON])
@pytest.mark.parametrize(("peildatum", "message"), [
    ("31-02-2026", "Geen geldige datum: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-12-31."),
    ("2026-02-31", "Geen geldige datum: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-12-31."),
    ("0001-01-01", "Kies een peildatum tussen 1900 en 2999."),
])
def test_a_bad_peildatum_is_a_dutch_400(land, url, peildatum, message):
    response = _client(_user(niveau=Overzichtsniveau.LANDELIJK)).get(url, {"peildatum": peildatum})
    assert response.status_code == 400
    assert response.json() == {"peildatum": [message]}


@pytest.mark.parametrize("url", [URL, GEOJSON])
def test_without_an_overview_role_the_api_refuses(land, url):
    member = GebruikerFactory()
    lid(member, DriehoekFactory(gemeenten=list(land["gemeenten"].values())), Rol.SECRETARIS)
    lid(member, land["covering"].driehoek, Rol.COORDINATOR)
    response = _client(member).get(url)
    assert response.status_code == 403
    assert "overzichtsrol" in response.json()["detail"]
    assert APIClient().get(url).status_code == 403


def test_an_api_token_of_a_scope_user_works(land):
    user = _user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_tokens.create_token(gebruiker=user, door=user, naam='T')[1]}")
    assert [f["id"] for f in client.get(GEOJSON).json()["features"]] == ["GM7001", "GM7002", "GM7003"]


def test_the_schema_documents_both_endpoints(db):
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in (URL, GEOJSON):
        operation = schema["paths"][path]["get"]
        assert {"200", "400", "403"} <= set(operation["responses"])
        assert [p["name"] for p in operation["parameters"]] == ["peildatum"]


@pytest.mark.parametrize("url", [URL, GEOJSON])
def test_the_api_reads_in_a_constant_number_of_queries(land, url):
    client = _client(_user(niveau=Overzichtsniveau.EENHEID, eenheid=land["noord"]))
    client.get(url)  # warm-up: per-process caches do not count

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for index in range(30):
        gemeente = GemeenteFactory(veiligheidsregio=land["gemeenten"]["Aadorp"].veiligheidsregio)
        (_in_force if index % 2 else _arrangement)([gemeente], boas=index % 5)
        _in_force([gemeente, land["gemeenten"]["Aadorp"]])
    body = client.get(url).json()
    assert len(body["features"] if url == GEOJSON else body) == 33
    assert count() == small <= API_BUDGET
