"""The dashboard's blocks of arrangements in force ("In werking", "Evaluatie achterstallig", "Verloopt binnenkort")
and "Opgezegd / vervangen" come from one query, each block in its own order and limited to its own ten rows."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrangementen import levensfaseblokken
from arrangementen.models import Arrangement, Opzegging, Partij, Status
from arrangementen.selectors import DASHBOARD_ROWS
from samenwerking import dashboard
from samenwerking.models import Rol

from ..factories import ArrangementFactory, DriehoekFactory, GebruikerFactory, OrganisatieFactory, lid

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def wereld():
    """A lezer of one driehoek with more than ten arrangements in each fase, plus some they may not see."""
    user, driehoek = GebruikerFactory(), DriehoekFactory()
    lid(user, driehoek, Rol.LEZER)
    made = {"werking": [], "achterstallig": [], "verloopt": []}
    for i in range(DASHBOARD_ROWS + 3):
        # Dates out of creation order, and ties, so the order comes from the dates and then the pk.
        shift = (i * 7) % 5
        made["werking"].append(ArrangementFactory(
            driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - (10 + shift) * DAY,
            geldig_tot=today() + 400 * DAY, evaluatiedatum=today() + 200 * DAY))
        made["achterstallig"].append(ArrangementFactory(
            driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - 300 * DAY,
            geldig_tot=today() + 400 * DAY, evaluatiedatum=today() - (1 + shift) * DAY))
        made["verloopt"].append(ArrangementFactory(
            driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - 300 * DAY,
            geldig_tot=today() + (5 + shift) * DAY))
    vervangen = ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - DAY,
                                   geldig_tot=today() + 400 * DAY, vervangen_per=today() + 20 * DAY)
    ArrangementFactory(driehoek=DriehoekFactory(), status=Status.ONDERTEKEND, geldig_van=today() - DAY,
                       geldig_tot=today() + 400 * DAY)
    return user, made, vervangen


def first_ten(arrangementen, key) -> list[int]:
    return [a.pk for a in sorted(arrangementen, key=key)[:DASHBOARD_ROWS]]


def test_each_block_has_its_own_order_and_its_own_ten_rows_from_one_query(wereld):
    user, made, vervangen = wereld
    with CaptureQueriesContext(connection) as queries:
        blokken = levensfaseblokken.levensfase_blokken(user)
    assert len(queries) == 1
    assert [a.pk for a in blokken["werking"]] == first_ten(made["werking"],
                                                           lambda a: (-a.geldig_van.toordinal(), a.pk))
    assert [a.pk for a in blokken["achterstallig"]] == first_ten(made["achterstallig"],
                                                                 lambda a: (a.evaluatiedatum, a.pk))
    assert [a.pk for a in blokken["verloopt"]] == first_ten(made["verloopt"], lambda a: (a.geldig_tot, a.pk))
    assert vervangen.pk not in {a.pk for sleutel in ("werking", "achterstallig", "verloopt")
                                for a in blokken[sleutel]}
    # The same read fills "Opgezegd / vervangen" (issue 19): the coming vervanging is there, and only it.
    assert [a.pk for a in blokken["opgezegd"]] == [vervangen.pk]
    assert blokken["opgezegd"][0].fase_tekst.startswith("vervangen per ")
    assert [a.evaluatie_telt for a in blokken["achterstallig"][:1]] == [
        Arrangement.objects.get(pk=blokken["achterstallig"][0].pk).evaluatiedatum]


def _opgezegd(driehoek, *, ingangsdatum, **velden) -> Arrangement:
    arrangement = ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - 300 * DAY,
                                     geldig_tot=today() + 400 * DAY, **velden)
    partij = Partij.objects.create(arrangement=arrangement, organisatie=OrganisatieFactory(),
                                   ondertekenaar_functie="burgemeester")
    Opzegging.objects.create(arrangement=arrangement, partij=partij, door=arrangement.aangemaakt_door,
                             reden="Samenwerking stopt.", ingangsdatum=ingangsdatum)
    return arrangement


def test_opgezegd_vervangen_holds_the_opgezegd_and_the_recently_ended_in_order_of_their_end():
    user, driehoek = GebruikerFactory(), DriehoekFactory()
    lid(user, driehoek, Rol.LEZER)
    still_in_force = _opgezegd(driehoek, ingangsdatum=today() + 60 * DAY)
    ended_lately = _opgezegd(driehoek, ingangsdatum=today() - 5 * DAY)
    _opgezegd(driehoek, ingangsdatum=today() - 40 * DAY)  # ended too long ago
    replaced_lately = ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - 300 * DAY,
                                         geldig_tot=today() + 400 * DAY, vervangen_per=today() - 10 * DAY)
    ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - 300 * DAY,
                       geldig_tot=today() + 400 * DAY, vervangen_per=today() - 31 * DAY)  # replaced too long ago
    ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today() - 300 * DAY,
                       geldig_tot=today() - 3 * DAY)  # verlopen: in no block
    _opgezegd(DriehoekFactory(), ingangsdatum=today() + 60 * DAY)  # not the user's driehoek
    blokken = levensfaseblokken.levensfase_blokken(user)
    assert [a.pk for a in blokken["opgezegd"]] == [replaced_lately.pk, ended_lately.pk, still_in_force.pk]
    assert [a.fase_tekst.split(" per ")[0] for a in blokken["opgezegd"]] == ["vervangen", "opgezegd", "opgezegd"]
    assert blokken["werking"] == blokken["achterstallig"] == blokken["verloopt"] == []


def test_the_dashboard_reads_the_shared_rows_once_for_its_three_blocks(wereld, monkeypatch):
    user, _made, _vervangen = wereld
    shared = {b.gedeeld for b in dashboard._blokken.values() if b.gedeeld is not None}
    assert shared == {levensfaseblokken.levensfase_blokken}
    calls = []

    def counted(u):
        calls.append(u)
        return levensfaseblokken.levensfase_blokken(u)

    monkeypatch.setattr(dashboard, "_blokken", {
        k: b if b.gedeeld is None else dataclasses.replace(b, gedeeld=counted) for k, b in dashboard._blokken.items()})
    blokken = {b.blok.sleutel: b.items for b in dashboard.blocks_for(user=user)}
    assert calls == [user]
    assert len(blokken["werking"]) == len(blokken["achterstallig"]) == len(blokken["verloopt"]) == DASHBOARD_ROWS


def test_a_block_needs_exactly_one_source():
    with pytest.raises(ValueError):
        dashboard.Blok(sleutel="x", volgorde=1, template="t", kop="k", leeg="l")
    with pytest.raises(ValueError):
        dashboard.Blok(sleutel="x", volgorde=1, template="t", kop="k", leeg="l", items=list, gedeeld=list)
