"""The toelichting typed on an actiepunt goes with whichever status button is pressed, and is kept whole."""

import re

from django.urls import reverse

from actiepunten import services
from actiepunten.models import Actiepunt, Status


def _forms(page: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", page, flags=re.S)


def _status_form(page: str) -> str:
    forms = [f for f in _forms(page) if "Gereed melden" in f]
    assert len(forms) == 1, forms
    return forms[0]


def test_the_toelichting_is_in_the_same_form_as_every_status_button(client, maak_punt, secretaris):
    punt = maak_punt()
    client.force_login(secretaris)
    page = client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode()
    form = _status_form(page)
    assert form.count('name="toelichting"') == 1
    for label in ("In uitvoering nemen", "Gereed melden", "Laten vervallen"):
        assert f">{label}</button>" in form
    assert page.count('name="toelichting"') == 1  # one field, not one per button


def test_gereed_melden_with_a_toelichting_keeps_it_in_the_history(client, maak_punt, secretaris):
    punt = maak_punt()
    client.force_login(secretaris)
    page = client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode()
    action = re.search(r'formaction="([^"]+)"[^>]*>Gereed melden<', _status_form(page))[1]
    toelichting = "Het rooster is gedeeld met alle teams; " * 5  # longer than a history reason used to hold
    response = client.post(action, {"toelichting": toelichting})
    assert response.status_code == 302
    punt.refresh_from_db()
    assert punt.status == Status.GEREED
    assert punt.history.first().history_change_reason == f"Gereed melden: {toelichting.strip()}"
    page = client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode()
    assert f"Gereed melden: {toelichting.strip()}" in page


def test_a_long_toelichting_is_stored_whole(maak_punt, secretaris):
    punt = maak_punt()
    toelichting = "x" * 2000
    services.change_status(actiepunt=punt, user=secretaris, action="laten_vervallen", toelichting=toelichting)
    assert Actiepunt.history.filter(id=punt.pk).first().history_change_reason == f"Laten vervallen: {toelichting}"


def test_a_refused_status_change_keeps_the_typed_toelichting(client, maak_punt, secretaris):
    punt = maak_punt()
    services.change_status(actiepunt=punt, user=secretaris, action="laten_vervallen", toelichting="Weg")
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_status", args=[punt.pk, "heropenen"]),
                           {"toelichting": "   "})
    assert response.status_code == 400
    assert "Geef een toelichting" in response.content.decode()
    response = client.post(reverse("actiepunten:actiepunt_status", args=[punt.pk, "gereed_melden"]),
                           {"toelichting": "Mijn uitleg"})
    assert response.status_code == 400
    assert "Mijn uitleg</textarea>" in response.content.decode()


def test_the_toelichting_is_marked_required_only_as_far_as_the_offered_buttons_need_it(
        client, maak_punt, secretaris):
    punt = maak_punt()
    client.force_login(secretaris)
    form = _status_form(client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode())
    assert "niet verplicht" not in form
    assert "Verplicht bij: “Laten vervallen”." in form
    assert " required" not in form.split("<textarea", 1)[1].split(">", 1)[0]

    services.change_status(actiepunt=punt, user=secretaris, action="gereed_melden")
    page = client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode()
    form = [f for f in _forms(page) if ">Heropenen</button>" in f][0]
    assert "niet verplicht" not in form
    assert " required" in form.split("<textarea", 1)[1].split(">", 1)[0]


def test_the_owner_fields_say_when_they_are_needed_instead_of_niet_verplicht(client, driehoek, secretaris):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]),
                           {"onderwerp": "Rooster delen", "datum_gereed": "2030-01-01"})
    page = response.content.decode()
    assert "Kies een eigenaar, of vul de naam van een externe eigenaar in." in page
    for field_id in ("id_eigenaar", "id_extern_naam"):
        label = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', page, flags=re.S)[1]
        assert "niet verplicht" not in label
    assert "Verplicht als de eigenaar van buiten de driehoek komt." in page
    assert "Rooster delen</textarea>" in page
