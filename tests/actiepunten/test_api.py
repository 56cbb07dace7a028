"""/api/v1/overleggen/ and /api/v1/actiepunten/: scoped like the site, written through the services."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from actiepunten import services
from actiepunten.models import Actiepunt, Overleg, Status
from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid, vandaag

OVERLEGGEN = "/api/v1/overleggen/"
ACTIEPUNTEN = "/api/v1/actiepunten/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.data
    return [item["id"] for item in response.data["results"]]


@pytest.fixture
def vreemd_punt(andere_driehoek, vreemde):
    overleg = services.create_overleg(driehoek=andere_driehoek, user=vreemde,
                                      data={"soort": "tactisch", "datum": vandaag()})
    return services.create_actiepunt(driehoek=andere_driehoek, user=vreemde, overleg=overleg,
                                     data={"onderwerp": "Niet van u", "extern_naam": "X", "datum_gereed": vandaag()})


# --- actiepunten: reading -------------------------------------------------------------------------

def test_the_list_shows_only_actiepunten_of_own_driehoeken(coordinator, maak_punt, vreemd_punt):
    eigen = maak_punt(onderwerp="Portofoons regelen", eigenaar=coordinator)
    response = api(coordinator).get(ACTIEPUNTEN)
    assert _ids(response) == [eigen.pk]
    item = response.data["results"][0]
    assert (item["nummer"], item["onderwerp"], item["eigenaar"], item["eigenaar_naam"]) == (
        1, "Portofoons regelen", coordinator.pk, str(coordinator))
    assert (item["status"], item["status_label"], item["overleg_naam"]) == ("open", "open", str(eigen.overleg))
    assert item["signaal"] == "binnenkort"


def test_an_actiepunt_of_another_driehoek_is_404(coordinator, vreemd_punt):
    client = api(coordinator)
    for pk in (vreemd_punt.pk, 999999, 10**30):
        response = client.get(f"{ACTIEPUNTEN}{pk}/")
        assert response.status_code == 404
    assert "geen toegang" in response.data["detail"]


def test_the_detail_names_the_status_changes_this_user_may_make(coordinator, lezer, maak_punt):
    punt = maak_punt(eigenaar=coordinator)
    eigen = api(coordinator).get(f"{ACTIEPUNTEN}{punt.pk}/").data["transities"]
    assert [t["actie"] for t in eigen] == ["starten", "gereed_melden", "laten_vervallen"]
    assert next(t for t in eigen if t["actie"] == "laten_vervallen")["toelichting_verplicht"] is True
    assert api(lezer).get(f"{ACTIEPUNTEN}{punt.pk}/").data["transities"] == []


def test_filters_work_like_the_site(secretaris, coordinator, lezer, overleg, maak_punt, driehoek):
    today = vandaag()
    verlopen = maak_punt(onderwerp="Te laat", eigenaar=coordinator, datum_gereed=today - datetime.timedelta(days=3))
    later = maak_punt(onderwerp="Later", eigenaar=lezer, datum_gereed=today + datetime.timedelta(days=60))
    extern = maak_punt(onderwerp="Extern", extern_naam="Ine Schilder", extern_organisatie="Omgevingsdienst",
                       datum_gereed=today + datetime.timedelta(days=30))
    gereed = maak_punt(onderwerp="Klaar", eigenaar=coordinator, datum_gereed=today + datetime.timedelta(days=90))
    services.change_status(actiepunt=gereed, user=coordinator, action="gereed_melden")
    client = api(coordinator)
    assert _ids(client.get(ACTIEPUNTEN, {"status": "verlopen"})) == [verlopen.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"status": "lopend"})) == [verlopen.pk, extern.pk, later.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"status": "gereed"})) == [gereed.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"mijn": "true"})) == [verlopen.pk, gereed.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"eigenaar": lezer.pk})) == [later.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"wie": "omgevingsdienst"})) == [extern.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"van": str(today), "tot": str(today + datetime.timedelta(days=45))})) == [
        extern.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"overleg": overleg.pk, "driehoek": driehoek.pk})) == [
        verlopen.pk, extern.pk, later.pk, gereed.pk]
    assert _ids(client.get(ACTIEPUNTEN, {"driehoek": DriehoekFactory().pk})) == []


def test_a_wrong_filter_is_a_dutch_400(coordinator):
    response = api(coordinator).get(ACTIEPUNTEN, {"status": "kwijt", "van": "gisteren", "mijn": "misschien"})
    assert response.status_code == 400
    assert response.data["status"] == ["'kwijt' is geen geldige keuze."]
    assert response.data["van"] == ["Geen geldige datum: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-12-31."]
    assert response.data["mijn"] == ["Kies true of false."]


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_actiepunten_list_takes_the_same_number_of_queries_for_1_or_7_rows(secretaris, coordinator, maak_punt,
                                                                              driehoek):
    client = api(coordinator)
    maak_punt(eigenaar=coordinator)
    one = _count_queries(client, ACTIEPUNTEN)
    tweede = services.create_overleg(driehoek=driehoek, user=secretaris, data={"soort": "werkgroep",
                                                                               "datum": vandaag()})
    for _ in range(3):
        maak_punt(eigenaar=coordinator)
        maak_punt(extern_naam="Extern", overleg_=tweede)
    assert _count_queries(client, ACTIEPUNTEN) == one


def test_the_overleggen_list_takes_the_same_number_of_queries_for_1_or_5_rows(secretaris, coordinator, driehoek,
                                                                            overleg, maak_punt):
    client = api(coordinator)
    one = _count_queries(client, OVERLEGGEN)
    for dag in range(4):
        extra = services.create_overleg(driehoek=driehoek, user=secretaris, data={
            "soort": "tactisch", "datum": vandaag() - datetime.timedelta(days=dag + 1), "voorzitter": coordinator,
            "secretaris": secretaris})
        maak_punt(overleg_=extra)
    assert _count_queries(client, OVERLEGGEN) == one
    assert len(client.get(OVERLEGGEN).data["results"]) == 5


# --- actiepunten: writing -------------------------------------------------------------------------

def _nieuw(driehoek, **extra):
    return {"driehoek": driehoek.pk, "onderwerp": "Rooster delen", "datum_gereed": "2030-03-08", **extra}


def test_a_manager_creates_an_actiepunt_numbered_in_its_overleg(coordinator, driehoek, overleg, maak_punt):
    maak_punt()
    response = api(coordinator).post(ACTIEPUNTEN, _nieuw(driehoek, overleg=overleg.pk, eigenaar=coordinator.pk),
                                     format="json")
    assert response.status_code == 201, response.data
    punt = Actiepunt.objects.get(pk=response.data["id"])
    assert (punt.nummer, punt.overleg, punt.eigenaar, punt.datum_gereed) == (
        2, overleg, coordinator, datetime.date(2030, 3, 8))
    assert punt.history.get().history_user == coordinator
    assert response.data["transities"]


def test_creating_in_another_driehoek_is_404_and_without_the_right_403(lezer, coordinator, driehoek,
                                                                       andere_driehoek):
    assert api(coordinator).post(ACTIEPUNTEN, _nieuw(andere_driehoek, extern_naam="X"),
                                 format="json").status_code == 404
    response = api(lezer).post(ACTIEPUNTEN, _nieuw(driehoek, extern_naam="X"), format="json")
    assert response.status_code == 403
    assert response.data["detail"] == "U heeft in deze driehoek geen recht op deze handeling."
    assert not Actiepunt.objects.exists()


def test_invalid_input_is_refused_per_field_in_dutch(coordinator, driehoek, vreemd_punt):
    buiten = GebruikerFactory()
    response = api(coordinator).post(ACTIEPUNTEN, {
        "driehoek": driehoek.pk, "datum_gereed": "8 maart", "eigenaar": buiten.pk, "extern_email": "geen-adres",
        "kleur": "rood"}, format="json")
    assert response.status_code == 400
    assert response.data["kleur"] == ["Onbekend veld: dit veld bestaat niet of kan hier niet worden gewijzigd."]
    response = api(coordinator).post(ACTIEPUNTEN, {
        "driehoek": driehoek.pk, "datum_gereed": "8 maart", "eigenaar": buiten.pk, "extern_email": "geen-adres"},
        format="json")
    assert response.status_code == 400
    assert response.data["onderwerp"] == ["Dit veld is vereist."]
    assert response.data["datum_gereed"] == ["Geen geldige datum: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-12-31."]
    assert response.data["extern_email"] == ["Vul een geldig e-mailadres in."]
    response = api(coordinator).post(ACTIEPUNTEN, _nieuw(driehoek, eigenaar=buiten.pk), format="json")
    assert (response.status_code, response.data) == (400, {"eigenaar": ["Geen lid van deze driehoek."]})
    response = api(coordinator).post(ACTIEPUNTEN, _nieuw(driehoek, overleg=vreemd_punt.overleg_id, extern_naam="X"),
                                     format="json")
    assert (response.status_code, response.data) == (400, {"overleg": ["Onbekend overleg in deze driehoek."]})
    response = api(coordinator).post(ACTIEPUNTEN, _nieuw(driehoek), format="json")
    assert response.status_code == 400
    assert response.data["eigenaar"] == ["Kies een eigenaar, of vul de naam van een externe eigenaar in."]
    assert not Actiepunt.objects.filter(driehoek=driehoek).exists()


def test_a_taken_nummer_is_a_400(coordinator, driehoek, overleg, maak_punt):
    maak_punt()
    response = api(coordinator).post(ACTIEPUNTEN, _nieuw(driehoek, overleg=overleg.pk, nummer=1, extern_naam="X"),
                                     format="json")
    assert (response.status_code, response.data) == (400, {"nummer": ["Nummer 1 bestaat al."]})


def test_patch_changes_only_what_is_sent(coordinator, lezer, maak_punt, vreemd_punt):
    punt = maak_punt(eigenaar=coordinator, onderwerp="Oud")
    response = api(coordinator).patch(f"{ACTIEPUNTEN}{punt.pk}/", {"onderwerp": "Nieuw"}, format="json")
    assert response.status_code == 200, response.data
    punt.refresh_from_db()
    assert (punt.onderwerp, punt.eigenaar) == ("Nieuw", coordinator)
    assert api(lezer).patch(f"{ACTIEPUNTEN}{punt.pk}/", {"onderwerp": "Lezer"}, format="json").status_code == 403
    assert api(coordinator).patch(f"{ACTIEPUNTEN}{vreemd_punt.pk}/", {"onderwerp": "X"},
                                  format="json").status_code == 404
    assert api(coordinator).delete(f"{ACTIEPUNTEN}{punt.pk}/").status_code == 405


# --- the status change ----------------------------------------------------------------------------

def test_the_eigenaar_reports_an_actiepunt_done(lezer, maak_punt):
    punt = maak_punt(eigenaar=lezer)
    response = api(lezer).post(f"{ACTIEPUNTEN}{punt.pk}/status/", {"actie": "gereed_melden"}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["gereed_op"]) == ("gereed", str(vandaag()))
    assert [t["actie"] for t in response.data["transities"]] == ["heropenen"]
    punt.refresh_from_db()
    assert punt.status == Status.GEREED
    assert punt.history.first().history_user == lezer


def test_status_changes_refused_with_the_right_code(lezer, coordinator, maak_punt, vreemd_punt):
    punt = maak_punt(eigenaar=coordinator)
    url = f"{ACTIEPUNTEN}{punt.pk}/status/"
    response = api(lezer).post(url, {"actie": "gereed_melden"}, format="json")
    assert response.status_code == 403
    assert "eigenaar" in response.data["detail"]
    response = api(coordinator).post(url, {"actie": "laten_vervallen"}, format="json")
    assert (response.status_code, response.data["toelichting"]) == (
        400, ["Geef een toelichting: de andere deelnemers lezen waarom."])
    response = api(coordinator).post(url, {"actie": "heropenen", "toelichting": "Toch"}, format="json")
    assert response.status_code == 400
    assert response.data["actie"] == ["'Heropenen' kan niet: het actiepunt heeft de status 'open'."]
    response = api(coordinator).post(url, {"actie": "weggooien"}, format="json")
    assert (response.status_code, response.data["actie"]) == (400, ["'weggooien' is geen geldige keuze."])
    assert api(coordinator).post(f"{ACTIEPUNTEN}{vreemd_punt.pk}/status/", {"actie": "gereed_melden"},
                                 format="json").status_code == 404
    punt.refresh_from_db()
    assert punt.status == Status.OPEN


# --- overleggen -----------------------------------------------------------------------------------

def test_the_secretaris_records_an_overleg_with_everything(secretaris, coordinator, lezer, driehoek):
    response = api(secretaris).post(OVERLEGGEN, {
        "driehoek": driehoek.pk, "soort": "werkgroep", "titel": "Werkgroep Samenwerking", "datum": "2019-02-07",
        "begintijd": "10:00", "eindtijd": "12:00", "locatie": "Het CCV", "voorzitter_extern": "Lieke Sievers",
        "secretaris": secretaris.pk,
        "deelnemers": [{"gebruiker": coordinator.pk}, {"naam": "Jos Speetjens", "organisatie": "Nationale Politie"},
                       {"gebruiker": lezer.pk, "aanwezig": False}],
        "agenda": ["Opening", "Sluiting"], "besluiten": ["Basisteams bezoeken"],
        "verslag": "<p onclick='x()'>Lieke <strong>opent</strong></p><script>alert(1)</script>",
    }, format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert (data["naam"], data["voorzitter_naam"], data["secretaris"]) == (
        "Werkgroep Samenwerking", "Lieke Sievers", secretaris.pk)
    assert data["verslag"] == "<p>Lieke <strong>opent</strong></p>"
    assert data["deelnemers"] == [
        {"gebruiker": coordinator.pk, "naam": str(coordinator), "organisatie": "", "aanwezig": True},
        {"gebruiker": None, "naam": "Jos Speetjens", "organisatie": "Nationale Politie", "aanwezig": True},
        {"gebruiker": lezer.pk, "naam": str(lezer), "organisatie": "", "aanwezig": False},
    ]
    assert (data["agenda"], data["besluiten"], data["actiepunten"]) == (
        ["Opening", "Sluiting"], ["Basisteams bezoeken"], [])
    assert Overleg.objects.get().history.get().history_user == secretaris


def test_overleg_input_errors_are_dutch_and_per_field(secretaris, driehoek):
    buiten = GebruikerFactory()
    response = api(secretaris).post(OVERLEGGEN, {
        "driehoek": driehoek.pk, "soort": "borrel", "datum": "2030-01-01", "begintijd": "tien uur",
        "deelnemers": [{"organisatie": "Zonder naam"}]}, format="json")
    assert response.status_code == 400
    assert response.data["soort"] == ["'borrel' is geen geldige keuze."]
    assert response.data["begintijd"] == ["Geen geldige tijd: gebruik UU:MM, bijvoorbeeld 10:30."]
    assert response.json()["deelnemers"] == {"0": {"naam": ["Geef een gebruiker of een naam."]}}
    response = api(secretaris).post(OVERLEGGEN, {
        "driehoek": driehoek.pk, "soort": "tactisch", "datum": "2030-01-01", "begintijd": "12:00",
        "eindtijd": "10:00"}, format="json")
    assert (response.status_code, response.data) == (400, {"eindtijd": ["De eindtijd ligt vóór de begintijd."]})
    response = api(secretaris).post(OVERLEGGEN, {
        "driehoek": driehoek.pk, "soort": "tactisch", "datum": "2030-01-01",
        "deelnemers": [{"naam": "Extern"}, {"gebruiker": buiten.pk}]}, format="json")
    assert response.status_code == 400
    assert response.json()["deelnemers"] == {"1": {"gebruiker": ["Geen lid van deze driehoek."]}}
    assert not Overleg.objects.exists()


def test_only_who_manages_overleggen_records_them_and_only_in_own_driehoeken(coordinator, secretaris, driehoek,
                                                                             andere_driehoek):
    body = {"soort": "tactisch", "datum": "2030-01-01"}
    assert api(coordinator).post(OVERLEGGEN, {"driehoek": driehoek.pk, **body}, format="json").status_code == 403
    assert api(secretaris).post(OVERLEGGEN, {"driehoek": andere_driehoek.pk, **body},
                                format="json").status_code == 404
    assert not Overleg.objects.exists()


def test_a_patch_keeps_the_lists_it_does_not_name(secretaris, coordinator, driehoek):
    overleg = services.create_overleg(driehoek=driehoek, user=secretaris, data={"soort": "tactisch",
                                                                                "datum": vandaag()},
                                      deelnemers=[services.Deelnemer(gebruiker=coordinator)],
                                      agenda=["Opening"], besluiten=["Besluit"])
    url = f"{OVERLEGGEN}{overleg.pk}/"
    response = api(secretaris).patch(url, {"locatie": "Soest"}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["locatie"], response.data["agenda"], response.data["besluiten"]) == (
        "Soest", ["Opening"], ["Besluit"])
    assert [d["gebruiker"] for d in response.data["deelnemers"]] == [coordinator.pk]
    response = api(secretaris).put(url, {"soort": "evaluatie", "datum": "2030-02-02"}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["soort"], response.data["locatie"], response.data["agenda"],
            response.data["deelnemers"]) == ("evaluatie", "", [], [])
    assert api(coordinator).patch(url, {"locatie": "X"}, format="json").status_code == 403


def test_the_overleg_detail_lists_its_actiepunten_in_number_order(coordinator, overleg, maak_punt, vreemd_punt):
    punten = [maak_punt(onderwerp=f"Punt {n}", datum_gereed=vandaag() + datetime.timedelta(days=10 - n))
              for n in range(1, 4)]
    data = api(coordinator).get(f"{OVERLEGGEN}{overleg.pk}/").data
    assert [a["id"] for a in data["actiepunten"]] == [p.pk for p in punten]
    assert api(coordinator).get(f"{OVERLEGGEN}{vreemd_punt.overleg_id}/").status_code == 404
    assert _ids(api(coordinator).get(OVERLEGGEN)) == [overleg.pk]


def test_the_overleggen_list_filters_by_driehoek_soort_and_date(coordinator, secretaris, driehoek, overleg):
    tweede = DriehoekFactory()
    lid(secretaris, tweede, Rol.SECRETARIS)
    lid(coordinator, tweede, Rol.COORDINATOR)
    elders = services.create_overleg(driehoek=tweede, user=secretaris,
                                     data={"soort": "tactisch", "datum": vandaag() - datetime.timedelta(days=40)})
    client = api(coordinator)
    assert _ids(client.get(OVERLEGGEN)) == [overleg.pk, elders.pk]
    assert _ids(client.get(OVERLEGGEN, {"driehoek": tweede.pk})) == [elders.pk]
    assert _ids(client.get(OVERLEGGEN, {"soort": "werkgroep"})) == [overleg.pk]
    assert _ids(client.get(OVERLEGGEN, {"tot": str(vandaag() - datetime.timedelta(days=1))})) == [elders.pk]


# --- schema ---------------------------------------------------------------------------------------

def test_the_schema_documents_the_new_endpoints_without_renaming_other_enums(db):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths) >= {"/api/v1/overleggen/", "/api/v1/overleggen/{id}/", "/api/v1/actiepunten/",
                          "/api/v1/actiepunten/{id}/", "/api/v1/actiepunten/{id}/status/"}
    assert "delete" not in paths["/api/v1/actiepunten/{id}/"]
    assert set(paths["/api/v1/actiepunten/{id}/status/"]["post"]["responses"]) >= {"200", "400", "403", "404"}
    filters = {p["name"] for p in paths["/api/v1/actiepunten/"]["get"]["parameters"]}
    assert filters >= {"mijn", "driehoek", "status", "eigenaar", "wie", "overleg", "arrangement", "van", "tot"}
    assert "indienen" in schema["components"]["schemas"]["ActieEnum"]["enum"]
