import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from samenwerking import api_tokens

URL = "/api/v1/arrangementen/"


@pytest.mark.parametrize("url", ["/api/v1/arrangementen/", "/api/v1/driehoeken/"])
def test_anonymous_requests_are_refused(db, url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert response.data["detail"] == "Authenticatiegegevens zijn niet opgegeven."


def test_anonymous_cannot_create(driehoek):
    response = APIClient().post(URL, {"driehoek": driehoek.pk, "titel": "Anoniem"}, format="json")
    assert response.status_code in (401, 403)


def test_token_authentication_works_and_is_scoped(coordinator, concept, vreemd_arrangement):
    _token, key = api_tokens.create_token(gebruiker=coordinator, door=coordinator, naam="Test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(URL)
    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [concept.pk]
    response = client.patch(f"{URL}{concept.pk}/", {"lock_version": concept.lock_version, "doel": "Via token"},
                            format="json")
    assert response.status_code == 200
    assert client.get(f"{URL}{vreemd_arrangement.pk}/").status_code == 404


def test_a_wrong_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token ongeldig0000000000000000000000000000")
    response = client.get(URL)
    assert response.status_code in (401, 403)
    assert response.data["detail"] == "Ongeldige token."


def test_schema_is_a_valid_openapi_document_with_the_endpoints(db):
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/v1/driehoeken/", "/api/v1/driehoeken/{id}/", "/api/v1/arrangementen/",
        "/api/v1/arrangementen/{id}/", "/api/v1/arrangementen/{id}/transitie/",
        "/api/v1/arrangementen/{id}/afspraken/",
    }
    assert "delete" not in paths["/api/v1/arrangementen/{id}/"]
    transitie = paths["/api/v1/arrangementen/{id}/transitie/"]["post"]
    assert set(transitie["responses"]) >= {"200", "400", "403", "404"}
    assert "409" in paths["/api/v1/arrangementen/{id}/"]["patch"]["responses"]
    acties = schema["components"]["schemas"]["ActieEnum"]["enum"]
    assert "indienen" in acties and "ondertekening_voltooien" not in acties
    filters = {p["name"] for p in paths["/api/v1/arrangementen/"]["get"]["parameters"]}
    assert filters >= {"status", "gemeente", "basisteam", "domein", "verloopt_binnen", "evaluatie_gepland", "zoek"}
