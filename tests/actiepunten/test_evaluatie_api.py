"""/api/v1/evaluaties/: list, detail and create, scoped like the site, written through the service."""

import pytest
from rest_framework.test import APIClient

from actiepunten.evaluaties import services
from actiepunten.evaluaties.models import Evaluatie
from arrangementen.models import Arrangement, Status

from .evaluatiewereld import evaluatie_overleg, ondertekend_arrangement, oordelen_voor

EVALUATIES = "/api/v1/evaluaties/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def arrangement(driehoek, coordinator):
    return ondertekend_arrangement(driehoek, coordinator)


@pytest.fixture
def evaluatieoverleg(driehoek, secretaris):
    return evaluatie_overleg(driehoek, secretaris)


def _body(arrangement, overleg, **per_titel) -> dict:
    return {"arrangement": arrangement.pk, "overleg": overleg.pk, "conclusie": "herzien",
            "oordelen": [{"afspraak": r.afspraak_id, "oordeel": r.oordeel, "toelichting": r.toelichting}
                         for r in oordelen_voor(arrangement, **per_titel)]}


def test_secretaris_records_an_evaluation_through_the_api(secretaris, arrangement, evaluatieoverleg):
    response = api(secretaris).post(EVALUATIES, _body(arrangement, evaluatieoverleg, **{
        "Informatie delen": ("bijstellen", "Sneller")}), format="json")
    assert response.status_code == 201, response.data
    evaluatie = Evaluatie.objects.get()
    assert response.data["id"] == evaluatie.pk and response.data["conclusie"] == "herzien"
    assert {o["afspraak_titel"]: o["oordeel"] for o in response.data["oordelen"]}["Informatie delen"] == "bijstellen"
    assert response.data["volgende_evaluatie"] == evaluatie.volgende_evaluatie.isoformat()


def test_an_arrangement_not_in_force_answers_400_in_dutch(secretaris, arrangement, evaluatieoverleg):
    Arrangement.objects.filter(pk=arrangement.pk).update(status=Status.VASTGESTELD)
    response = api(secretaris).post(EVALUATIES, _body(arrangement, evaluatieoverleg), format="json")
    assert response.status_code == 400
    assert "in werking" in str(response.data)
    assert not Evaluatie.objects.exists()


def test_a_missing_oordeel_and_an_unknown_field_answer_400(secretaris, arrangement, evaluatieoverleg):
    body = _body(arrangement, evaluatieoverleg)
    body["oordelen"] = body["oordelen"][1:]
    assert api(secretaris).post(EVALUATIES, body, format="json").status_code == 400
    assert api(secretaris).post(EVALUATIES, {**_body(arrangement, evaluatieoverleg), "datum": "2025-01-01"},
                                format="json").status_code == 400
    assert not Evaluatie.objects.exists()


def test_a_coordinator_gets_403_and_another_driehoek_404(coordinator, vreemde, arrangement, evaluatieoverleg):
    assert api(coordinator).post(EVALUATIES, _body(arrangement, evaluatieoverleg), format="json").status_code == 403
    assert api(vreemde).post(EVALUATIES, _body(arrangement, evaluatieoverleg), format="json").status_code == 404


def test_list_and_detail_show_only_own_driehoeken(secretaris, lezer, vreemde, arrangement, evaluatieoverleg):
    evaluatie = services.record_evaluatie(arrangement=arrangement, overleg=evaluatieoverleg, user=secretaris,
                                          conclusie="voortzetten", oordelen=oordelen_voor(arrangement))
    listed = api(lezer).get(EVALUATIES, {"arrangement": arrangement.pk})
    assert [e["id"] for e in listed.data["results"]] == [evaluatie.pk]
    assert api(lezer).get(f"{EVALUATIES}{evaluatie.pk}/").data["oordelen"][0]["oordeel"] == "werkt"
    assert api(vreemde).get(EVALUATIES).data["results"] == []
    assert api(vreemde).get(f"{EVALUATIES}{evaluatie.pk}/").status_code == 404
