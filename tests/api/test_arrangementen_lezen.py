import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrangementen import services, workflow
from arrangementen.models import Modelafspraak
from samenwerking.models import Rol

from ..factories import DriehoekFactory, GebruikerFactory, lid, vandaag

URL = "/api/v1/arrangementen/"


def _edit(arrangement, user, inzet=None, **data):
    arrangement.refresh_from_db()
    return services.update_arrangement(arrangement=arrangement, user=user, data=data, inzet=inzet,
                                       expected_version=arrangement.lock_version)


def _ids(response):
    assert response.status_code == 200, response.data
    return {item["id"] for item in response.data["results"]}


def test_list_shows_only_arrangementen_of_own_driehoeken(api, coordinator, driehoek, maak_arrangement,
                                                        vreemd_arrangement):
    eigen = maak_arrangement(driehoek)
    response = api(coordinator).get(URL)
    assert _ids(response) == {eigen.pk}
    item = response.data["results"][0]
    assert item["driehoek"] == driehoek.pk
    assert item["driehoek_naam"] == driehoek.naam
    assert item["status"] == "concept"
    assert item["lock_version"] == eigen.lock_version


def test_detail_of_another_driehoeks_arrangement_is_404(api, coordinator, vreemd_arrangement):
    response = api(coordinator).get(f"{URL}{vreemd_arrangement.pk}/")
    assert response.status_code == 404
    assert "geen toegang" in response.data["detail"]


def test_unknown_or_absurd_id_is_404_not_500(api, coordinator):
    client = api(coordinator)
    assert client.get(f"{URL}999999/").status_code == 404
    assert client.get(f"{URL}{10**30}/").status_code == 404


def test_detail_has_afspraken_partijen_inzet_and_versions(api, coordinator, concept):
    response = api(coordinator).get(f"{URL}{concept.pk}/")
    assert response.status_code == 200
    data = response.data
    assert data["titel"] == "Handhavingsarrangement Teststad"
    assert (data["status"], data["versie"], data["vorige_versie"]) == ("concept", 1, None)
    assert data["lock_version"] == concept.lock_version
    verplicht = Modelafspraak.objects.filter(verplicht=True).first()
    afspraak = next(a for a in data["afspraken"] if a["modelafspraak"] == verplicht.pk)
    assert afspraak["onderwerp"] == {"id": verplicht.onderwerp_id, "naam": verplicht.onderwerp.naam,
                                     "niveau": verplicht.onderwerp.niveau}
    assert afspraak["niveau"] == verplicht.onderwerp.niveau
    # The parties from the reference data: the gemeente, and the politie eenheid of the driehoek's basisteam.
    eenheid = concept.driehoek.basisteam.eenheid
    assert [p["organisatie"] for p in data["partijen"]] == ["Gemeente Teststad", f"Politie Eenheid {eenheid.naam}"]
    assert data["partijen"][0]["ondertekenaar_functie"] == "burgemeester"
    assert [i["domein"] for i in data["inzet"]] == ["I", "II", "III", "IV", "V", "VI"]


def test_detail_lists_the_transitions_this_user_may_perform(api, coordinator, lezer, concept):
    mine = api(coordinator).get(f"{URL}{concept.pk}/").data["transities"]
    assert [t["actie"] for t in mine] == ["indienen", "intrekken"]
    assert next(t for t in mine if t["actie"] == "intrekken")["toelichting_verplicht"] is True
    assert api(lezer).get(f"{URL}{concept.pk}/").data["transities"] == []


def test_filters_narrow_the_list(api, coordinator, driehoek, maak_arrangement, bibliotheek_geladen):
    tweede = DriehoekFactory()
    lid(coordinator, tweede, Rol.COORDINATOR)
    today = vandaag()
    ingediend = maak_arrangement(driehoek, titel="Parkeren in het centrum", start="model")
    workflow.perform(arrangement=ingediend, action="indienen", user=coordinator)
    boa_ov = _edit(maak_arrangement(driehoek, titel="Toezicht station"), coordinator,
                   inzet=[services.InzetRegel("IV", 3, Decimal("2.0"))])
    verloopt = _edit(maak_arrangement(driehoek, titel="Afval"), coordinator,
                     geldig_van=today - datetime.timedelta(days=300), geldig_tot=today + datetime.timedelta(days=10))
    geëvalueerd = _edit(maak_arrangement(tweede, titel="Evenementen"), coordinator,
                        evaluatiedatum=today + datetime.timedelta(days=30))
    later = _edit(maak_arrangement(tweede, titel="Later"), coordinator,
                  geldig_tot=today + datetime.timedelta(days=200))
    client = api(coordinator)
    assert _ids(client.get(URL)) == {ingediend.pk, boa_ov.pk, verloopt.pk, geëvalueerd.pk, later.pk}
    assert _ids(client.get(URL, {"status": "ter_review"})) == {ingediend.pk}
    assert _ids(client.get(URL, {"domein": "IV"})) == {boa_ov.pk}
    assert _ids(client.get(URL, {"verloopt_binnen": 30})) == {verloopt.pk}
    assert _ids(client.get(URL, {"evaluatie_gepland": "true"})) == {geëvalueerd.pk}
    assert _ids(client.get(URL, {"gemeente": tweede.gemeenten.get().cbs_code})) == {geëvalueerd.pk, later.pk}
    assert _ids(client.get(URL, {"basisteam": driehoek.basisteam_id})) == {ingediend.pk, boa_ov.pk, verloopt.pk}
    assert _ids(client.get(URL, {"zoek": "parkeren"})) == {ingediend.pk}
    # Empty values, as a search form sends them, mean "no filter".
    assert len(_ids(client.get(URL, {"status": "", "domein": "", "zoek": "", "gemeente": ""}))) == 5


def test_a_filter_never_reveals_another_driehoeks_arrangementen(api, coordinator, vreemd_arrangement,
                                                                andere_driehoek):
    client = api(coordinator)
    assert _ids(client.get(URL, {"basisteam": andere_driehoek.basisteam_id})) == set()
    assert _ids(client.get(URL, {"zoek": "Niet van u"})) == set()


def test_invalid_filter_values_answer_400_in_dutch(api, coordinator):
    client = api(coordinator)
    cases = {
        "status": ("onzin", "ongeldige keuze"),
        "domein": ("VII", "ongeldige keuze"),
        "verloopt_binnen": ("abc", "Vul een geheel getal in"),
        "evaluatie_gepland": ("misschien", "Kies true of false"),
        "gemeente": ("GM9999", "Onbekende gemeente"),
        "basisteam": ("abc", "Geef het nummer van een basisteam"),
    }
    for name, (value, message) in cases.items():
        response = client.get(URL, {name: value})
        assert response.status_code == 400, name
        assert message in str(response.data[name][0]), (name, response.data)
    for value in ("-1", str(10**12)):
        response = client.get(URL, {"verloopt_binnen": value})
        assert response.status_code == 400
        assert "Vul een getal van" in str(response.data["verloopt_binnen"][0])
    response = client.get(URL, {"basisteam": 999999})
    assert response.status_code == 400
    assert "Onbekend basisteam" in str(response.data["basisteam"][0])


def _count_list_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.data["count"]


def test_list_query_count_does_not_grow_with_rows(api, coordinator, driehoek, maak_arrangement):
    tweede = DriehoekFactory()
    lid(coordinator, tweede, Rol.COORDINATOR)
    client = api(coordinator)
    for index in range(3):
        maak_arrangement(driehoek if index % 2 else tweede)
    few, count = _count_list_queries(client)
    assert count == 3
    for index in range(12):
        maak_arrangement(driehoek if index % 2 else tweede)
    many, count = _count_list_queries(client)
    assert count == 15
    assert many == few


def test_other_users_see_nothing_of_the_driehoek(api, concept):
    buitenstaander = GebruikerFactory()
    client = api(buitenstaander)
    assert _ids(client.get(URL)) == set()
    assert client.get(f"{URL}{concept.pk}/").status_code == 404
