"""The API refuses an implausible BOA-inzet (more fte than BOA's) like the edit form, naming the domein."""

from arrangementen.models import Arrangement


def test_more_fte_than_boas_is_400_naming_the_domein_and_saves_nothing(api, coordinator, concept):
    version = concept.lock_version
    response = api(coordinator).patch(f"/api/v1/arrangementen/{concept.pk}/", {
        "lock_version": version, "titel": "Nieuw", "inzet": [{"domein": "V", "aantal_boas": 1, "fte": 2}]},
        format="json")
    assert response.status_code == 400
    assert "V – Werk, inkomen en zorg: 2,0 fte is meer dan de 1 BOA's in dit domein." in str(response.data["inzet"])
    saved = Arrangement.objects.get(pk=concept.pk)
    assert (saved.lock_version, saved.titel) == (version, concept.titel)
