"""Actiepunten: numbering, owners, links, the status table and its history, and who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actiepunten import services
from actiepunten.models import Actiepunt, Status

from ..factories import ArrangementFactory, GebruikerFactory, vandaag


def test_numbers_run_per_overleg(maak_punt, overleg, driehoek, secretaris):
    first, second = maak_punt(onderwerp="a"), maak_punt(onderwerp="b")
    other = services.create_overleg(driehoek=driehoek, user=secretaris, data={"soort": "tactisch", "datum": vandaag()})
    third = maak_punt(onderwerp="c", overleg_=other)
    loose = maak_punt(onderwerp="d", overleg_=None)
    assert (first.nummer, second.nummer, third.nummer, loose.nummer) == (1, 2, 1, 1)


def test_a_duplicate_number_is_refused_in_dutch(driehoek, overleg, secretaris, maak_punt):
    maak_punt()
    with pytest.raises(ValidationError, match="Nummer 1 bestaat al"):
        services.create_actiepunt(driehoek=driehoek, user=secretaris, overleg=overleg, nummer=1,
                                  data={"onderwerp": "x", "extern_naam": "X", "datum_gereed": vandaag()})


def test_every_actiepunt_has_an_owner(driehoek, secretaris):
    with pytest.raises(ValidationError) as error:
        services.create_actiepunt(driehoek=driehoek, user=secretaris,
                                  data={"onderwerp": "x", "datum_gereed": vandaag()})
    assert "eigenaar" in error.value.message_dict


def test_an_owner_from_another_driehoek_is_refused(driehoek, secretaris, vreemde):
    with pytest.raises(ValidationError, match="geen lid van deze driehoek"):
        services.create_actiepunt(driehoek=driehoek, user=secretaris,
                                  data={"onderwerp": "x", "eigenaar": vreemde, "datum_gereed": vandaag()})


def test_an_arrangement_of_another_driehoek_cannot_be_linked(driehoek, andere_driehoek, secretaris):
    with pytest.raises(ValidationError, match="andere driehoek"):
        services.create_actiepunt(driehoek=driehoek, user=secretaris, data={
            "onderwerp": "x", "extern_naam": "X", "datum_gereed": vandaag(),
            "arrangement": ArrangementFactory(driehoek=andere_driehoek)})


def test_a_lezer_may_not_create(driehoek, lezer):
    with pytest.raises(PermissionDenied):
        services.create_actiepunt(driehoek=driehoek, user=lezer,
                                  data={"onderwerp": "x", "extern_naam": "X", "datum_gereed": vandaag()})


def test_the_coordinator_manages_actiepunten_too(driehoek, coordinator):
    punt = services.create_actiepunt(driehoek=driehoek, user=coordinator,
                                     data={"onderwerp": "x", "extern_naam": "X", "datum_gereed": vandaag()})
    assert punt.history.first().history_user == coordinator


def test_status_changes_are_recorded_in_history_with_user_and_reason(maak_punt, secretaris):
    punt = maak_punt()
    services.change_status(actiepunt=punt, user=secretaris, action="starten")
    services.change_status(actiepunt=punt, user=secretaris, action="laten_vervallen", toelichting="Achterhaald")
    punt.refresh_from_db()
    assert punt.status == Status.VERVALLEN
    statuses = list(punt.history.order_by("history_id").values_list("status", "history_user__username",
                                                                    "history_change_reason"))
    assert statuses == [("open", "secretaris", None), ("in_uitvoering", "secretaris", "In uitvoering nemen"),
                        ("vervallen", "secretaris", "Laten vervallen: Achterhaald")]


def test_from_vervallen_only_reopening_is_allowed_and_the_refusal_says_why(maak_punt, secretaris):
    punt = maak_punt()
    services.change_status(actiepunt=punt, user=secretaris, action="laten_vervallen", toelichting="Weg")
    with pytest.raises(services.TransitionRefused) as refused:
        services.change_status(actiepunt=punt, user=secretaris, action="gereed_melden")
    assert "status 'vervallen'" in refused.value.messages[0]
    assert "Heropen het actiepunt eerst" in refused.value.messages[0]
    services.change_status(actiepunt=punt, user=secretaris, action="heropenen", toelichting="Toch nodig")
    services.change_status(actiepunt=punt, user=secretaris, action="gereed_melden")
    punt.refresh_from_db()
    assert (punt.status, punt.gereed_op) == (Status.GEREED, vandaag())


def test_reasons_are_required_for_vervallen_and_heropenen(maak_punt, secretaris):
    punt = maak_punt()
    with pytest.raises(ValidationError) as error:
        services.change_status(actiepunt=punt, user=secretaris, action="laten_vervallen", toelichting="  ")
    assert "toelichting" in error.value.message_dict


def test_the_eigenaar_may_change_the_status_of_their_own_actiepunt(maak_punt, lezer):
    punt = maak_punt(eigenaar=lezer)
    services.change_status(actiepunt=punt, user=lezer, action="gereed_melden")
    assert Actiepunt.objects.get().status == Status.GEREED


def test_another_lezer_may_not_change_the_status(maak_punt, lezer):
    punt = maak_punt()
    with pytest.raises(PermissionDenied):
        services.change_status(actiepunt=punt, user=lezer, action="gereed_melden")


def test_a_refused_status_change_in_the_ui_shows_the_reason(client, maak_punt, secretaris):
    punt = maak_punt()
    services.change_status(actiepunt=punt, user=secretaris, action="laten_vervallen", toelichting="Weg")
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_status", args=[punt.pk, "gereed_melden"]))
    assert response.status_code == 400
    assert "Heropen het actiepunt eerst" in response.content.decode()
    assert Actiepunt.objects.get().status == Status.VERVALLEN


def test_status_change_through_the_ui(client, maak_punt, secretaris):
    punt = maak_punt()
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_status", args=[punt.pk, "gereed_melden"]))
    assert response.status_code == 302
    assert Actiepunt.objects.get().status == Status.GEREED
    page = client.get(reverse("actiepunten:actiepunt", args=[punt.pk])).content.decode()
    assert "Gereed melden" in page  # the history names the change


def test_an_unknown_status_action_is_404(client, maak_punt, secretaris):
    client.force_login(secretaris)
    assert client.post(reverse("actiepunten:actiepunt_status", args=[maak_punt().pk, "opblazen"])).status_code == 404


def test_the_form_keeps_input_and_shows_dutch_errors(client, driehoek, secretaris):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]),
                           {"onderwerp": "Mijn onderwerp", "datum_gereed": "32-13-2020"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mijn onderwerp" in body
    assert "Vul een geldige datum in" in body
    assert "vul de naam van een externe eigenaar in" in body
    assert not Actiepunt.objects.exists()


def test_creating_through_the_ui_with_an_external_owner(client, driehoek, secretaris, overleg):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[driehoek.pk]), {
        "onderwerp": "Notitie sturen", "extern_naam": "Lieke Sievers", "extern_email": "lieke@example.invalid",
        "extern_organisatie": "BOA-Platform", "datum_gereed": "2030-02-22", "overleg": overleg.pk})
    assert response.status_code == 302
    punt = Actiepunt.objects.get()
    assert (punt.overleg, punt.nummer, punt.eigenaar_naam, punt.datum_gereed) == (
        overleg, 1, "Lieke Sievers (BOA-Platform)", datetime.date(2030, 2, 22))


def test_someone_elses_actiepunt_cannot_be_made_from_another_driehoek(client, andere_driehoek, secretaris):
    client.force_login(secretaris)
    response = client.post(reverse("actiepunten:actiepunt_nieuw", args=[andere_driehoek.pk]),
                           {"onderwerp": "x", "extern_naam": "X", "datum_gereed": "2030-01-01"})
    assert response.status_code == 404


def test_users_outside_see_404_for_an_actiepunt(client, maak_punt):
    client.force_login(GebruikerFactory())
    assert client.get(reverse("actiepunten:actiepunt", args=[maak_punt().pk])).status_code == 404
