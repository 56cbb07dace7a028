"""An actiepunt without a date ("datum onbekend", e.g. from an import) may stay so when edited: the form,
the API and the reminders treat the empty date the same; a known date cannot be cleared."""

import datetime

from django.urls import reverse
from rest_framework.test import APIClient

from actiepunten import services
from actiepunten.models import Actiepunt, Herinnering

from ..factories import vandaag

DAY = datetime.timedelta(days=1)


def _onbekend(punt) -> Actiepunt:
    Actiepunt.objects.filter(pk=punt.pk).update(datum_gereed=None)
    punt.refresh_from_db()
    return punt


def _post(client, punt, **changes):
    data = {"onderwerp": punt.onderwerp, "eigenaar": punt.eigenaar_id or "", "extern_naam": punt.extern_naam,
            "extern_email": punt.extern_email, "datum_gereed": "", **changes}
    return client.post(reverse("actiepunten:actiepunt_bewerken", args=[punt.pk]), data)


def test_editing_a_point_without_a_date_keeps_it_datum_onbekend(client, secretaris, maak_punt):
    punt = _onbekend(maak_punt(onderwerp="Oud"))
    client.force_login(secretaris)
    page = client.get(reverse("actiepunten:actiepunt_bewerken", args=[punt.pk])).content.decode()
    assert "Leeg laten: het actiepunt blijft &#x27;datum onbekend&#x27;." in page
    response = _post(client, punt, onderwerp="Nieuw onderwerp")
    assert response.status_code == 302, response.context["form"].errors
    punt.refresh_from_db()
    assert (punt.onderwerp, punt.datum_gereed) == ("Nieuw onderwerp", None)


def test_a_point_with_a_date_still_needs_one_in_the_form(client, secretaris, maak_punt):
    punt = maak_punt(onderwerp="Met datum")
    client.force_login(secretaris)
    response = _post(client, punt, onderwerp="Gewijzigd")
    assert response.status_code == 200
    assert response.context["form"].errors["datum_gereed"] == ["Dit veld is vereist."]
    assert response.context["form"]["onderwerp"].value() == "Gewijzigd"
    punt.refresh_from_db()
    assert (punt.onderwerp, punt.datum_gereed) == ("Met datum", vandaag())


def test_the_api_keeps_an_empty_date_empty_and_refuses_clearing_a_known_one(coordinator, maak_punt):
    client = APIClient()
    client.force_login(coordinator)
    onbekend = _onbekend(maak_punt(onderwerp="Zonder datum"))
    response = client.put(f"/api/v1/actiepunten/{onbekend.pk}/", {
        "onderwerp": "Zonder datum, gewijzigd", "extern_naam": "Externe Eigenaar", "datum_gereed": None},
        format="json")
    assert response.status_code == 200, response.data
    assert response.data["datum_gereed"] is None
    bekend = maak_punt(onderwerp="Met datum")
    response = client.patch(f"/api/v1/actiepunten/{bekend.pk}/", {"datum_gereed": None}, format="json")
    assert response.status_code == 400
    assert response.data["datum_gereed"] == [
        "Vul de datum gereed in; alleen een actiepunt zonder datum mag 'datum onbekend' blijven."]
    bekend.refresh_from_db()
    assert bekend.datum_gereed == vandaag()


def test_a_new_point_through_the_api_still_needs_a_date(coordinator, driehoek):
    client = APIClient()
    client.force_login(coordinator)
    response = client.post("/api/v1/actiepunten/", {
        "driehoek": driehoek.pk, "onderwerp": "Nieuw", "extern_naam": "X", "datum_gereed": None}, format="json")
    assert response.status_code == 400
    assert response.data["datum_gereed"] == ["Dit veld mag niet leeg zijn."]
    assert not Actiepunt.objects.filter(onderwerp="Nieuw").exists()


def test_a_point_kept_without_a_date_gets_no_reminder(client, secretaris, maak_punt, lezer):
    punt = _onbekend(maak_punt(eigenaar=lezer, datum_gereed=vandaag() + 7 * DAY))
    client.force_login(secretaris)
    assert _post(client, punt, onderwerp="Bijgewerkt").status_code == 302
    for offset in range(0, 20):
        services.claim_reminders(today=vandaag() + offset * DAY)
    soorten = [Herinnering.Soort.VANDAAG, Herinnering.Soort.BINNENKORT, Herinnering.Soort.VERLOPEN]
    assert not Herinnering.objects.filter(onderwerp_id=punt.pk, soort__in=soorten).exists()
