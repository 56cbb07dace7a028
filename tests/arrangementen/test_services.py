"""Writing arrangementen: creating, and editing under optimistic locking (herziening, comparing and ordering:
test_herziening.py; comments and reading: test_opmerkingen.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from arrangementen import services, workflow
from arrangementen.models import (
    Arrangement,
    Domein,
    Modelafspraak,
    Onderwerp,
    Status,
)
from arrangementen.services import InzetRegel, StaleEdit
from samenwerking.models import Rol

from ..factories import GebruikerFactory, OrganisatieFactory, lid

# Django's own Dutch messages, as the user reads them.
LEEG = "Dit veld kan niet leeg zijn"
NIET_NEGATIEF = "Zorg ervoor dat deze waarde minstens 0 is."
NOT_CONCEPT = [s.value for s in Status if s != Status.CONCEPT]


def fresh(arrangement) -> Arrangement:
    return Arrangement.objects.get(pk=arrangement.pk)


def snapshot(arrangement) -> dict:
    """What a reader sees of an arrangement: its fields and all its content."""
    arrangement = fresh(arrangement)
    return {
        "velden": {name: getattr(arrangement, name) for name in [*services.EDITABLE_FIELDS, "status",
                                                                  "lock_version"]},
        "afspraken": list(arrangement.afspraken.order_by("pk").values_list("titel", "tekst", "volgorde")),
        "partijen": list(arrangement.partijen.order_by("pk").values_list("organisatie_id", "ondertekenaar_functie")),
        "inzet": list(arrangement.inzet.order_by("domein").values_list("domein", "aantal_boas", "fte")),
    }


@pytest.fixture
def tweede_coordinator(wereld):
    user = GebruikerFactory()
    lid(user, wereld.eigen, Rol.COORDINATOR)
    return user


# --- creating -------------------------------------------------------------------------------------

def test_new_arrangement_from_the_model_holds_every_verplichte_and_standaard_clause(db, wereld):
    arrangement = wereld.nieuw()
    expected = Modelafspraak.objects.filter(Q(verplicht=True) | Q(standaard=True), actief=True)
    assert set(arrangement.afspraken.values_list("modelafspraak_id", flat=True)) == set(
        expected.values_list("pk", flat=True))
    assert workflow.missing_mandatory_clauses(arrangement) == []
    copied = arrangement.afspraken.get(modelafspraak__titel="Bereikbaarheid via portofoon")
    assert (copied.tekst, copied.onderwerp.naam) == (copied.modelafspraak.tekst, "Meldkamer en portofoon")


def test_new_arrangement_from_the_model_leaves_out_suggestions_outside_the_standard_model(db, wereld):
    arrangement = wereld.nieuw()
    assert not arrangement.afspraken.filter(titel="Toegang tot het politiebureau").exists()


def test_inactive_model_clause_is_not_copied(db, wereld):
    Modelafspraak.objects.filter(titel="Vaste koppels").update(actief=False)
    assert not wereld.nieuw().afspraken.filter(titel="Vaste koppels").exists()


def test_new_arrangement_has_the_driehoek_parties_and_empty_inzet(db, wereld):
    arrangement = wereld.nieuw()
    partijen = [(p.organisatie.naam, p.vertegenwoordiger, p.ondertekenaar_functie)
                for p in arrangement.partijen.all()]
    assert partijen == [
        (f"Gemeente van {wereld.eigen.naam}", "burgemeester", "burgemeester"),
        (f"Politie {wereld.eigen.eenheid.naam}", "teamchef", "teamchef, namens de politiechef"),
        (f"Parket voor {wereld.eigen.naam}", "officier",
         "officier van justitie, namens de hoofdofficier van justitie"),
    ]
    assert list(arrangement.inzet.values_list("domein", "aantal_boas", "fte")) == [
        (d.value, 0, Decimal("0")) for d in Domein]
    assert (arrangement.status, arrangement.versie, arrangement.lock_version, arrangement.aangemaakt_door) == (
        Status.CONCEPT, 1, 1, wereld.coordinator)


def test_new_blank_arrangement_has_no_clauses(db, wereld):
    leeg = wereld.nieuw(start="leeg")
    assert not leeg.afspraken.exists()
    assert workflow.missing_mandatory_clauses(leeg) == wereld.verplichte()
    assert leeg.partijen.count() == 3


def test_creating_with_an_unknown_start_is_refused_and_creates_nothing(db, wereld):
    before = Arrangement.objects.count()
    with pytest.raises(ValidationError) as refused:
        wereld.nieuw(start="kopie")
    assert refused.value.message_dict == {"start": ["Kies 'standaardmodel' of 'leeg'."]}
    assert Arrangement.objects.count() == before


def test_creating_without_a_title_is_refused_and_creates_nothing(db, wereld):
    before = Arrangement.objects.count()
    with pytest.raises(ValidationError) as refused:
        wereld.nieuw("   ")
    assert refused.value.message_dict == {"titel": [LEEG]}
    assert Arrangement.objects.count() == before


@pytest.mark.parametrize("rol", [Rol.REVIEWER, Rol.SECRETARIS, Rol.ONDERTEKENAAR, Rol.LEZER])
def test_only_a_coordinator_may_create(db, wereld, rol):
    before = Arrangement.objects.count()
    with pytest.raises(PermissionDenied):
        wereld.nieuw(user=wereld.leden[rol])
    assert Arrangement.objects.count() == before


def test_coordinator_cannot_create_in_another_driehoek(db, wereld):
    with pytest.raises(PermissionDenied):
        services.create_arrangement(driehoek=wereld.andere, user=wereld.coordinator, titel="Inbraak")
    assert not Arrangement.objects.filter(titel="Inbraak").exists()


# --- content changes only in concept --------------------------------------------------------------

def edit_operations(arrangement, user) -> dict:
    """Every content change, each a callable taking the expected version; each changes something."""
    afspraak = arrangement.afspraken.get(titel="Vaste koppels")
    movable = arrangement.afspraken.get(titel="Backup bij aanhouding")
    partij = arrangement.partijen.first()
    onderwerp = afspraak.onderwerp
    return {
        "update_arrangement": lambda v: services.update_arrangement(
            arrangement=arrangement, user=user, expected_version=v, data={"titel": "Nieuw"}),
        "add_afspraak": lambda v: services.add_afspraak(
            arrangement=arrangement, user=user, expected_version=v, onderwerp=onderwerp, titel="Nieuw",
            tekst="Nieuwe tekst", verantwoordelijke="gemeente"),
        "update_afspraak": lambda v: services.update_afspraak(
            afspraak=afspraak, user=user, expected_version=v, onderwerp=onderwerp, titel="Nieuw",
            tekst="Nieuwe tekst", verantwoordelijke="gemeente"),
        "move_afspraak": lambda v: services.move_afspraak(afspraak=movable, user=user, expected_version=v,
                                                          richting="omhoog"),
        "delete_afspraak": lambda v: services.delete_afspraak(afspraak=afspraak, user=user, expected_version=v),
        "add_partij": lambda v: services.add_partij(
            arrangement=arrangement, user=user, expected_version=v, organisatie=OrganisatieFactory(),
            ondertekenaar_functie="directeur"),
        "remove_partij": lambda v: services.remove_partij(partij=partij, user=user, expected_version=v),
    }


OPERATIONS = ["update_arrangement", "add_afspraak", "update_afspraak", "move_afspraak", "delete_afspraak",
              "add_partij", "remove_partij"]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("status", NOT_CONCEPT)
def test_content_change_outside_concept_is_refused_naming_the_status(db, wereld, status, operation):
    arrangement = wereld.per_status["eigen"][status]
    before = snapshot(arrangement)
    with pytest.raises(ValidationError) as refused:
        edit_operations(arrangement, wereld.coordinator)[operation](arrangement.lock_version)
    assert refused.value.messages == [
        f"Dit arrangement heeft de status '{Status(status).label}' en kan alleen in concept worden bewerkt."]
    assert snapshot(arrangement) == before


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("rol", [Rol.REVIEWER, Rol.SECRETARIS, Rol.ONDERTEKENAAR, Rol.LEZER])
def test_content_change_by_a_member_who_may_not_draft_is_refused(db, wereld, rol, operation):
    arrangement = wereld.per_status["eigen"][Status.CONCEPT]
    before = snapshot(arrangement)
    with pytest.raises(PermissionDenied):
        edit_operations(arrangement, wereld.leden[rol])[operation](arrangement.lock_version)
    assert snapshot(arrangement) == before


# --- optimistic locking -----------------------------------------------------------------------------

def test_stale_update_is_refused_and_overwrites_nothing(db, wereld, tweede_coordinator):
    arrangement = wereld.nieuw("Oude titel")
    services.update_arrangement(arrangement=arrangement, user=tweede_coordinator, expected_version=1,
                                data={"titel": "Titel van de collega"})
    after_colleague = snapshot(arrangement)

    with pytest.raises(StaleEdit) as refused:
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"titel": "Mijn titel", "doel": "Mijn doel"},
                                    inzet=[InzetRegel("I", 7, Decimal("5.5"))])
    assert "is gewijzigd nadat u het opende" in refused.value.messages[0]
    assert snapshot(arrangement) == after_colleague
    assert (fresh(arrangement).titel, fresh(arrangement).doel) == ("Titel van de collega", "")


def test_stale_update_lists_the_change_made_meanwhile(db, wereld, tweede_coordinator):
    arrangement = wereld.nieuw("Oude titel")
    services.update_arrangement(arrangement=arrangement, user=tweede_coordinator, expected_version=1,
                                data={"titel": "Titel van de collega"})
    with pytest.raises(StaleEdit) as refused:  # the same field: changes to other fields are merged
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"titel": "Mijn titel", "doel": "Mijn doel"})
    changes = [(w.veld, w.oud, w.nieuw) for e in refused.value.wijzigingen for w in e.wijzigingen]
    assert ("titel", "Oude titel", "Titel van de collega") in changes


def test_stale_update_lists_only_what_others_changed_after_the_version_the_user_opened(
        db, wereld, tweede_coordinator):
    """Not the clauses, parties and inzet that were already there when the user opened version 1."""
    arrangement = wereld.nieuw("Oude titel")
    services.update_arrangement(arrangement=arrangement, user=tweede_coordinator, expected_version=1,
                                data={"titel": "Titel van de collega"})
    with pytest.raises(StaleEdit) as refused:
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"titel": "Mijn titel", "doel": "Mijn doel"})
    listed = [(e.onderwerp, e.actie, e.gebruiker) for e in refused.value.wijzigingen]
    assert listed == [(f"arrangement “{fresh(arrangement)}”", "gewijzigd", tweede_coordinator)]


def test_stale_update_shows_the_old_and_new_text_of_an_afspraak_changed_meanwhile(db, wereld, tweede_coordinator):
    arrangement = wereld.nieuw()
    afspraak = arrangement.afspraken.get(titel="Vaste koppels")
    oude_tekst = afspraak.tekst
    services.update_afspraak(afspraak=afspraak, user=tweede_coordinator, expected_version=1,
                             onderwerp=afspraak.onderwerp, titel=afspraak.titel, tekst="Elke wijk een vast koppel.",
                             verantwoordelijke=afspraak.verantwoordelijke)
    services.update_arrangement(arrangement=arrangement, user=tweede_coordinator, expected_version=2,
                                data={"doel": "Doel van de collega"})
    with pytest.raises(StaleEdit) as refused:  # doel changed by both
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"doel": "Mijn doel"})
    changes = [(e.onderwerp, w.veld, w.oud, w.nieuw) for e in refused.value.wijzigingen for w in e.wijzigingen]
    assert ("afspraak “Vaste koppels”", "tekst", oude_tekst, "Elke wijk een vast koppel.") in changes


def test_stale_add_afspraak_is_refused_and_adds_nothing(db, wereld, tweede_coordinator):
    arrangement = wereld.nieuw(start="leeg")
    services.update_arrangement(arrangement=arrangement, user=tweede_coordinator, expected_version=1,
                                data={"doel": "Samen sterker"})
    with pytest.raises(StaleEdit):
        services.add_afspraak(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                              onderwerp=Onderwerp.objects.first(), titel="Mijn afspraak", tekst="Tekst",
                              verantwoordelijke="gemeente")
    assert not arrangement.afspraken.exists()


def test_every_content_change_moves_the_edit_version_on(db, wereld):
    arrangement = wereld.nieuw()
    for version, operation in enumerate(edit_operations(arrangement, wereld.coordinator).values(), start=1):
        operation(version)
        assert fresh(arrangement).lock_version == version + 1


# --- bad input: refused, in Dutch, never half-saved ---------------------------------------------------

@pytest.mark.parametrize(("data", "inzet", "errors"), [
    pytest.param({"titel": "Nieuw", "geldig_van": datetime.date(2026, 1, 1), "geldig_tot": datetime.date(2025, 12, 31)},
                 None, {"geldig_tot": ["'Geldig tot en met' ligt vóór 'geldig van'."]}, id="tot-voor-van"),
    pytest.param({"titel": ""}, None, {"titel": [LEEG]}, id="lege-titel"),
    pytest.param({"titel": "Nieuw", "opzegtermijn_maanden": -1}, None,
                 {"opzegtermijn_maanden": [NIET_NEGATIEF]},
                 id="negatieve-opzegtermijn"),
    pytest.param({"titel": "Nieuw"}, [InzetRegel("II", -3, Decimal("1"))],
                 {"aantal_boas": [NIET_NEGATIEF]}, id="negatief-aantal"),
    pytest.param({"titel": "Nieuw"}, [InzetRegel("II", 3, Decimal("-0.5"))],
                 {"fte": [NIET_NEGATIEF]}, id="negatieve-fte"),
])
def test_invalid_update_is_refused_in_dutch_and_saves_nothing(db, wereld, data, inzet, errors):
    arrangement = wereld.nieuw("Oud")
    before = snapshot(arrangement)
    with pytest.raises(ValidationError) as refused:
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data=data, inzet=inzet)
    assert refused.value.message_dict == errors
    assert snapshot(arrangement) == before


def test_the_retired_geweldsmiddelen_list_is_an_unknown_field(db, wereld):
    """Issue 20: geweldsmiddelen are recorded per organisation and domein; the old list is no field any more."""
    arrangement = wereld.nieuw("Oud")
    before = snapshot(arrangement)
    with pytest.raises(ValidationError, match="Onbekende velden: geweldsmiddelen"):
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"titel": "Nieuw", "geweldsmiddelen": ["handboeien"]})
    assert snapshot(arrangement) == before


def test_update_cannot_set_fields_outside_the_edit_form(db, wereld):
    arrangement = wereld.nieuw()
    with pytest.raises(ValidationError, match="Onbekende velden: status"):
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                    data={"status": Status.VASTGESTELD})
    assert fresh(arrangement).status == Status.CONCEPT


def test_valid_update_saves_fields_and_inzet(db, wereld):
    arrangement = wereld.nieuw()
    services.update_arrangement(
        arrangement=arrangement, user=wereld.coordinator, expected_version=1,
        data={"doel": "Veilige wijken", "geldig_van": datetime.date(2025, 1, 1),
              "geldig_tot": datetime.date(2026, 12, 31)},
        inzet=[InzetRegel("I", 12, Decimal("9.5"))])
    saved = fresh(arrangement)
    assert (saved.doel, saved.geldig_tot, saved.lock_version) == ("Veilige wijken", datetime.date(2026, 12, 31), 2)
    assert saved.inzet.values_list("aantal_boas", "fte").get(domein="I") == (12, Decimal("9.5"))
    assert saved.history.first().history_user == wereld.coordinator


@pytest.mark.parametrize(("velden", "fout"), [
    ({"titel": "  ", "tekst": "Tekst"}, "titel"),
    ({"titel": "Titel", "tekst": " \n "}, "tekst"),
    ({"titel": "Titel", "tekst": "Tekst", "verantwoordelijke": "burgemeester"}, "verantwoordelijke"),
])
def test_afspraak_with_empty_text_or_unknown_choice_is_refused_and_saves_nothing(db, wereld, velden, fout):
    arrangement = wereld.nieuw(start="leeg")
    velden = {"verantwoordelijke": "gemeente", **velden}
    with pytest.raises(ValidationError) as refused:
        services.add_afspraak(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                              onderwerp=Onderwerp.objects.first(), **velden)
    assert list(refused.value.message_dict) == [fout]
    assert not arrangement.afspraken.exists()
    assert fresh(arrangement).lock_version == 1


def test_same_organisation_cannot_be_partij_twice(db, wereld):
    arrangement = wereld.nieuw()
    gemeente = arrangement.partijen.first().organisatie
    with pytest.raises(ValidationError) as refused:
        services.add_partij(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                            organisatie=gemeente, ondertekenaar_functie="wethouder")
    assert refused.value.message_dict == {"organisatie": ["Deze organisatie is al partij."]}
    assert arrangement.partijen.count() == 3


def test_partij_without_a_function_is_refused(db, wereld):
    arrangement = wereld.nieuw()
    with pytest.raises(ValidationError) as refused:
        services.add_partij(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                            organisatie=OrganisatieFactory(), ondertekenaar_functie="  ")
    assert list(refused.value.message_dict) == ["ondertekenaar_functie"]
    assert arrangement.partijen.count() == 3
