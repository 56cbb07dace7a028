"""The coverage rule (arrangementen.dekking, issue 16 item 5) with a frozen clock: a gemeente's state changes when
its arrangement is vastgesteld, signed, comes into force, falls behind on its evaluation, expires, is terminated,
replaced or withdrawn; a past peildatum shows the past state; the number of queries does not grow."""

import datetime

import pytest
from django.utils import timezone

from arrangementen import workflow
from arrangementen.dekking import Dekking, coverage
from arrangementen.models import Arrangement, Levensfase, Opzegging, Partij, Status
from samenwerking.models import Gemeente, Organisatie

from ..factories import ArrangementFactory, DriehoekFactory, GemeenteFactory, OrganisatieFactory
from .helpers import zet_status

DAY = datetime.timedelta(days=1)
# Model defaults read the real clock, not the frozen one: rows that must exist on a past peildatum say when made.
LANG_GELEDEN = timezone.now() - datetime.timedelta(days=1000)
D = Dekking


def _gemeente_party(arrangement: Arrangement, gemeente: Gemeente) -> Partij:
    organisatie, _ = Organisatie.objects.get_or_create(
        naam=f"Gemeente {gemeente.officiele_naam}", defaults={"soort": Organisatie.Soort.GEMEENTE,
                                                               "gemeente": gemeente})
    return Partij.objects.create(arrangement=arrangement, organisatie=organisatie, ondertekenaar_functie="burgemeester")


def _arrangement(gemeenten, **velden) -> Arrangement:
    """An arrangement with these gemeenten and the politie as signing parties (the politie names no gemeente)."""
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=list(gemeenten)), **velden)
    for gemeente in gemeenten:
        _gemeente_party(arrangement, gemeente)
    Partij.objects.create(arrangement=arrangement, ondertekenaar_functie="teamchef",
                          organisatie=OrganisatieFactory(soort=Organisatie.Soort.POLITIE))
    return arrangement


def _sign(arrangement: Arrangement) -> None:
    workflow.perform(arrangement=arrangement, action="ondertekening_voltooien", user=arrangement.aangemaakt_door,
                     as_system=True)


def _state(gemeente: Gemeente, peildatum: datetime.date):
    [entry] = coverage(gemeenten=Gemeente.objects.filter(pk=gemeente.pk), peildatum=peildatum)
    return entry.stand


@pytest.mark.parametrize("einde", ["verloopt", "opzegging", "herziening_met", "herziening_zonder"])
def test_a_gemeentes_state_follows_its_arrangement_through_its_life(db, frozen, einde):
    t0 = timezone.localdate()
    at = {n: t0 + n * DAY for n in range(0, 500)}
    gemeente, andere = GemeenteFactory(), GemeenteFactory()
    assert _state(gemeente, at[0]) == D.GEEN
    v1 = _arrangement([gemeente], geldig_van=at[10], geldig_tot=at[300], evaluatiedatum=at[100])
    seen = {0: _state(gemeente, at[0])}
    frozen(days=2)
    zet_status(v1, Status.VASTGESTELD, vastgesteld_op=at[2])
    seen[2] = _state(gemeente, at[2])
    frozen(days=5)
    _sign(v1)
    for n in (5, 10, 100, 101, 102):
        frozen(days=n)
        if n == 102:  # evaluated: the next evaluation a year on
            Arrangement.objects.filter(pk=v1.pk).update(volgende_evaluatie=at[465])
        seen[n] = _state(gemeente, at[n])
    frozen(days=150)
    if einde == "opzegging":
        Opzegging.objects.create(arrangement=v1, partij=v1.partijen.first(), door=v1.aangemaakt_door,
                                 reden="De gemeente stopt met BOA's.", ingangsdatum=at[200])
    if einde.startswith("herziening"):
        v2 = _arrangement([gemeente] if einde == "herziening_met" else [andere], titel=v1.titel, versie=2,
                          vorige_versie=v1, status=Status.VASTGESTELD, geldig_van=at[200], geldig_tot=at[480],
                          evaluatiedatum=at[400], vastgesteld_op=at[150])
        _sign(v2)
    for n in (150, 199, 200, 301):
        frozen(days=n)
        seen[n] = _state(gemeente, at[n])

    assert seen[0] == D.IN_VOORBEREIDING
    assert seen[2] == D.VASTGESTELD
    assert seen[5] == D.VASTGESTELD  # signed, in force from geldig_van
    assert seen[10] == D.IN_WERKING
    assert seen[100] == D.IN_WERKING
    assert seen[101] == D.EVALUATIE_ACHTERSTALLIG
    assert seen[102] == D.IN_WERKING  # the evaluation was recorded
    expected_end = {
        "verloopt": {150: D.IN_WERKING, 199: D.IN_WERKING, 200: D.IN_WERKING, 301: D.BEEINDIGD},
        "opzegging": {150: D.IN_WERKING, 199: D.IN_WERKING, 200: D.BEEINDIGD, 301: D.BEEINDIGD},
        "herziening_met": {150: D.IN_WERKING, 199: D.IN_WERKING, 200: D.IN_WERKING, 301: D.IN_WERKING},
        "herziening_zonder": {150: D.IN_WERKING, 199: D.IN_WERKING, 200: D.BEEINDIGD, 301: D.BEEINDIGD},
    }[einde]
    assert {n: seen[n] for n in expected_end} == expected_end


def test_an_overdue_evaluation_is_its_own_state_and_still_covered(db):
    today = timezone.localdate()
    gemeente = GemeenteFactory()
    arrangement = _arrangement([gemeente], status=Status.VASTGESTELD, vastgesteld_op=today - 60 * DAY,
                               geldig_van=today - 50 * DAY, evaluatiedatum=today - DAY, aangemaakt_op=LANG_GELEDEN)
    _sign(arrangement)
    Arrangement.objects.filter(pk=arrangement.pk).update(ondertekend_op=timezone.now() - 50 * DAY)
    [entry] = coverage(gemeenten=Gemeente.objects.filter(pk=gemeente.pk), peildatum=today)
    assert entry.stand == D.EVALUATIE_ACHTERSTALLIG and entry.gedekt
    [before] = coverage(gemeenten=Gemeente.objects.filter(pk=gemeente.pk), peildatum=today - DAY)
    assert before.stand == D.IN_WERKING and before.gedekt


def test_a_replaced_version_is_listed_next_to_the_version_in_force(db):
    today = timezone.localdate()
    gemeente = GemeenteFactory()
    v1 = _arrangement([gemeente], status=Status.ONDERTEKEND, geldig_van=today - 400 * DAY,
                      ondertekend_op=timezone.now() - 400 * DAY, vervangen_per=today - 10 * DAY,
                      aangemaakt_op=LANG_GELEDEN)
    v2 = _arrangement([gemeente], status=Status.ONDERTEKEND, versie=2, vorige_versie=v1,
                      vastgesteld_op=today - 30 * DAY, geldig_van=today - 10 * DAY,
                      ondertekend_op=timezone.now() - 20 * DAY, aangemaakt_op=timezone.now() - 40 * DAY)
    [entry] = coverage(gemeenten=Gemeente.objects.filter(pk=gemeente.pk), peildatum=today)
    assert entry.stand == D.IN_WERKING
    assert [(a.pk, a.stand, a.levensfase) for a in entry.arrangementen] == [
        (v2.pk, D.IN_WERKING, Levensfase.IN_WERKING), (v1.pk, D.BEEINDIGD, Levensfase.VERVANGEN)]
    assert [a.pk for a in entry.overige] == [v1.pk]
    [earlier] = coverage(gemeenten=Gemeente.objects.filter(pk=gemeente.pk), peildatum=today - 11 * DAY)
    assert [(a.pk, a.stand) for a in earlier.arrangementen] == [(v1.pk, D.IN_WERKING), (v2.pk, D.VASTGESTELD)]


def test_the_best_state_wins_and_a_gemeente_of_the_driehoek_that_is_no_party_has_none(db):
    today = timezone.localdate()
    partij, geen_partij = GemeenteFactory(), GemeenteFactory()
    in_voorbereiding = _arrangement([partij])
    in_voorbereiding.driehoek.gemeenten.add(geen_partij)
    verlopen = _arrangement([partij], status=Status.ONDERTEKEND, geldig_van=today - 400 * DAY,
                            geldig_tot=today - DAY, ondertekend_op=timezone.now() - 400 * DAY)
    result = coverage(gemeenten=Gemeente.objects.filter(pk__in=[partij.pk, geen_partij.pk]).order_by("pk"),
                      peildatum=today)
    assert [(e.gemeente, e.stand) for e in result] == [(partij, D.IN_VOORBEREIDING), (geen_partij, D.GEEN)]
    assert [a.pk for a in result[0].arrangementen] == [in_voorbereiding.pk, verlopen.pk]
    assert result[1].arrangementen == [] and not result[1].gedekt


def test_only_a_party_of_soort_gemeente_covers_its_gemeente(db):
    today = timezone.localdate()
    gemeente = GemeenteFactory()
    arrangement = ArrangementFactory(driehoek=DriehoekFactory(gemeenten=[gemeente]), status=Status.ONDERTEKEND,
                                     geldig_van=today - 10 * DAY, ondertekend_op=timezone.now() - 10 * DAY,
                                     aangemaakt_op=LANG_GELEDEN)
    # A terreinbeheerder linked to the gemeente signs, the gemeente itself does not: the gemeente is not covered.
    Partij.objects.create(arrangement=arrangement, ondertekenaar_functie="directeur", organisatie=OrganisatieFactory(
        soort=Organisatie.Soort.TERREINBEHEERDER, gemeente=gemeente))
    assert _state(gemeente, today) == D.GEEN
    _gemeente_party(arrangement, gemeente)
    assert _state(gemeente, today) == D.IN_WERKING


def test_a_withdrawn_arrangement_counts_only_before_it_was_withdrawn_and_a_newer_one_not_before_it_was_made(db):
    today = timezone.localdate()
    gemeente = GemeenteFactory()
    arrangement = _arrangement([gemeente], aangemaakt_op=LANG_GELEDEN)
    workflow.perform(arrangement=arrangement, action="intrekken", user=arrangement.aangemaakt_door,
                     toelichting="Niet meer nodig.", as_system=True)
    assert _state(gemeente, today - DAY) == D.IN_VOORBEREIDING
    assert _state(gemeente, today) == D.GEEN
    _arrangement([gemeente])  # made today
    assert _state(gemeente, today - DAY) == D.IN_VOORBEREIDING  # still only the withdrawn one
    assert _state(gemeente, today) == D.IN_VOORBEREIDING
    assert [a.pk for a in coverage(gemeenten=Gemeente.objects.filter(pk=gemeente.pk),
                                   peildatum=today - DAY)[0].arrangementen] == [arrangement.pk]


def test_a_past_peildatum_shows_the_past_state(db, frozen):
    t0 = timezone.localdate()
    gemeente = GemeenteFactory()
    arrangement = _arrangement([gemeente], geldig_van=t0 + 30 * DAY, geldig_tot=t0 + 60 * DAY)
    frozen(days=10)
    zet_status(arrangement, Status.VASTGESTELD, vastgesteld_op=t0 + 10 * DAY)
    frozen(days=20)
    _sign(arrangement)
    frozen(days=100)  # today the arrangement has expired; the past is still there
    assert [_state(gemeente, t0 + n * DAY) for n in (0, 9, 10, 20, 29, 30, 60, 61)] == [
        D.IN_VOORBEREIDING, D.IN_VOORBEREIDING, D.VASTGESTELD, D.VASTGESTELD, D.VASTGESTELD, D.IN_WERKING,
        D.IN_WERKING, D.BEEINDIGD]
    assert _state(gemeente, t0 - DAY) == D.GEEN


@pytest.mark.parametrize("aantal", [3, 30])
def test_coverage_reads_in_a_constant_number_of_queries(db, django_assert_num_queries, aantal):
    today = timezone.localdate()
    gemeenten = [GemeenteFactory() for _ in range(aantal)]
    for index, gemeente in enumerate(gemeenten):
        _arrangement([gemeente])
        if index % 2:
            _arrangement([gemeente, gemeenten[0]], status=Status.ONDERTEKEND, geldig_van=today - 10 * DAY,
                         ondertekend_op=timezone.now() - 10 * DAY, geldig_tot=today + 400 * DAY)
    with django_assert_num_queries(3):  # gemeenten, rows, geweldsmiddelen flags
        result = coverage(gemeenten=Gemeente.objects.filter(pk__in=[g.pk for g in gemeenten]).order_by("pk"),
                          peildatum=today)
    assert [e.stand for e in result] == [D.IN_WERKING] + [
        D.IN_WERKING if index % 2 else D.IN_VOORBEREIDING for index in range(1, aantal)]
    assert len(result[0].arrangementen) == 1 + aantal // 2
