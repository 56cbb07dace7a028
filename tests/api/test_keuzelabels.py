"""The list endpoints' labels of a choice (status_label) come from KeuzeLabelField (issue 19): the same Dutch words
get_<veld>_display gives, on the list and the detail, in every status."""

import pytest

from arrangementen.models import Arrangement, Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("status", "label"), [(Status.CONCEPT, "concept"), (Status.TER_REVIEW, "ter beoordeling"),
                                               (Status.ONDERTEKEND, "ondertekend")])
def test_status_label_is_the_display_of_the_status(api, lezer, driehoek, maak_arrangement, status, label):
    arrangement = maak_arrangement(driehoek, titel="Labels")
    Arrangement.objects.filter(pk=arrangement.pk).update(status=status)
    [item] = api(lezer).get("/api/v1/arrangementen/").json()["results"]
    detail = api(lezer).get(f"/api/v1/arrangementen/{arrangement.pk}/").json()
    expected = str(Status(status).label)
    assert expected == label
    assert (item["status"], item["status_label"]) == (status.value, expected)
    assert (detail["status"], detail["status_label"]) == (status.value, expected)
