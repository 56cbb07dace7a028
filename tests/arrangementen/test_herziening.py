"""Herziening of an arrangement, comparing its versions, and the order of its afspraken."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from arrangementen import selectors, services
from arrangementen.models import (
    Arrangement,
    Domein,
    Status,
)
from arrangementen.services import InzetRegel
from arrangementen.vergelijking import compare_versions
from samenwerking.models import Rol

from .helpers import zet_status
from .test_services import fresh, snapshot

# --- herziening ------------------------------------------------------------------------------------


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
