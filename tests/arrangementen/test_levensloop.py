"""One lifecycle state computed in one place (arrangementen.levensloop): the fase on any peildatum, in words, and
"in force on D" returning at most one version per herzieningsketen whatever the order of events."""

import datetime
import importlib
import itertools

import pytest
from django.utils import timezone

from arrangementen import levensloop, workflow
from arrangementen.models import Arrangement, Levensfase, Opzegging, Partij, Status, Statusovergang

from ..factories import ArrangementFactory, GebruikerFactory, OrganisatieFactory

DAY = datetime.timedelta(days=1)
F = Levensfase


def today():
    return timezone.localdate()


def signed(**velden) -> Arrangement:
    velden.setdefault("geldig_van", today() - 10 * DAY)
    return ArrangementFactory(status=Status.ONDERTEKEND, **velden)


def opzeg(arrangement: Arrangement, *, ingangsdatum: datetime.date, gedaan_op=None) -> Opzegging:
    partij = Partij.objects.create(arrangement=arrangement, organisatie=OrganisatieFactory(),
                                   ondertekenaar_functie="burgemeester")
    return Opzegging.objects.create(arrangement=arrangement, partij=partij, door=arrangement.aangemaakt_door,
                                    reden="Samenwerking stopt.", ingangsdatum=ingangsdatum,
                                    gedaan_op=gedaan_op or timezone.now())


def fase(arrangement: Arrangement, peildatum: datetime.date) -> str | None:
    return Arrangement.objects.met_levensfase(peildatum).get(pk=arrangement.pk).levensfase


@pytest.mark.parametrize(("offset", "expected"), [
    (-11, F.NOG_NIET_IN_WERKING), (-10, F.IN_WERKING), (99, F.IN_WERKING), (100, F.EVALUATIE_ACHTERSTALLIG),
    (211, F.EVALUATIE_ACHTERSTALLIG), (301, F.VERLOPEN),
])
def test_fase_of_one_signed_arrangement_on_each_peildatum(db, offset, expected):
    arrangement = signed(evaluatiedatum=today() + 99 * DAY, geldig_tot=today() + 300 * DAY)
    assert fase(arrangement, today() + offset * DAY) == expected


@pytest.mark.parametrize(("offset", "expected"), [
    (209, F.IN_WERKING), (210, F.VERLOOPT_BINNENKORT), (300, F.VERLOOPT_BINNENKORT), (301, F.VERLOPEN),
])
def test_verloopt_binnenkort_in_the_last_90_days(db, offset, expected):
    arrangement = signed(geldig_tot=today() + 300 * DAY)
    assert fase(arrangement, today() + offset * DAY) == expected


def test_a_recorded_evaluation_moves_the_date_that_counts(db):
    arrangement = signed(evaluatiedatum=today() - DAY, volgende_evaluatie=today() + 365 * DAY)
    assert fase(arrangement, today()) == F.IN_WERKING
    assert fase(arrangement, today() + 366 * DAY) == F.EVALUATIE_ACHTERSTALLIG


@pytest.mark.parametrize("status", [s for s in Status if s != Status.ONDERTEKEND])
def test_only_a_signed_arrangement_has_a_fase(db, status):
    arrangement = ArrangementFactory(status=status, geldig_van=today() - 10 * DAY)
    assert fase(arrangement, today()) is None
    assert levensloop.describe(arrangement) == ""


def test_opzegging_keeps_it_in_force_until_its_ingangsdatum_and_not_before_it_was_given(db):
    arrangement = signed(geldig_tot=today() + 400 * DAY)
    opzeg(arrangement, ingangsdatum=today() + 60 * DAY)
    assert fase(arrangement, today() - DAY) == F.IN_WERKING
    assert fase(arrangement, today()) == F.OPGEZEGD
    assert fase(arrangement, today() + 59 * DAY) == F.OPGEZEGD
    assert fase(arrangement, today() + 60 * DAY) == F.BEEINDIGD
    assert list(Arrangement.objects.in_force_on(today() + 59 * DAY)) == [arrangement]
    assert not Arrangement.objects.in_force_on(today() + 60 * DAY).exists()


def test_words_for_pages(db):
    arrangement = signed(geldig_tot=today() + 400 * DAY)
    assert levensloop.describe(arrangement).startswith("In werking sinds ")
    opzeg(arrangement, ingangsdatum=datetime.date(2030, 3, 1))
    assert levensloop.describe(arrangement) == "Opgezegd per 1 maart 2030"
    assert levensloop.describe(arrangement, datetime.date(2030, 3, 1)) == "Beëindigd door opzegging per 1 maart 2030"


def _sign(arrangement: Arrangement, user) -> None:
    workflow.perform(arrangement=Arrangement.objects.get(pk=arrangement.pk), action="ondertekening_voltooien",
                     user=user, as_system=True)


def test_a_signed_herziening_replaces_its_predecessor_from_its_geldig_van(db, frozen):
    user = GebruikerFactory()
    v1 = signed(geldig_van=today() - 100 * DAY)
    v2 = ArrangementFactory(driehoek=v1.driehoek, versie=2, vorige_versie=v1, status=Status.VASTGESTELD,
                            geldig_van=today() + 30 * DAY)
    _sign(v2, user)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.ondertekend_op is not None
    assert v1.vervangen_per == today() + 30 * DAY
    assert fase(v1, today() + 30 * DAY) == F.VERVANGEN
    assert levensloop.describe(v1, today() + 30 * DAY) == (
        "Vervangen door versie 2 per " + levensloop._datum(today() + 30 * DAY))
    record = v1.history.order_by("-history_date", "-history_id").first()
    assert record.history_user is None and record.history_change_reason.startswith("Vervangen door versie 2")


def test_a_herziening_signed_after_its_geldig_van_replaces_at_once(db):
    v1 = signed(geldig_van=today() - 100 * DAY)
    v2 = ArrangementFactory(driehoek=v1.driehoek, versie=2, vorige_versie=v1, status=Status.VASTGESTELD,
                            geldig_van=today() - 20 * DAY)
    _sign(v2, GebruikerFactory())
    v1.refresh_from_db()
    assert v1.vervangen_per == today()
    assert [a.pk for a in Arrangement.objects.in_force_on(today() - DAY)] == [v1.pk]
    assert [a.pk for a in Arrangement.objects.in_force_on(today())] == [v2.pk]


# --- at most one version per chain in force, for every order of events --------------------------------------

EVENTS = ("teken1", "teken2", "teken3", "opzeg1", "opzeg2")
# geldig_van per version, relative to the first event: before, after and between the signing days.
GELDIG_VAN = {1: -10, 2: 50, 3: 20}


def _orders():
    for order in itertools.permutations(EVENTS):
        # An opzegging needs a signed arrangement.
        if order.index("opzeg1") > order.index("teken1") and order.index("opzeg2") > order.index("teken2"):
            yield order


def _check_one_per_chain(start: datetime.date) -> None:
    versions = Arrangement.objects.filter(titel="Keten").order_by("versie")
    days = {start + n * DAY for n in range(-15, 140, 5)}
    # Every date where a version may start or stop, and the day before it.
    for version in versions:
        edges = [version.geldig_van, version.vervangen_per, levensloop.start_date(version),
                 getattr(getattr(version, "opzegging", None), "ingangsdatum", None)]
        days |= {d + delta for d in edges if d for delta in (-DAY, 0 * DAY)}
    # One query per date: "in force on D" for the whole chain.
    for day in sorted(days):
        in_force = list(Arrangement.objects.in_force_on(day).filter(titel="Keten").values_list("versie", flat=True))
        assert len(in_force) <= 1, (day, in_force)


@pytest.mark.parametrize("order", list(_orders()), ids="-".join)
def test_at_most_one_version_per_chain_in_force_on_any_date(db, frozen, order):
    start = today()
    user = GebruikerFactory()
    driehoek = ArrangementFactory().driehoek
    versions = {}
    for n in (1, 2, 3):
        versions[n] = ArrangementFactory(driehoek=driehoek, titel="Keten", versie=n, vorige_versie=versions.get(n - 1),
                                         status=Status.VASTGESTELD, geldig_van=start + GELDIG_VAN[n] * DAY,
                                         geldig_tot=start + 400 * DAY)
    for step, event in enumerate(order):
        frozen(days=15 * step)
        n = int(event[-1])
        if event.startswith("teken"):
            _sign(versions[n], user)
        else:
            opzeg(Arrangement.objects.get(pk=versions[n].pk), ingangsdatum=today() + 40 * DAY)
        _check_one_per_chain(start)


def test_the_data_migration_fills_ondertekend_op_and_vervangen_per_of_earlier_signed_chains(db):
    from django.apps import apps

    migration = importlib.import_module("arrangementen.migrations.0011_levensloop_aanvullen")
    user = GebruikerFactory()
    v1 = signed(geldig_van=today() - 400 * DAY)
    v2 = signed(driehoek=v1.driehoek, versie=2, vorige_versie=v1, geldig_van=today() - 30 * DAY)
    getekend = timezone.now() - 20 * DAY
    Statusovergang.objects.create(arrangement=v2, van=Status.VASTGESTELD, naar=Status.ONDERTEKEND, door=user,
                                  op=getekend)
    migration.fill(apps, None)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.ondertekend_op == getekend and v1.ondertekend_op is None
    assert v1.vervangen_per == timezone.localdate(getekend) and v2.vervangen_per is None
    assert [a.pk for a in Arrangement.objects.in_force_on(today())] == [v2.pk]


def test_is_verlopen_follows_the_levensfase_where_it_was_annotated(db):
    replaced = signed(geldig_tot=today() - DAY, vervangen_per=today() - 5 * DAY)
    expired = signed(geldig_tot=today() - DAY)
    annotated = {a.pk: a.is_verlopen for a in Arrangement.objects.met_levensfase()}
    assert annotated == {replaced.pk: False, expired.pk: True}
