"""A new arrangement's default parties come from the reference data (issue 13 item 1): every gemeente of the
driehoek with its burgemeester, the politie-eenheid with its teamchef, and the parket(en) serving the gemeenten.
Other BOA-werkgevers can be added as a party and named as verantwoordelijke."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from arrangementen import services
from arrangementen.models import Verantwoordelijke
from samenwerking.models import Basisteam, Driehoek, Eenheid, Gemeente, Organisatie, Rol
from samenwerking.referentiedata import load_reference_data

from ..factories import TEST_PASSWORD, GebruikerFactory, OnderwerpFactory, lid

BES = ["GM0308", "GM0313", "GM0310", "GM0317", "GM0342"]


@pytest.fixture
def geladen(db):
    load_reference_data()


def driehoek_met(naam: str, codes: list[str], *, eenheid: str, basisteam: Basisteam | None = None):
    driehoek = Driehoek.objects.create(naam=naam, soort=Driehoek.Soort.BASISTEAM, basisteam=basisteam,
                                       eenheid=Eenheid.objects.get(code=eenheid))
    driehoek.gemeenten.set(Gemeente.objects.filter(cbs_code__in=codes))
    coordinator = GebruikerFactory()
    lid(coordinator, driehoek, Rol.COORDINATOR)
    return driehoek, coordinator


def partijen(arrangement):
    return [(p.organisatie.naam, p.vertegenwoordiger, p.ondertekenaar_functie)
            for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]


def test_five_gemeenten_give_five_gemeente_parties_even_without_organisations_beforehand(geladen):
    # Four of the five gemeenten have no organisation yet (as before the reference load made them).
    Organisatie.objects.filter(gemeente__cbs_code__in=BES[:4]).delete()
    driehoek, coordinator = driehoek_met("Basisteamdriehoek BES", BES, eenheid="RE03",
                                         basisteam=Basisteam.objects.get(naam="BES"))
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="BES", start="leeg")
    assert partijen(arrangement) == [
        ("Gemeente Baarn", "burgemeester", "burgemeester"),
        ("Gemeente Bunschoten", "burgemeester", "burgemeester"),
        ("Gemeente De Bilt", "burgemeester", "burgemeester"),
        ("Gemeente Eemnes", "burgemeester", "burgemeester"),
        ("Gemeente Soest", "burgemeester", "burgemeester"),
        ("Politie Eenheid Midden-Nederland", "teamchef", "teamchef, namens de politiechef"),
        ("Arrondissementsparket Midden-Nederland", "officier",
         "officier van justitie, namens de hoofdofficier van justitie"),
    ]
    made = Organisatie.objects.filter(gemeente__cbs_code__in=BES[:4])
    assert made.count() == 4
    assert all(o.history.get().history_user == coordinator for o in made)


def test_the_om_party_is_the_parket_of_the_gemeenten_not_the_first_om_in_the_country(geladen):
    driehoek, coordinator = driehoek_met("Driehoek Bergen (L.)", ["GM0893"], eenheid="RE10")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Bergen", start="leeg")
    om = [naam for naam, rol, _functie in partijen(arrangement) if rol == "officier"]
    assert om == ["Arrondissementsparket Limburg"]  # alphabetically first would be Amsterdam


def test_a_driehoek_spanning_two_parketten_gets_both(geladen):
    # Mook en Middelaar (Limburg) and Heumen (Gelderland, parket Oost-Nederland) across the Maas.
    driehoek, coordinator = driehoek_met("Driehoek Maas en Waal", ["GM0944", "GM0252"], eenheid="RE10")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Maas", start="leeg")
    assert [naam for naam, rol, _functie in partijen(arrangement) if rol == "officier"] == [
        "Arrondissementsparket Limburg", "Arrondissementsparket Oost-Nederland"]


def test_gelderland_and_overijssel_together_get_one_parket(geladen):
    # Zwolle (Overijssel) and Hattem (Gelderland): two arrondissementen, one parket Oost-Nederland.
    driehoek, coordinator = driehoek_met("Driehoek IJsseldelta", ["GM0193", "GM0244"], eenheid="RE02")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="IJssel", start="leeg")
    assert partijen(arrangement) == [
        ("Gemeente Hattem", "burgemeester", "burgemeester"),
        ("Gemeente Zwolle", "burgemeester", "burgemeester"),
        ("Politie Eenheid Oost-Nederland", "teamchef", "teamchef, namens de politiechef"),
        ("Arrondissementsparket Oost-Nederland", "officier",
         "officier van justitie, namens de hoofdofficier van justitie"),
    ]


def test_creating_parties_leaves_existing_organisation_names_alone(geladen):
    Organisatie.objects.filter(gemeente__cbs_code="GM0342").update(naam="Gemeente Soest (Utr.)")
    driehoek, coordinator = driehoek_met("Driehoek Soest", ["GM0342"], eenheid="RE03")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Soest", start="leeg")
    assert partijen(arrangement)[0][0] == "Gemeente Soest (Utr.)"


def test_a_new_boa_werkgever_becomes_a_party(geladen):
    driehoek, coordinator = driehoek_met("Driehoek Soest", ["GM0342"], eenheid="RE03")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Soest", start="leeg")
    partij = services.add_partij(arrangement=arrangement, user=coordinator, expected_version=1,
                                 nieuwe_organisatie="Staatsbosbeheer", soort="terreinbeheerder",
                                 vertegenwoordiger="bestuurder", ondertekenaar_functie="regiodirecteur")
    assert (partij.organisatie.naam, partij.organisatie.soort, partij.vertegenwoordiger, partij.volgorde) == (
        "Staatsbosbeheer", "terreinbeheerder", "bestuurder", 3)
    with pytest.raises(ValidationError) as twice:
        services.add_partij(arrangement=arrangement, user=coordinator, expected_version=2,
                            nieuwe_organisatie="Staatsbosbeheer", soort="terreinbeheerder",
                            ondertekenaar_functie="regiodirecteur")
    assert list(twice.value.message_dict) == ["nieuwe_organisatie"]
    assert arrangement.partijen.count() == 4
    arrangement.refresh_from_db()
    assert arrangement.lock_version == 2


@pytest.fixture
def concept(geladen, client):
    driehoek, coordinator = driehoek_met("Driehoek Soest", ["GM0342"], eenheid="RE03")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Soest", start="leeg")
    client.login(username=coordinator.username, password=TEST_PASSWORD)
    return arrangement


def post_partij(client, arrangement, **data):
    return client.post(reverse("arrangementen:partij_nieuw", args=[arrangement.pk]), {
        "lock_version": arrangement.lock_version, "organisatie": "", "nieuwe_organisatie": "", "soort": "",
        "vertegenwoordiger": "bestuurder", "ondertekenaar_functie": "directeur", **data})


def test_coordinator_adds_a_vervoerder_through_the_form(client, concept):
    response = post_partij(client, concept, nieuwe_organisatie="Qbuzz", soort="vervoerder")
    assert response.status_code == 302
    partij = concept.partijen.get(organisatie__naam="Qbuzz")
    assert (partij.organisatie.soort, partij.ondertekenaar_functie) == ("vervoerder", "directeur")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "organisatie", "Kies een organisatie, of geef hieronder de naam van een andere BOA-werkgever."),
    ({"nieuwe_organisatie": "Waterschap Vallei en Veluwe"}, "soort", "Kies het soort van de nieuwe organisatie."),
    ({"nieuwe_organisatie": "Gemeente Soest", "soort": "overig"}, "nieuwe_organisatie",
     "Er bestaat al een organisatie met de naam 'Gemeente Soest'. Kies haar in de lijst hierboven."),
    ({"nieuwe_organisatie": "Natuurmonumenten", "soort": "gemeente"}, "soort",
     "Selecteer een geldige keuze. gemeente is geen beschikbare keuze."),
])
def test_party_form_refuses_in_dutch_and_keeps_the_input(client, concept, data, field, message):
    before = Organisatie.objects.count()
    response = post_partij(client, concept, **data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"]["ondertekenaar_functie"].value() == "directeur"
    if data.get("nieuwe_organisatie"):
        assert response.context["form"]["nieuwe_organisatie"].value() == data["nieuwe_organisatie"]
    assert (Organisatie.objects.count(), concept.partijen.count()) == (before, 3)


def test_both_an_existing_and_a_new_organisation_is_refused(client, concept):
    prorail = Organisatie.objects.create(naam="ProRail", soort=Organisatie.Soort.VERVOERDER)
    response = post_partij(client, concept, organisatie=prorail.pk, nieuwe_organisatie="NS", soort="vervoerder")
    assert response.context["form"].errors["nieuwe_organisatie"] == [
        "Kies een organisatie uit de lijst óf geef een nieuwe naam, niet allebei."]
    assert concept.partijen.count() == 3


def test_party_form_does_not_offer_organisations_that_already_are_a_party(client, concept):
    response = client.get(reverse("arrangementen:partij_nieuw", args=[concept.pk]))
    offered = set(response.context["form"].fields["organisatie"].queryset.values_list("pk", flat=True))
    assert offered.isdisjoint(concept.partijen.values_list("organisatie_id", flat=True))
    assert Organisatie.objects.get(gemeente__cbs_code="GM0308").pk in offered


def test_an_afspraak_can_name_a_boa_werkgever_as_verantwoordelijke(geladen):
    driehoek, coordinator = driehoek_met("Driehoek Soest", ["GM0342"], eenheid="RE03")
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator, titel="Soest", start="leeg")
    for number, soort in enumerate(["terreinbeheerder", "vervoerder", "omgevingsdienst", "provincie",
                                    "waterschap"], start=1):
        afspraak = services.add_afspraak(arrangement=arrangement, user=coordinator, expected_version=number,
                                         onderwerp=OnderwerpFactory(), titel=f"Toezicht {soort}",
                                         tekst="Samen surveilleren.", verantwoordelijke=soort)
        assert afspraak.get_verantwoordelijke_display() == Verantwoordelijke(soort).label
