"""Dutch and quiet error pages: a bad Host header, a CSRF failure, and the public API schema (issue 11, item 9)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid

INTERNAL = ("DEBUG", "Bad Request", "Forbidden", "CSRF verification failed", "DisallowedHost", "Traceback",
            "ALLOWED_HOSTS", "Reason given", "Invalid HTTP_HOST")


def assert_quiet(html: str):
    for word in INTERNAL:
        assert word not in html, word


@pytest.mark.parametrize("path", ["/", "/inloggen/", "/arrangementen/"])
def test_a_bad_host_gets_a_dutch_400_that_reveals_nothing(db, client, settings, path):
    settings.ALLOWED_HOSTS = ["arrangementen.example.nl"]
    response = client.get(path, HTTP_HOST="aanvaller.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ongeldig verzoek" in html
    assert "Controleer het adres in de adresbalk" in html
    assert '<html lang="nl"' in html
    assert "aanvaller.example" not in html
    assert_quiet(html)


def test_a_bad_host_on_the_api_gets_dutch_json(db, client, settings):
    settings.ALLOWED_HOSTS = ["arrangementen.example.nl"]
    response = client.get("/api/v1/arrangementen/", HTTP_HOST="aanvaller.example")
    assert response.status_code == 400
    assert response.json() == {"detail": "Dit verzoek kan niet worden verwerkt. Controleer het adres in de "
                                         "adresbalk en probeer het opnieuw."}


def test_a_csrf_failure_is_a_dutch_403_without_debug_hints(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "iemand", "password": "geheim-wachtwoord"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulier verlopen" in html
    assert "laad de pagina opnieuw" in html
    assert_quiet(html)


def test_a_csrf_failure_of_a_logged_in_form_is_the_same_dutch_403(db):
    driehoek = DriehoekFactory()
    user = GebruikerFactory()
    lid(user, driehoek, Rol.SECRETARIS)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("actiepunten:overleg_nieuw", args=[driehoek.pk]),
                           {"soort": "tactisch", "datum": "2030-01-01"})
    assert response.status_code == 403
    assert "Formulier verlopen" in response.content.decode()
    assert not driehoek.overleggen.exists()


def test_a_csrf_failure_on_the_api_is_dutch_json(db):
    driehoek = DriehoekFactory()
    user = GebruikerFactory()
    lid(user, driehoek, Rol.COORDINATOR)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/arrangementen/", {"driehoek": driehoek.pk, "titel": "Nieuw"}, format="json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("Het verzoek is geweigerd: de beveiligingscontrole (CSRF) van uw sessie ontbreekt")
    assert "CSRF Failed" not in detail and "token" not in detail


def test_the_api_schema_is_public_and_holds_no_data(db, client):
    DriehoekFactory(naam="Driehoek Geheimstad")
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '"openapi"' in body
    assert "Geheimstad" not in body
