"""Regressions found by fuzzing the API (tests/fuzz/test_api_schema.py), each pinned by a plain example."""

import pytest
from django.urls import reverse

NO_NUMBERS = ["abc", "null", "²", "-1", "9" * 30]


@pytest.mark.parametrize("path", [
    "/api/v1/arrangementen/{}/", "/api/v1/arrangementen/{}/pdf/", "/api/v1/overleggen/{}/",
    "/api/v1/actiepunten/{}/", "/api/v1/driehoeken/{}/",
])
@pytest.mark.parametrize("pk", NO_NUMBERS)
def test_an_id_that_is_no_whole_number_is_a_dutch_404_not_a_500(api, coordinator, path, pk):
    response = api(coordinator).get(path.format(pk))
    assert response.status_code == 404
    assert response.json()["detail"] == "Onbekend nummer: dit bestaat niet of u heeft er geen toegang toe."


@pytest.mark.parametrize(("method", "path"), [
    ("patch", "/api/v1/arrangementen/abc/"), ("post", "/api/v1/arrangementen/abc/transitie/"),
    ("post", "/api/v1/arrangementen/abc/afspraken/"), ("put", "/api/v1/overleggen/abc/"),
    ("post", "/api/v1/actiepunten/abc/status/"),
])
def test_writes_to_an_id_that_is_no_whole_number_answer_404(api, coordinator, method, path):
    response = getattr(api(coordinator), method)(path, {}, format="json")
    assert response.status_code == 404


def test_a_nul_character_in_the_gemeente_filter_is_a_400_not_a_500(api, coordinator):
    response = api(coordinator).get("/api/v1/arrangementen/", {"gemeente": "GM\x000344"})
    assert response.status_code == 400
    assert response.json()["gemeente"] == ["Onbekende gemeente (CBS-code) 'GM0344'."]


def test_the_schema_documents_what_lists_and_the_driehoek_answer_besides_200(api, coordinator):
    paths = api(coordinator).get(reverse("api:schema"), {"format": "json"}).json()["paths"]
    for path in ("/api/v1/arrangementen/", "/api/v1/overleggen/", "/api/v1/actiepunten/"):
        assert {"200", "400", "404"} <= set(paths[path]["get"]["responses"]), path
    assert {"200", "404"} <= set(paths["/api/v1/driehoeken/"]["get"]["responses"])
    assert {"200", "404"} <= set(paths["/api/v1/driehoeken/{id}/"]["get"]["responses"])


@pytest.mark.parametrize("path", ["/api/v1/arrangementen/", "/api/v1/overleggen/", "/api/v1/actiepunten/"])
def test_an_empty_or_unknown_page_is_a_dutch_404_not_the_first_page(api, coordinator, path):
    assert api(coordinator).get(path, {"page": "1"}).status_code == 200
    empty = api(coordinator).get(f"{path}?page=")
    assert empty.status_code == 404
    assert empty.json()["detail"] == "Ongeldige pagina: vul een paginanummer in of laat 'page' weg."
    far = api(coordinator).get(path, {"page": "999"})
    assert far.status_code == 404
    assert far.json()["detail"] == "Ongeldige pagina: pagina 999 bestaat niet."
