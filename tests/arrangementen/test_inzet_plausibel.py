"""An implausible BOA-inzet (issue 17 item 6): more fte than BOA's in a domein is refused, naming the domein,
in the edit form (the input stays) and in the service every other writer uses."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from arrangementen import services
from arrangementen.models import Arrangement
from arrangementen.services import InzetRegel
from samenwerking.models import Rol

from .helpers import html
from .test_views import edit_payload, state


def test_the_edit_form_refuses_more_fte_than_boas_naming_the_domein_and_keeps_the_input(db, als, concept):
    before = state(concept)
    response = als(Rol.COORDINATOR).post(reverse("arrangementen:bewerken", args=[concept.pk]), edit_payload(
        concept, titel="Nieuwe titel", **{"inzet-1-aantal_boas": "2", "inzet-1-fte": "3.5"}))
    assert response.status_code == 200
    page = html(response)
    assert ("II – Milieu, welzijn en infrastructuur: 3,5 fte is meer dan de 2 BOA&#x27;s in dit domein." in page)
    assert 'value="Nieuwe titel"' in page and 'name="inzet-1-fte" value="3.5"' in page
    assert state(concept) == before


def test_as_many_fte_as_boas_is_accepted(db, als, concept):
    response = als(Rol.COORDINATOR).post(reverse("arrangementen:bewerken", args=[concept.pk]), edit_payload(
        concept, **{"inzet-0-aantal_boas": "3", "inzet-0-fte": "3.0"}))
    assert response.status_code == 302
    assert concept.inzet.values_list("aantal_boas", "fte").get(domein="I") == (3, Decimal("3.0"))


def test_the_service_refuses_it_for_every_domein_at_fault_and_saves_nothing(db, wereld, concept):
    with pytest.raises(ValidationError) as refused:
        services.update_arrangement(arrangement=concept, user=wereld.coordinator, expected_version=1,
                                    data={"doel": "Nieuw"}, inzet=[InzetRegel("I", 0, Decimal("0.5")),
                                                                   InzetRegel("II", 2, Decimal("2.0")),
                                                                   InzetRegel("IV", 1, Decimal("1.5"))])
    messages = refused.value.message_dict["inzet"]
    assert [m.split(":")[0] for m in messages] == ["I – Openbare ruimte", "IV – Openbaar vervoer"]
    saved = Arrangement.objects.get(pk=concept.pk)
    assert (saved.doel, saved.lock_version) == ("", 1)
    assert not saved.inzet.exclude(aantal_boas=0, fte=0).exists()
