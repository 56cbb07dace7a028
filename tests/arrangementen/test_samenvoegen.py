"""Two people editing the same arrangement: different fields are merged, the same field is refused and shown."""

from decimal import Decimal

import pytest
from django.urls import reverse

from arrangementen import services
from arrangementen.models import Arrangement, Onderwerp
from arrangementen.services import InzetRegel, StaleEdit
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid
from .helpers import html

STALE = "is gewijzigd nadat u het opende"


def fresh(arrangement) -> Arrangement:
    return Arrangement.objects.get(pk=arrangement.pk)


@pytest.fixture
def collega(wereld):
    user = GebruikerFactory()
    lid(user, wereld.eigen, Rol.COORDINATOR)
    return user


def inzet(arrangement) -> dict:
    return {r.domein: (r.aantal_boas, r.fte) for r in fresh(arrangement).inzet.all()}


# --- the service ------------------------------------------------------------------------------------

def test_changes_to_different_fields_are_merged(db, wereld, collega):
    arrangement = wereld.nieuw("Oude titel")
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1,
                                data={"titel": "Titel van de collega"})
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                data={"titel": "Oude titel", "doel": "Mijn doel"})
    saved = fresh(arrangement)
    assert (saved.titel, saved.doel, saved.lock_version) == ("Titel van de collega", "Mijn doel", 3)
    record = saved.history.order_by("-history_date", "-history_id").first()
    assert (record.history_user, record.doel, record.titel) == (wereld.coordinator, "Mijn doel", "Titel van de collega")


def test_a_change_to_the_same_field_is_refused_naming_the_field_and_saves_nothing(db, wereld, collega):
    arrangement = wereld.nieuw("Oude titel")
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1,
                                data={"titel": "Titel van de collega"})
    with pytest.raises(StaleEdit) as refused:
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"titel": "Mijn titel", "doel": "Mijn doel"},
                                    inzet=[InzetRegel("I", 7, Decimal("5.5"))])
    assert refused.value.velden == {"titel"}
    assert STALE in refused.value.messages[0]
    saved = fresh(arrangement)
    assert (saved.titel, saved.doel, saved.lock_version) == ("Titel van de collega", "", 2)
    assert inzet(arrangement)["I"] == (0, Decimal("0"))


def test_both_changing_a_field_to_the_same_value_is_no_conflict(db, wereld, collega):
    arrangement = wereld.nieuw("Oude titel")
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1,
                                data={"titel": "Nieuwe titel"})
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                data={"titel": "Nieuwe titel", "aanleiding": "Mijn aanleiding"})
    assert (fresh(arrangement).titel, fresh(arrangement).aanleiding) == ("Nieuwe titel", "Mijn aanleiding")


def test_inzet_is_merged_per_domein_and_field(db, wereld, collega):
    arrangement = wereld.nieuw()
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1, data={},
                                inzet=[InzetRegel("I", 12, Decimal("9.5"))])
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1, data={},
                                inzet=[InzetRegel("I", 0, Decimal("0")), InzetRegel("II", 3, Decimal("2.0"))])
    assert inzet(arrangement)["I"] == (12, Decimal("9.5"))
    assert inzet(arrangement)["II"] == (3, Decimal("2.0"))


def test_the_same_inzet_changed_by_both_is_refused(db, wereld, collega):
    arrangement = wereld.nieuw()
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1, data={},
                                inzet=[InzetRegel("I", 12, Decimal("9.5"))])
    with pytest.raises(StaleEdit) as refused:
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"doel": "Mijn doel"}, inzet=[InzetRegel("I", 4, Decimal("9.5"))])
    assert refused.value.velden == {"inzet-I-aantal_boas"}
    assert (inzet(arrangement)["I"], fresh(arrangement).doel) == ((12, Decimal("9.5")), "")


def test_an_afspraak_added_meanwhile_does_not_block_an_edit_of_the_basic_data(db, wereld, collega):
    arrangement = wereld.nieuw(start="leeg")
    services.add_afspraak(arrangement=arrangement, user=collega, expected_version=1,
                          onderwerp=Onderwerp.objects.first(), titel="Van de collega", tekst="Tekst",
                          verantwoordelijke="gemeente")
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                data={"doel": "Mijn doel"})
    assert fresh(arrangement).doel == "Mijn doel"
    assert list(fresh(arrangement).afspraken.values_list("titel", flat=True)) == ["Van de collega"]


def test_an_unknown_version_is_refused(db, wereld):
    arrangement = wereld.nieuw()
    with pytest.raises(StaleEdit):
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=99,
                                    data={"doel": "Mijn doel"})
    assert fresh(arrangement).doel == ""


# --- the edit page ------------------------------------------------------------------------------------

def _payload(arrangement, **overrides) -> dict:
    data = {"titel": arrangement.titel, "doel": arrangement.doel, "aanleiding": arrangement.aanleiding,
            "werkgebied": arrangement.werkgebied, "toezichthouders": arrangement.toezichthouders,
            "contactpersonen": arrangement.contactpersonen,
            "geldig_van": "", "geldig_tot": "", "evaluatiedatum": "", "opzegtermijn_maanden": "",
            "lock_version": arrangement.lock_version, "inzet-TOTAL_FORMS": "6", "inzet-INITIAL_FORMS": "6",
            "inzet-MIN_NUM_FORMS": "6", "inzet-MAX_NUM_FORMS": "6"}
    for index, regel in enumerate(arrangement.inzet.order_by("domein")):
        data.update({f"inzet-{index}-domein": regel.domein, f"inzet-{index}-aantal_boas": regel.aantal_boas,
                     f"inzet-{index}-fte": regel.fte})
    return {**data, **overrides}


def test_saving_a_form_opened_before_a_colleagues_save_of_other_fields_keeps_both(db, wereld, client, collega):
    arrangement = wereld.nieuw("Oude titel")
    opened = _payload(arrangement)
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1,
                                data={"titel": "Titel van de collega"}, inzet=[InzetRegel("I", 5, Decimal("4.0"))])
    client.force_login(wereld.coordinator)
    response = client.post(reverse("arrangementen:bewerken", args=[arrangement.pk]),
                           {**opened, "doel": "Mijn doel", "inzet-3-aantal_boas": "9"}, follow=True)
    assert response.redirect_chain == [(reverse("arrangementen:detail", args=[arrangement.pk]), 302)]
    assert "Intussen had iemand anders andere gegevens gewijzigd" in html(response)
    saved = fresh(arrangement)
    assert (saved.titel, saved.doel) == ("Titel van de collega", "Mijn doel")
    assert inzet(arrangement)["I"] == (5, Decimal("4.0"))
    assert inzet(arrangement)["IV"][0] == 9  # the fourth row of the form


def test_a_conflict_on_the_page_names_the_field_keeps_the_input_and_takes_over_the_rest(
        db, wereld, client, collega):
    arrangement = wereld.nieuw("Oude titel")
    opened = _payload(arrangement)
    services.update_arrangement(arrangement=arrangement, user=collega, expected_version=1,
                                data={"titel": "Titel van de collega", "aanleiding": "Aanleiding van de collega"},
                                inzet=[InzetRegel("I", 5, Decimal("4.0"))])
    before = (fresh(arrangement).titel, fresh(arrangement).doel, fresh(arrangement).lock_version)
    client.force_login(wereld.coordinator)
    response = client.post(reverse("arrangementen:bewerken", args=[arrangement.pk]),
                           {**opened, "titel": "Mijn titel", "doel": "Mijn doel"})
    assert response.status_code == 200
    page = html(response)
    assert STALE in page
    assert 'value="Mijn titel"' in page and "Mijn doel" in page
    assert "Aanleiding van de collega" in page
    assert 'name="inzet-0-aantal_boas" value="5"' in page
    assert response.context["form"].errors["titel"] == [
        "Ook iemand anders heeft dit gewijzigd (zie hierboven). Kies wat het moet zijn en sla opnieuw op."]
    assert (fresh(arrangement).titel, fresh(arrangement).doel, fresh(arrangement).lock_version) == before
