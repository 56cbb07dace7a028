"""Parties from reference data: every gemeente, politie-eenheid, known basisteam and arrondissementsparket is an
Organisatie, kept in step by the reference load; which parket serves which gemeente (issue 13 item 1)."""

import pytest
from django.core.exceptions import ValidationError

from samenwerking import organisaties
from samenwerking.models import Arrondissementsparket, Basisteam, Eenheid, Gemeente, Organisatie
from samenwerking.referentiedata import DATA_DIR, ReferentiedataFout, load_reference_data

from ..factories import GebruikerFactory


def history_rows() -> int:
    return sum(m.history.count() for m in (Organisatie, Arrondissementsparket, Gemeente))


def copy_data(tmp_path):
    for name in DATA_DIR.glob("*.csv"):
        (tmp_path / name.name).write_text(name.read_text("utf-8"), "utf-8")
    return tmp_path


@pytest.fixture
def geladen(db):
    load_reference_data()


def test_load_makes_an_organisation_for_every_gemeente_eenheid_basisteam_and_parket(geladen):
    gemeente = Organisatie.objects.filter(soort=Organisatie.Soort.GEMEENTE)
    assert gemeente.count() == 342
    assert gemeente.filter(gemeente=None).count() == 0
    assert Organisatie.objects.get(gemeente__cbs_code="GM0518").naam == "Gemeente Den Haag"
    eenheden = Organisatie.objects.filter(soort=Organisatie.Soort.POLITIE, basisteam=None)
    assert set(eenheden.values_list("eenheid__code", flat=True)) == set(Eenheid.objects.values_list("code", flat=True))
    assert eenheden.get(eenheid__code="RE03").naam == "Politie Eenheid Midden-Nederland"
    teams = Organisatie.objects.filter(soort=Organisatie.Soort.POLITIE).exclude(basisteam=None)
    assert teams.count() == Basisteam.objects.count() > 0
    assert teams.get(basisteam__naam="BES").eenheid.code == "RE03"
    om = Organisatie.objects.filter(soort=Organisatie.Soort.OM)
    assert sorted(om.values_list("naam", flat=True)) == [
        f"Arrondissementsparket {naam}" for naam in (
            "Amsterdam", "Den Haag", "Limburg", "Midden-Nederland", "Noord-Holland", "Noord-Nederland",
            "Oost-Brabant", "Oost-Nederland", "Rotterdam", "Zeeland-West-Brabant")]
    assert Organisatie.objects.count() == 342 + 11 + Basisteam.objects.count() + 10


def test_every_gemeente_lies_in_one_of_the_eleven_arrondissementen(geladen):
    assert Gemeente.objects.filter(parket=None).count() == 0
    assert set(Gemeente.objects.values_list("arrondissement", flat=True)) == {
        "Amsterdam", "Den Haag", "Gelderland", "Limburg", "Midden-Nederland", "Noord-Holland", "Noord-Nederland",
        "Oost-Brabant", "Overijssel", "Rotterdam", "Zeeland-West-Brabant"}


def test_oost_nederland_is_split_by_provincie_into_two_arrondissementen_served_by_one_parket(geladen):
    oost = Gemeente.objects.filter(eenheid__code="RE02")
    assert oost.count() == 76
    # WRI art. 5a and 11: the arrondissement is the provincie, for every gemeente of the eenheid.
    assert all(g.arrondissement == g.provincie_naam for g in oost)
    assert set(oost.values_list("arrondissement", flat=True)) == {"Gelderland", "Overijssel"}
    assert Gemeente.objects.get(cbs_code="GM0193").arrondissement == "Overijssel"  # Zwolle
    assert Gemeente.objects.get(cbs_code="GM0202").arrondissement == "Gelderland"  # Arnhem
    assert set(oost.values_list("parket__code", flat=True)) == {"ONL"}
    parket = Arrondissementsparket.objects.get(code="ONL")
    assert (parket.naam, parket.arrondissementen) == ("Oost-Nederland", "Gelderland, Overijssel")
    assert parket.gemeenten.exclude(eenheid__code="RE02").count() == 0


@pytest.mark.parametrize(("cbs_code", "parket"), [
    ("GM0034", "MNE"),  # Almere: Flevoland lies in arrondissement Midden-Nederland
    ("GM0402", "MNE"),  # Hilversum: Gooi en Vechtstreek, provincie Noord-Holland, eenheid Midden-Nederland
    ("GM0363", "AMS"),  # Amsterdam
    ("GM0362", "AMS"),  # Amstelveen (WRI art. 4)
    ("GM0394", "NHO"),  # Haarlemmermeer: Noord-Holland, not Amsterdam
    ("GM0944", "LIM"),  # Mook en Middelaar
    ("GM0252", "ONL"),  # Heumen, across the Maas from Mook
])
def test_parket_per_gemeente_at_the_boundaries(geladen, cbs_code, parket):
    assert Gemeente.objects.get(cbs_code=cbs_code).parket.code == parket


def test_second_load_changes_nothing_not_even_history(geladen):
    before = (Organisatie.objects.count(), Arrondissementsparket.objects.count(), history_rows())
    resultaat = load_reference_data()
    assert (resultaat.aangemaakt, resultaat.gewijzigd) == (0, 0)
    assert resultaat.per_model["organisaties"]["ongewijzigd"] == before[0]
    assert (Organisatie.objects.count(), Arrondissementsparket.objects.count(), history_rows()) == before


def test_renamed_gemeente_renames_its_organisation_instead_of_adding_one(db, tmp_path):
    load_reference_data(copy_data(tmp_path))
    soest = Organisatie.objects.get(gemeente__cbs_code="GM0342")
    total = Organisatie.objects.count()
    text = (tmp_path / "gemeenten.csv").read_text("utf-8")
    (tmp_path / "gemeenten.csv").write_text(text.replace("GM0342,Soest,", "GM0342,Soest aan de Eem,"), "utf-8")

    resultaat = load_reference_data(tmp_path)

    assert resultaat.per_model["organisaties"] == {"aangemaakt": 0, "gewijzigd": 1, "ongewijzigd": total - 1}
    assert Gemeente.objects.count() == 342
    gemeente = Gemeente.objects.get(cbs_code="GM0342")
    assert (gemeente.officiele_naam, gemeente.weergavenaam) == ("Soest aan de Eem", "Soest aan de Eem")
    soest.refresh_from_db()
    assert soest.naam == "Gemeente Soest aan de Eem"
    assert Organisatie.objects.count() == total
    assert list(Organisatie.objects.filter(gemeente=gemeente)) == [soest]


def test_organisation_made_by_hand_under_the_same_name_is_adopted_not_duplicated(db):
    hand = Organisatie.objects.create(naam="Gemeente Soest", soort=Organisatie.Soort.GEMEENTE)
    load_reference_data()
    hand.refresh_from_db()
    assert hand.gemeente.cbs_code == "GM0342"
    assert Organisatie.objects.filter(naam__startswith="Gemeente Soest").count() == 1


def test_a_gemeente_the_rule_places_in_no_arrondissement_is_reported_and_nothing_is_written(db, tmp_path):
    copy_data(tmp_path)
    lines = (tmp_path / "arrondissementen.csv").read_text("utf-8").splitlines()
    (tmp_path / "arrondissementen.csv").write_text(
        "\n".join(line for line in lines if not line.startswith("OVE,")) + "\n", "utf-8")
    with pytest.raises(ReferentiedataFout) as refused:
        load_reference_data(tmp_path)
    assert refused.value.bestand == "gemeenten.csv"
    zwolle = [p for p in refused.value.problemen if "GM0193" in p]
    assert zwolle == ["regel 43: gemeente GM0193 valt in 0 arrondissementen volgens arrondissementen.csv; "
                      "het moet er precies één zijn"]
    assert len(refused.value.problemen) == 25  # every gemeente of Overijssel
    assert Organisatie.objects.count() == 0
    assert Arrondissementsparket.objects.count() == 0


def test_a_teamchef_of_a_basisteam_acts_for_the_politie_eenheid_and_not_for_another(geladen):
    bes = Organisatie.objects.get(basisteam__naam="BES")
    midden = Organisatie.objects.get(soort=Organisatie.Soort.POLITIE, basisteam=None, eenheid__code="RE03")
    limburg = Organisatie.objects.get(soort=Organisatie.Soort.POLITIE, basisteam=None, eenheid__code="RE10")
    soest = Organisatie.objects.get(gemeente__cbs_code="GM0342")
    assert organisaties.vertegenwoordigt(eigen=bes, partij=midden)
    assert organisaties.vertegenwoordigt(eigen=midden, partij=midden)
    assert not organisaties.vertegenwoordigt(eigen=bes, partij=limburg)
    assert not organisaties.vertegenwoordigt(eigen=midden, partij=bes)  # the eenheid does not sign for a team
    assert not organisaties.vertegenwoordigt(eigen=soest, partij=midden)
    assert not organisaties.vertegenwoordigt(eigen=None, partij=soest)


def test_a_boa_werkgever_is_created_once_with_its_soort(db):
    user = GebruikerFactory()
    sbb = organisaties.create_boa_werkgever(naam="  Staatsbosbeheer ", soort="terreinbeheerder", user=user)
    assert (sbb.naam, sbb.soort, sbb.history.get().history_user) == ("Staatsbosbeheer", "terreinbeheerder", user)
    with pytest.raises(ValidationError) as twice:
        organisaties.create_boa_werkgever(naam="staatsbosbeheer", soort="terreinbeheerder", user=user)
    assert twice.value.message_dict == {"naam": [
        "Er bestaat al een organisatie met de naam 'staatsbosbeheer'. Kies haar in de lijst hierboven."]}
    with pytest.raises(ValidationError) as gemeente:
        organisaties.create_boa_werkgever(naam="Gemeente Nergens", soort="gemeente", user=user)
    assert list(gemeente.value.message_dict) == ["soort"]
    assert Organisatie.objects.count() == 1
