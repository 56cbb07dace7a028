"""Writing arrangementen: creating, editing under optimistic locking, herziening, comparing and commenting."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from arrangementen import selectors, services, workflow
from arrangementen.models import (
    Arrangement,
    Domein,
    Modelafspraak,
    Onderwerp,
    Opmerking,
    Status,
)
from arrangementen.services import InzetRegel, StaleEdit
from arrangementen.vergelijking import compare_versions
from samenwerking.models import Organisatie, Rol

from ..factories import GebruikerFactory, OrganisatieFactory, lid, vandaag
from .helpers import REFERENTIE, zet_status

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
    pytest.param({"titel": "Nieuw", "geweldsmiddelen": ["handboeien", "taser"]}, None,
                 {"geweldsmiddelen": ["Onbekend geweldsmiddel: taser"]}, id="onbekend-geweldsmiddel"),
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
              "geldig_tot": datetime.date(2026, 12, 31), "geweldsmiddelen": ["handboeien"]},
        inzet=[InzetRegel("I", 12, Decimal("9.5"))])
    saved = fresh(arrangement)
    assert (saved.doel, saved.geldig_tot, saved.geweldsmiddelen, saved.lock_version) == (
        "Veilige wijken", datetime.date(2026, 12, 31), ["handboeien"], 2)
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


# --- herziening ------------------------------------------------------------------------------------

@pytest.fixture
def vastgesteld(wereld):
    """Version 1 with everything filled in, adopted by the driehoek."""
    arrangement = wereld.nieuw("Arrangement Utrechtse Heuvelrug")
    services.update_arrangement(
        arrangement=arrangement, user=wereld.coordinator, expected_version=1,
        data={"doel": "Samen zichtbaar in de wijk.", "aanleiding": "Meer overlast.", "werkgebied": "Centrum",
              "geweldsmiddelen": ["handboeien", "wapenstok"], "toezichthouders": "Team Toezicht",
              "geldig_van": datetime.date(2025, 1, 1), "geldig_tot": datetime.date(2026, 12, 31),
              "evaluatiedatum": datetime.date(2025, 12, 1), "opzegtermijn_maanden": 3},
        inzet=[InzetRegel("I", 8, Decimal("6.5")), InzetRegel("II", 2, Decimal("1.0"))])
    services.add_partij(arrangement=arrangement, user=wereld.coordinator, expected_version=2,
                        organisatie=OrganisatieFactory(naam="Staatsbosbeheer",
                                                       soort=Organisatie.Soort.TERREINBEHEERDER),
                        ondertekenaar_functie="regiodirecteur", ondertekenaar_naam="A. de Boer")
    return zet_status(arrangement, Status.VASTGESTELD, vastgesteld_op=datetime.date(2025, 1, 15),
                      besluit_referentie=REFERENTIE)


def test_herziening_copies_every_field(db, wereld, vastgesteld):
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    for name in services.EDITABLE_FIELDS:
        assert getattr(copy, name) == getattr(vastgesteld, name), name


def test_herziening_is_the_next_version_in_concept_linked_to_the_previous(db, wereld, vastgesteld):
    copy = fresh(services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator))
    assert (copy.versie, copy.vorige_versie, copy.status, copy.lock_version, copy.aangemaakt_door) == (
        2, vastgesteld, Status.CONCEPT, 1, wereld.coordinator)
    assert (copy.vastgesteld_op, copy.besluit_referentie) == (None, "")
    assert selectors.version_chain(copy) == selectors.version_chain(vastgesteld) == [vastgesteld, copy]


def test_herziening_copies_partijen_and_inzet(db, wereld, vastgesteld):
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)

    def partijen(a):
        return list(a.partijen.values_list("organisatie_id", "ondertekenaar_functie", "ondertekenaar_naam",
                                           "volgorde"))

    def inzet(a):
        return list(a.inzet.values_list("domein", "aantal_boas", "fte"))

    assert partijen(copy) == partijen(vastgesteld)
    assert len(partijen(copy)) == 4
    assert inzet(copy) == inzet(vastgesteld)
    assert ("I", 8, Decimal("6.5")) in inzet(copy)


def test_herziening_copies_afspraken_each_linked_to_its_original(db, wereld, vastgesteld):
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    fields = ("onderwerp_id", "titel", "tekst", "verantwoordelijke", "volgorde", "modelafspraak_id")
    originals = {a.pk: a for a in vastgesteld.afspraken.all()}
    copies = list(copy.afspraken.all())
    assert len(copies) == len(originals) > 0
    for afspraak in copies:
        original = originals[afspraak.vorige_id]
        assert [getattr(afspraak, f) for f in fields] == [getattr(original, f) for f in fields]
    assert {a.vorige_id for a in copies} == set(originals)


def test_herziening_leaves_the_previous_version_untouched(db, wereld, vastgesteld):
    before = snapshot(vastgesteld)
    services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    assert snapshot(vastgesteld) == before


def test_herziening_of_a_signed_arrangement_is_allowed(db, wereld, vastgesteld):
    zet_status(vastgesteld, Status.ONDERTEKEND)
    assert services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator).versie == 2


def test_second_herziening_of_the_same_version_is_refused(db, wereld, vastgesteld):
    services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    with pytest.raises(ValidationError) as refused:
        services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    assert refused.value.messages == ["Er bestaat al een herziening van deze versie: versie 2."]
    assert Arrangement.objects.filter(vorige_versie=vastgesteld).count() == 1


@pytest.mark.parametrize("status", [s for s in Status if s not in (Status.VASTGESTELD, Status.ONDERTEKEND)])
def test_herziening_only_from_vastgesteld_or_ondertekend(db, wereld, status):
    arrangement = wereld.per_status["eigen"][status]
    before = Arrangement.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.start_herziening(arrangement=arrangement, user=wereld.coordinator)
    assert refused.value.messages == ["Alleen een vastgesteld of ondertekend arrangement kan worden herzien."]
    assert Arrangement.objects.count() == before


@pytest.mark.parametrize("rol", [Rol.REVIEWER, Rol.SECRETARIS, Rol.ONDERTEKENAAR, Rol.LEZER])
def test_herziening_needs_a_coordinator(db, wereld, vastgesteld, rol):
    with pytest.raises(PermissionDenied):
        services.start_herziening(arrangement=vastgesteld, user=wereld.leden[rol])
    assert not Arrangement.objects.filter(vorige_versie=vastgesteld).exists()


# --- comparing versions ----------------------------------------------------------------------------

def revise(arrangement, user) -> Arrangement:
    """A herziening in which one clause is reworded, one added and one removed."""
    copy = services.start_herziening(arrangement=arrangement, user=user)
    portofoon = copy.afspraken.get(titel="Bereikbaarheid via portofoon")
    services.update_afspraak(afspraak=portofoon, user=user, expected_version=1, onderwerp=portofoon.onderwerp,
                             titel=portofoon.titel, verantwoordelijke=portofoon.verantwoordelijke,
                             tekst=portofoon.tekst.replace("de portofoon", "de portofoon of telefoon"))
    services.add_afspraak(arrangement=copy, user=user, expected_version=2, onderwerp=portofoon.onderwerp,
                          titel="Bodycams", tekst="BOA's dragen een bodycam.", verantwoordelijke="gemeente")
    services.delete_afspraak(afspraak=copy.afspraken.get(titel="Vaste koppels"), user=user, expected_version=3)
    return fresh(copy)


def rows_by_title(comparison) -> dict:
    return {row.label: row for row in comparison["afspraken"]}


def test_comparison_shows_a_reworded_clause_as_gewijzigd_with_a_word_diff(db, wereld, vastgesteld):
    v2 = revise(vastgesteld, wereld.coordinator)
    row = rows_by_title(compare_versions(vastgesteld, v2))["Bereikbaarheid via portofoon"]
    assert (row.soort, row.gewijzigd) == ("gewijzigd", True)
    assert ("erbij", "of telefoon") in row.diff
    assert not any(kind == "weg" for kind, _ in row.diff)
    assert row.links.arrangement_id == vastgesteld.pk and row.rechts.arrangement_id == v2.pk


def test_comparison_shows_added_and_removed_clauses(db, wereld, vastgesteld):
    v2 = revise(vastgesteld, wereld.coordinator)
    rows = rows_by_title(compare_versions(vastgesteld, v2))
    assert (rows["Bodycams"].soort, rows["Bodycams"].links) == ("toegevoegd", None)
    assert (rows["Vaste koppels"].soort, rows["Vaste koppels"].rechts) == ("verwijderd", None)


def test_comparison_counts_only_changed_clauses(db, wereld, vastgesteld):
    v2 = revise(vastgesteld, wereld.coordinator)
    comparison = compare_versions(vastgesteld, v2)
    assert comparison["aantal_gewijzigd"] == 3
    unchanged = [row for row in comparison["afspraken"] if row.soort == "ongewijzigd"]
    assert len(unchanged) == vastgesteld.afspraken.count() - 2
    assert not any(row.gewijzigd for row in unchanged)


def test_comparison_shows_changed_fields_and_inzet(db, wereld, vastgesteld):
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    services.update_arrangement(arrangement=copy, user=wereld.coordinator, expected_version=1,
                                data={"doel": "Samen zichtbaar in de hele gemeente."},
                                inzet=[InzetRegel("I", 10, Decimal("6.5"))])
    comparison = compare_versions(vastgesteld, fresh(copy))
    velden = {row.label: row for row in comparison["velden"]}
    assert velden["Doel"].gewijzigd
    assert ("weg", "wijk.") in velden["Doel"].diff and ("erbij", "hele gemeente.") in velden["Doel"].diff
    assert not velden["Titel"].gewijzigd
    inzet = {row.label: row for row in comparison["inzet"]}
    assert (inzet[Domein.I.label].links, inzet[Domein.I.label].rechts) == ("8 BOA's, 6.5 fte", "10 BOA's, 6.5 fte")
    assert not inzet[Domein.II.label].gewijzigd


def test_comparison_over_two_herzieningen_still_matches_clauses(db, wereld, vastgesteld):
    v2 = revise(vastgesteld, wereld.coordinator)
    zet_status(v2, Status.VASTGESTELD)
    v3 = services.start_herziening(arrangement=v2, user=wereld.coordinator)
    rows = rows_by_title(compare_versions(vastgesteld, v3))
    assert rows["Bereikbaarheid via portofoon"].soort == "gewijzigd"
    assert rows["Jaarlijkse evaluatie"].soort == "ongewijzigd"
    assert rows["Bodycams"].soort == "toegevoegd"
    assert selectors.version_chain(v3) == [vastgesteld, v2, v3]


# --- ordering ---------------------------------------------------------------------------------------

def backup_titles(arrangement) -> list[str]:
    return list(arrangement.afspraken.filter(onderwerp__naam="Backup en assistentie")
                .order_by("volgorde", "pk").values_list("titel", flat=True))


def test_move_afspraak_up_swaps_it_with_the_one_above(db, wereld):
    arrangement = wereld.nieuw()
    assert backup_titles(arrangement) == ["Noodmelding geldt als assistentie collega", "Backup bij aanhouding"]
    services.move_afspraak(afspraak=arrangement.afspraken.get(titel="Backup bij aanhouding"),
                           user=wereld.coordinator, expected_version=1, richting="omhoog")
    assert backup_titles(arrangement) == ["Backup bij aanhouding", "Noodmelding geldt als assistentie collega"]
    assert fresh(arrangement).lock_version == 2


def test_move_afspraak_down_works_in_a_herziening_too(db, wereld, vastgesteld):
    copy = services.start_herziening(arrangement=vastgesteld, user=wereld.coordinator)
    services.move_afspraak(afspraak=copy.afspraken.get(titel="Noodmelding geldt als assistentie collega"),
                           user=wereld.coordinator, expected_version=1, richting="omlaag")
    assert backup_titles(copy) == ["Backup bij aanhouding", "Noodmelding geldt als assistentie collega"]


def test_moving_the_top_afspraak_up_changes_nothing(db, wereld):
    arrangement = wereld.nieuw()
    services.move_afspraak(afspraak=arrangement.afspraken.get(titel="Noodmelding geldt als assistentie collega"),
                           user=wereld.coordinator, expected_version=1, richting="omhoog")
    assert backup_titles(arrangement) == ["Noodmelding geldt als assistentie collega", "Backup bij aanhouding"]
    assert fresh(arrangement).lock_version == 1


def test_move_in_an_unknown_direction_is_refused(db, wereld):
    arrangement = wereld.nieuw()
    with pytest.raises(ValidationError, match="Kies omhoog of omlaag."):
        services.move_afspraak(afspraak=arrangement.afspraken.first(), user=wereld.coordinator,
                               expected_version=1, richting="opzij")


# --- comments ---------------------------------------------------------------------------------------

def test_reply_to_a_reply_joins_the_thread_of_the_first_comment(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    afspraak = arrangement.afspraken.first()
    reviewer = wereld.leden[Rol.REVIEWER]
    vraag = services.add_opmerking(arrangement=arrangement, user=reviewer, tekst="Wie belt wie?", afspraak=afspraak)
    antwoord = services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="De OE.",
                                      antwoord_op=vraag)
    reactie = services.add_opmerking(arrangement=arrangement, user=reviewer, tekst="Dank.", antwoord_op=antwoord)
    assert (reactie.antwoord_op, reactie.afspraak) == (vraag, afspraak)
    threads = selectors.opmerkingen_threads(list(arrangement.opmerkingen.order_by("geplaatst_op", "pk")))
    assert [(t["opmerking"], t["antwoorden"]) for t in threads] == [(vraag, [antwoord, reactie])]


def test_resolving_and_reopening_a_comment(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    opmerking = services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.REVIEWER], tekst="Vraag")
    services.set_opmerking_opgelost(opmerking=opmerking, user=wereld.coordinator)
    opmerking.refresh_from_db()
    assert (opmerking.opgelost, opmerking.opgelost_door) == (True, wereld.coordinator)
    assert opmerking.opgelost_op is not None
    services.set_opmerking_opgelost(opmerking=opmerking, user=wereld.coordinator, opgelost=False)
    opmerking.refresh_from_db()
    assert (opmerking.opgelost, opmerking.opgelost_door, opmerking.opgelost_op) == (False, None, None)


def test_lezer_can_neither_comment_nor_resolve(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    opmerking = services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.REVIEWER], tekst="Vraag")
    with pytest.raises(PermissionDenied):
        services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.LEZER], tekst="Mag ik?")
    with pytest.raises(PermissionDenied):
        services.set_opmerking_opgelost(opmerking=opmerking, user=wereld.leden[Rol.LEZER])
    assert list(arrangement.opmerkingen.values_list("tekst", "opgelost")) == [("Vraag", False)]


def test_comment_on_a_clause_of_another_arrangement_is_refused(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    elders = wereld.per_status["eigen"][Status.CONCEPT].afspraken.first()
    with pytest.raises(ValidationError) as refused:
        services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="Hier?", afspraak=elders)
    assert refused.value.message_dict == {"afspraak": ["Deze afspraak hoort niet bij dit arrangement."]}
    assert not Opmerking.objects.exists()


def test_reply_to_a_comment_of_another_arrangement_is_refused(db, wereld):
    elders = services.add_opmerking(arrangement=wereld.per_status["eigen"][Status.CONCEPT], user=wereld.coordinator,
                                    tekst="Elders")
    with pytest.raises(ValidationError) as refused:
        services.add_opmerking(arrangement=wereld.per_status["eigen"][Status.TER_REVIEW], user=wereld.coordinator,
                               tekst="Reactie", antwoord_op=elders)
    assert list(refused.value.message_dict) == ["antwoord_op"]
    assert Opmerking.objects.count() == 1


def test_empty_comment_is_refused(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    with pytest.raises(ValidationError) as refused:
        services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="  \n")
    assert refused.value.message_dict == {"tekst": [LEEG]}
    assert not Opmerking.objects.exists()


def test_deleting_a_clause_keeps_its_comments_on_the_arrangement(db, wereld):
    arrangement = wereld.nieuw()
    afspraak = arrangement.afspraken.get(titel="Vaste koppels")
    services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="Nog nodig?", afspraak=afspraak)
    services.delete_afspraak(afspraak=afspraak, user=wereld.coordinator, expected_version=1)
    assert list(arrangement.opmerkingen.values_list("tekst", "afspraak")) == [("Nog nodig?", None)]


# --- reading ---------------------------------------------------------------------------------------

def test_in_force_on_a_day_only_signed_arrangements_within_their_period(db, wereld, vastgesteld):
    zet_status(vastgesteld, Status.ONDERTEKEND)
    binnen = datetime.date(2025, 6, 1)
    assert list(Arrangement.objects.in_force_on(binnen).filter(driehoek=wereld.eigen)) == [vastgesteld]
    assert not Arrangement.objects.in_force_on(datetime.date(2027, 1, 1)).filter(pk=vastgesteld.pk).exists()
    zet_status(vastgesteld, Status.VASTGESTELD)
    assert not Arrangement.objects.in_force_on(binnen).filter(pk=vastgesteld.pk).exists()


def test_signed_arrangement_past_its_end_date_reads_as_verlopen(db, wereld, vastgesteld):
    zet_status(vastgesteld, Status.ONDERTEKEND, geldig_tot=vandaag() - datetime.timedelta(days=1))
    assert fresh(vastgesteld).is_verlopen
    zet_status(vastgesteld, Status.ONDERTEKEND, geldig_tot=vandaag())
    assert not fresh(vastgesteld).is_verlopen

