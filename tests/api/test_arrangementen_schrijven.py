import datetime

from django.db.models import Q

from arrangementen import services, workflow
from arrangementen.models import Afspraak, Arrangement, BoaInzet, Modelafspraak, Onderwerp

from ..factories import vandaag

URL = "/api/v1/arrangementen/"


def _detail(arrangement):
    return f"{URL}{arrangement.pk}/"


# --- create ---------------------------------------------------------------------------------------------

def test_create_from_the_model_fills_the_standard_clauses(api, coordinator, driehoek, bibliotheek_geladen):
    response = api(coordinator).post(URL, {"driehoek": driehoek.pk, "titel": "  Arrangement 2026 ",
                                           "start": "model"}, format="json")
    assert response.status_code == 201, response.data
    arrangement = Arrangement.objects.get(pk=response.data["id"])
    assert (arrangement.titel, arrangement.status, arrangement.driehoek) == ("Arrangement 2026", "concept",
                                                                             driehoek)
    expected = set(Modelafspraak.objects.filter(Q(verplicht=True) | Q(standaard=True), actief=True)
                   .values_list("pk", flat=True))
    assert {a["modelafspraak"] for a in response.data["afspraken"]} == expected
    assert not workflow.missing_mandatory_clauses(arrangement)


def test_create_blank_has_no_afspraken(api, coordinator, driehoek, bibliotheek_geladen):
    response = api(coordinator).post(URL, {"driehoek": driehoek.pk, "titel": "Leeg", "start": "leeg"},
                                     format="json")
    assert response.status_code == 201
    assert response.data["afspraken"] == []


def test_create_in_another_driehoek_is_404_and_creates_nothing(api, coordinator, andere_driehoek):
    for driehoek_id in (andere_driehoek.pk, 999999, 10**30):
        response = api(coordinator).post(URL, {"driehoek": driehoek_id, "titel": "Poging"}, format="json")
        assert response.status_code == 404, response.data
    assert not Arrangement.objects.exists()


def test_create_without_draft_right_is_403(api, lezer, reviewer, driehoek):
    for user in (lezer, reviewer):
        response = api(user).post(URL, {"driehoek": driehoek.pk, "titel": "Poging"}, format="json")
        assert response.status_code == 403
        assert "geen recht" in response.data["detail"]
    assert not Arrangement.objects.exists()


def test_create_refuses_wrong_input_with_dutch_field_errors(api, coordinator, driehoek):
    client = api(coordinator)
    cases = [
        ({"driehoek": driehoek.pk, "titel": 123}, "titel", "Vul tekst in"),
        ({"driehoek": driehoek.pk, "titel": "   "}, "titel", "mag niet leeg zijn"),
        ({"driehoek": driehoek.pk}, "titel", "Dit veld is vereist"),
        ({"driehoek": driehoek.pk, "titel": "x" * 251}, "titel", "hoogstens 250 tekens"),
        ({"driehoek": driehoek.pk, "titel": "Goed", "start": "half"}, "start", "ongeldige keuze"),
        ({"driehoek": "abc", "titel": "Goed"}, "driehoek", "Vul een geheel getal in"),
        ({"driehoek": [driehoek.pk], "titel": "Goed"}, "driehoek", "Vul een geheel getal in"),
        ({"driehoek": driehoek.pk, "titel": "Goed", "status": "ondertekend"}, "status", "Onbekend veld"),
    ]
    for body, field, message in cases:
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, body
        assert message in str(response.data[field][0]), (body, response.data)
    assert not Arrangement.objects.exists()


def test_malformed_or_non_object_body_is_400_in_dutch(api, coordinator):
    client = api(coordinator)
    response = client.post(URL, "{kapot", content_type="application/json")
    assert response.status_code == 400
    assert response.data["detail"] == "De inhoud van het verzoek is geen geldige JSON."
    response = client.post(URL, [1, 2], format="json")
    assert response.status_code == 400
    assert "Verwacht een dictionary" in str(response.data["non_field_errors"][0])


def test_there_is_no_delete(api, coordinator, concept):
    assert api(coordinator).delete(_detail(concept)).status_code == 405
    assert Arrangement.objects.filter(pk=concept.pk).exists()


# --- update ---------------------------------------------------------------------------------------------

def test_patch_changes_the_given_fields_and_bumps_the_lock_version(api, coordinator, concept):
    version = concept.lock_version
    response = api(coordinator).patch(_detail(concept), {
        "lock_version": version, "doel": "Samen veilig", "geldig_van": "2026-01-01", "geldig_tot": "2027-12-31",
        "inzet": [{"domein": "I", "aantal_boas": 4, "fte": "2.5"}, {"domein": "IV", "aantal_boas": 1, "fte": 1}],
    }, format="json")
    assert response.status_code == 200, response.data
    assert response.data["lock_version"] == version + 1
    concept.refresh_from_db()
    assert (concept.titel, concept.doel, concept.geldig_tot) == (
        "Handhavingsarrangement Teststad", "Samen veilig", datetime.date(2027, 12, 31))
    assert response.data["geweldsmiddelen"] == []  # per organisation now (issue 20): tests/api/test_geweld_api.py
    inzet = {i.domein: (i.aantal_boas, str(i.fte)) for i in concept.inzet.all()}
    assert inzet["I"] == (4, "2.5") and inzet["IV"] == (1, "1.0") and inzet["II"] == (0, "0.0")
    assert {"domein": "I", "aantal_boas": 4, "fte": 2.5} in response.data["inzet"]


def test_put_replaces_all_editable_fields(api, coordinator, concept):
    client = api(coordinator)
    client.patch(_detail(concept), {"lock_version": concept.lock_version, "doel": "Oud doel"}, format="json")
    concept.refresh_from_db()
    response = client.put(_detail(concept), {"lock_version": concept.lock_version, "titel": "Nieuw"},
                          format="json")
    assert response.status_code == 200, response.data
    concept.refresh_from_db()
    assert (concept.titel, concept.doel) == ("Nieuw", "")


def test_put_requires_titel(api, coordinator, concept):
    response = api(coordinator).put(_detail(concept), {"lock_version": concept.lock_version}, format="json")
    assert response.status_code == 400
    assert "titel" in response.data


def test_update_refuses_bad_input_and_saves_nothing(api, coordinator, concept):
    client = api(coordinator)
    version = concept.lock_version
    good_inzet = [{"domein": "I", "aantal_boas": 7, "fte": 3}]
    cases = [
        ({"geldig_van": "2026-06-01", "geldig_tot": "2026-01-01", "inzet": good_inzet}, "geldig_tot", "vóór"),
        ({"geldig_van": "morgen"}, "geldig_van", "Geen geldige datum"),
        ({"titel": 123}, "titel", "Vul tekst in"),
        ({"titel": ""}, "titel", "mag niet leeg zijn"),
        ({"doel": ["lijst"]}, "doel", "Vul tekst in"),
        ({"opzegtermijn_maanden": -3}, "opzegtermijn_maanden", "Vul een getal van 0 of meer in"),
        # The per-arrangement list is retired (issue 20): the answer says where geweldsmiddelen are written now.
        ({"geweldsmiddelen": ["kanon"]}, "geweldsmiddelen", "per BOA-organisatie en domein"),
        ({"geweldsmiddelen": "handboeien"}, "geweldsmiddelen", "…/arrangementen/{id}/geweldsmiddelen/"),
        ({"lock_version": "twee"}, "lock_version", "Vul een geheel getal in"),
        ({"versie": 9}, "versie", "Onbekend veld"),
        ({"driehoek": 1, "status": "ondertekend"}, "driehoek", "Onbekend veld"),
    ]
    for body, field, message in cases:
        response = client.patch(_detail(concept), {"lock_version": version, **body}, format="json")
        assert response.status_code == 400, body
        assert message in str(response.data[field][0]), (body, response.data)
    concept.refresh_from_db()
    assert concept.lock_version == version
    assert concept.geldig_van is None and concept.titel == "Handhavingsarrangement Teststad"
    assert concept.inzet.get(domein="I").aantal_boas == 0


def test_negative_or_wrong_inzet_is_refused_per_row(api, coordinator, concept):
    client = api(coordinator)
    cases = [
        ([{"domein": "I", "aantal_boas": -1, "fte": 1}], "aantal_boas", "Vul een getal van 0 of meer in"),
        ([{"domein": "I", "aantal_boas": 1, "fte": -0.5}], "fte", "Vul een getal van 0 of meer in"),
        ([{"domein": "I", "aantal_boas": "veel", "fte": 1}], "aantal_boas", "Vul een geheel getal in"),
        ([{"domein": "I", "aantal_boas": True, "fte": 1}], "aantal_boas", "Vul een geheel getal in"),
        ([{"domein": "VII", "aantal_boas": 1, "fte": 1}], "domein", "ongeldige keuze"),
    ]
    for inzet, field, message in cases:
        response = client.patch(_detail(concept), {"lock_version": concept.lock_version, "inzet": inzet},
                                format="json")
        assert response.status_code == 400, inzet
        assert message in str(response.data["inzet"][0][field][0]), (inzet, response.data)
    response = client.patch(_detail(concept), {"lock_version": concept.lock_version, "inzet": [
        {"domein": "I", "aantal_boas": 1, "fte": 1}, {"domein": "I", "aantal_boas": 2, "fte": 1}]}, format="json")
    assert response.status_code == 400
    assert "hoogstens één keer" in str(response.data["inzet"][0])
    assert not BoaInzet.objects.filter(arrangement=concept).exclude(aantal_boas=0).exists()


def test_a_patched_inzet_row_must_name_domein_aantal_and_fte(api, coordinator, concept):
    """PATCH makes the arrangement's fields optional, not a row's fields (an empty row answered 500)."""
    client = api(coordinator)
    for inzet, missing in (([{}], {"domein", "aantal_boas", "fte"}), ([{"domein": "I"}], {"aantal_boas", "fte"}),
                           ([{"domein": "I", "aantal_boas": 2}], {"fte"})):
        response = client.patch(_detail(concept), {"lock_version": concept.lock_version, "inzet": inzet},
                                format="json")
        assert response.status_code == 400, inzet
        assert set(response.data["inzet"][0]) == missing, response.data
        assert all(str(m[0]) == "Dit veld is vereist." for m in response.data["inzet"][0].values())
    assert not BoaInzet.objects.filter(arrangement=concept).exclude(aantal_boas=0).exists()


def test_patch_without_lock_version_is_400(api, coordinator, concept):
    response = api(coordinator).patch(_detail(concept), {"titel": "Zonder versie"}, format="json")
    assert response.status_code == 400
    assert "vereist" in str(response.data["lock_version"][0])


def test_stale_lock_version_is_409_with_the_changes_and_saves_nothing(api, coordinator, concept):
    old_version = concept.lock_version
    services.update_arrangement(arrangement=concept, user=coordinator, expected_version=old_version,
                                data={"titel": "Door een collega gewijzigd"})
    response = api(coordinator).patch(_detail(concept), {
        "lock_version": old_version, "titel": "Mijn titel", "inzet": [{"domein": "I", "aantal_boas": 5, "fte": 1}],
    }, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "verouderd"
    assert "Er is niets opgeslagen" in response.data["detail"]
    assert response.data["lock_version"] == old_version + 1
    velden = [v for e in response.data["wijzigingen"] for v in e["velden"]]
    assert {"veld": "titel", "oud": "Handhavingsarrangement Teststad", "nieuw": "Door een collega gewijzigd"} \
        in velden
    concept.refresh_from_db()
    assert (concept.titel, concept.lock_version) == ("Door een collega gewijzigd", old_version + 1)
    assert concept.inzet.get(domein="I").aantal_boas == 0


def test_patch_on_another_driehoeks_arrangement_is_404(api, coordinator, vreemd_arrangement):
    response = api(coordinator).patch(_detail(vreemd_arrangement), {
        "lock_version": vreemd_arrangement.lock_version, "titel": "Overgenomen"}, format="json")
    assert response.status_code == 404
    vreemd_arrangement.refresh_from_db()
    assert vreemd_arrangement.titel == "Niet van u"


def test_patch_without_draft_right_is_403_even_with_bad_input(api, lezer, reviewer, concept):
    for user in (lezer, reviewer):
        for body in ({"lock_version": concept.lock_version, "titel": "Van mij"}, {"titel": 5}):
            assert api(user).patch(_detail(concept), body, format="json").status_code == 403
    concept.refresh_from_db()
    assert concept.titel == "Handhavingsarrangement Teststad"


def test_patch_outside_concept_is_400_in_dutch(api, coordinator, concept):
    workflow.perform(arrangement=concept, action="indienen", user=coordinator)
    concept.refresh_from_db()
    response = api(coordinator).patch(_detail(concept), {"lock_version": concept.lock_version, "doel": "x"},
                                      format="json")
    assert response.status_code == 400
    assert "alleen in concept" in str(response.data["non_field_errors"][0])


# --- afspraken ------------------------------------------------------------------------------------------

def test_add_afspraak_from_a_modelafspraak(api, coordinator, driehoek, maak_arrangement, bibliotheek_geladen):
    arrangement = maak_arrangement(driehoek, start="leeg")
    model = Modelafspraak.objects.filter(verplicht=True).first()
    response = api(coordinator).post(f"{_detail(arrangement)}afspraken/", {
        "lock_version": arrangement.lock_version, "modelafspraak": model.pk}, format="json")
    assert response.status_code == 201, response.data
    afspraak = Afspraak.objects.get(arrangement=arrangement)
    assert (afspraak.modelafspraak, afspraak.onderwerp, afspraak.titel) == (model, model.onderwerp, model.titel)
    assert response.data["lock_version"] == arrangement.lock_version + 1


def test_add_afspraak_with_own_text(api, coordinator, concept):
    onderwerp = Onderwerp.objects.first()
    response = api(coordinator).post(f"{_detail(concept)}afspraken/", {
        "lock_version": concept.lock_version, "onderwerp": onderwerp.pk, "titel": "Eigen afspraak",
        "tekst": "Wij spreken af dat …", "verantwoordelijke": "gezamenlijk"}, format="json")
    assert response.status_code == 201, response.data
    assert concept.afspraken.filter(titel="Eigen afspraak", onderwerp=onderwerp, modelafspraak=None).exists()


def test_add_afspraak_refuses_unknown_onderwerp_and_missing_fields(api, coordinator, concept):
    client = api(coordinator)
    url = f"{_detail(concept)}afspraken/"
    before = concept.afspraken.count()
    body = {"lock_version": concept.lock_version, "titel": "T", "tekst": "Tekst", "verantwoordelijke": "om"}
    response = client.post(url, {**body, "onderwerp": 999999}, format="json")
    assert response.status_code == 400
    assert "Onbekend onderwerp 999999" in str(response.data["onderwerp"][0])
    response = client.post(url, {**body, "onderwerp": "bestuur"}, format="json")
    assert response.status_code == 400
    assert "Geef het nummer van een onderwerp" in str(response.data["onderwerp"][0])
    response = client.post(url, {"lock_version": concept.lock_version}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"onderwerp", "titel", "tekst", "verantwoordelijke"}
    response = client.post(url, {**body, "onderwerp": Onderwerp.objects.first().pk, "verantwoordelijke": "ik"},
                           format="json")
    assert response.status_code == 400
    assert "ongeldige keuze" in str(response.data["verantwoordelijke"][0])
    assert concept.afspraken.count() == before


def test_add_afspraak_with_stale_version_is_409(api, coordinator, concept):
    response = api(coordinator).post(f"{_detail(concept)}afspraken/", {
        "lock_version": concept.lock_version + 5, "modelafspraak": Modelafspraak.objects.first().pk},
        format="json")
    assert response.status_code == 409
    assert response.data["code"] == "verouderd"


def test_add_afspraak_to_another_driehoeks_arrangement_is_404(api, coordinator, vreemd_arrangement,
                                                             bibliotheek_geladen):
    response = api(coordinator).post(f"{_detail(vreemd_arrangement)}afspraken/", {
        "lock_version": vreemd_arrangement.lock_version, "modelafspraak": Modelafspraak.objects.first().pk},
        format="json")
    assert response.status_code == 404
    assert not vreemd_arrangement.afspraken.exists()


def test_dates_are_real_dates(api, coordinator, concept):
    response = api(coordinator).patch(_detail(concept), {
        "lock_version": concept.lock_version, "evaluatiedatum": (vandaag() + datetime.timedelta(days=1)).isoformat(),
    }, format="json")
    assert response.status_code == 200
    response = api(coordinator).patch(_detail(concept), {
        "lock_version": response.data["lock_version"], "evaluatiedatum": "2026-02-30"}, format="json")
    assert response.status_code == 400
    assert "Geen geldige datum" in str(response.data["evaluatiedatum"][0])
