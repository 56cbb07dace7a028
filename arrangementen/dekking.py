"""Which gemeente is covered, on any peildatum: the one rule of issue 16 (item 5).

A gemeente counts only where it is a *signing party* of an arrangement: a Partij whose organisation is of soort
gemeente and names the gemeente. Every Partij of an arrangement signs (documenten gives each one a signature field
and the arrangement is ondertekend when the last one has signed), so "party" and "signing party" are the same rows;
a gemeente that is merely in the driehoek, without being a party, is not covered by its arrangement.

Each arrangement the gemeente is a party of has one state on the peildatum (`Dekking`, best first):
- ondertekend en in werking: levensfase in werking, verloopt binnenkort, or opgezegd (still in force until the
  opzegging's ingangsdatum), from arrangementen.levensfase, the one lifecycle rule;
- evaluatie achterstallig: in force, its evaluation overdue (levensfase);
- vastgesteld, nog niet in werking: the driehoek decided (vastgesteld_op on or before the peildatum) and it is not
  yet signed by all, or it is signed and starts later (levensfase nog niet in werking);
- in voorbereiding: made on or before the peildatum and not yet vastgesteld (concept, ter beoordeling, wijzigingen
  gevraagd, goedgekeurd); a withdrawn arrangement counts so only before the day it was withdrawn;
- verlopen of opgezegd: signed and ended (levensfase verlopen, beëindigd door opzegging, or vervangen);
- geen: no arrangement in one of the states above (arrangements made after the peildatum, or withdrawn by then,
  do not count at all).

A past peildatum reads the past: the levensfase already works from dates (geldig van/tot, ondertekend_op,
vervangen_per, opzegging), and the steps before signing are read from aangemaakt_op, vastgesteld_op and the day
of withdrawal (its Statusovergang). Several arrangements for one gemeente: the best state is the gemeente's, and
every arrangement is listed with its own state (best first, newest version first).

`coverage()` reads in three queries whatever the number of gemeenten and arrangements: the gemeenten, the
(arrangement × gemeente party) rows with the levensfase computed by the database, and the geweldsmiddelen flags
(arrangementen.geweldstoets.flags_for_gemeenten).
"""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import models
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from samenwerking.models import Gemeente, Organisatie

from . import publicatie
from .geweldstoets import flags_for_gemeenten
from .models import Arrangement, Levensfase, Status


class Dekking(models.TextChoices):
    """A gemeente's state on the map and in the table, best first (the order is the rule for "best")."""

    IN_WERKING = "in_werking", _("ondertekend en in werking")
    EVALUATIE_ACHTERSTALLIG = "evaluatie_achterstallig", _("evaluatie achterstallig")
    VASTGESTELD = "vastgesteld", _("vastgesteld, nog niet in werking")
    IN_VOORBEREIDING = "in_voorbereiding", _("in voorbereiding")
    BEEINDIGD = "beeindigd", _("verlopen of opgezegd")
    GEEN = "geen", _("geen arrangement")


# Covered: a signed arrangement with this gemeente as a party is in force on the peildatum.
GEDEKT = (Dekking.IN_WERKING, Dekking.EVALUATIE_ACHTERSTALLIG)
_RANK = {state: rank for rank, state in enumerate(Dekking.values)}

_BY_LEVENSFASE = {
    Levensfase.IN_WERKING: Dekking.IN_WERKING,
    Levensfase.VERLOOPT_BINNENKORT: Dekking.IN_WERKING,
    Levensfase.OPGEZEGD: Dekking.IN_WERKING,
    Levensfase.EVALUATIE_ACHTERSTALLIG: Dekking.EVALUATIE_ACHTERSTALLIG,
    Levensfase.VERLOPEN: Dekking.BEEINDIGD,
    Levensfase.BEEINDIGD: Dekking.BEEINDIGD,
    Levensfase.VERVANGEN: Dekking.BEEINDIGD,
}


@dataclass(frozen=True)
class Arrangementstand:
    """One arrangement a gemeente is a signing party of, as the aggregate shows it (no content)."""

    pk: int
    titel: str
    versie: int
    driehoek_id: int
    driehoek: str
    stand: Dekking
    levensfase: str | None
    geldig_van: datetime.date | None
    geldig_tot: datetime.date | None
    geweld_zonder_werking: bool = False  # issue 20: its boa's carry geweldsmiddelen, none in force (geweldstoets)
    cvdr: str = ""  # where the overheid publishes it (CVDR identifier or URL), once recorded

    @property
    def cvdr_link(self) -> str:
        return publicatie.cvdr_link(self.cvdr)


@dataclass
class Gemeentedekking:
    gemeente: Gemeente
    stand: Dekking = Dekking.GEEN
    arrangementen: list[Arrangementstand] = field(default_factory=list)
    # A cached summary (arrangementen.beeldcache) keeps only the best arrangement; these say what the list said.
    aantal_bekend: int | None = None
    geweld_bekend: bool | None = None

    @property
    def gedekt(self) -> bool:
        return self.stand in GEDEKT

    @property
    def aantal(self) -> int:
        """How many arrangements the gemeente signs (in a state that counts on the peildatum)."""
        return len(self.arrangementen) if self.aantal_bekend is None else self.aantal_bekend

    @functools.cached_property  # read per row by the table, the map, the filter and the export: once is enough
    def geweld_zonder_werking(self) -> bool:
        """An arrangement it signs states geweldsmiddelen of an organisation without one in force."""
        if self.geweld_bekend is not None:
            return self.geweld_bekend
        return any(a.geweld_zonder_werking for a in self.arrangementen)

    @property
    def overige(self) -> list[Arrangementstand]:
        """The arrangements other than the one that gives the gemeente its state."""
        return self.arrangementen[1:]


class Rij(NamedTuple):
    """One (arrangement × gemeente party) row as _rows() reads it: only what the state needs, plus the names for a
    gemeente's detail page (empty on the overview, which never shows them)."""

    pk: int
    versie: int
    status: str
    driehoek_id: int
    levensfase: str | None
    geldig_van: datetime.date | None
    geldig_tot: datetime.date | None
    vastgesteld_op: datetime.date | None
    ondertekend_op: datetime.date | None
    aangemaakt_op: datetime.date
    ingetrokken_op: datetime.date | None
    gemeente_id: int
    titel: str = ""
    driehoek: str = ""
    cvdr: str = ""


_STATE_COLUMNS = ("pk", "versie", "status", "driehoek_id", "levensfase", "geldig_van", "geldig_tot",
                  "vastgesteld_op", "ondertekend_op__date", "aangemaakt_op__date", "intrekking__op__date",
                  "partijen__organisatie__gemeente_id")
_NAME_COLUMNS = ("titel", "driehoek__naam", "cvdr_referentie")


def _before_signing(row: Rij, peildatum: datetime.date) -> Dekking:
    vastgesteld = row.vastgesteld_op is not None and row.vastgesteld_op <= peildatum
    return Dekking.VASTGESTELD if vastgesteld else Dekking.IN_VOORBEREIDING


def state_of(row: Rij, peildatum: datetime.date) -> Dekking | None:
    """One arrangement's state on the peildatum (None: it does not count then)."""
    if row.aangemaakt_op > peildatum:
        return None
    if row.status == Status.INGETROKKEN:
        withdrawn = row.ingetrokken_op
        return None if withdrawn is None or withdrawn <= peildatum else _before_signing(row, peildatum)
    fase = row.levensfase
    if fase is None:
        return _before_signing(row, peildatum)
    if fase == Levensfase.NOG_NIET_IN_WERKING:
        signed = row.ondertekend_op is not None and row.ondertekend_op <= peildatum
        return Dekking.VASTGESTELD if signed else _before_signing(row, peildatum)
    return _BY_LEVENSFASE[fase]


def _rows(gemeenten: QuerySet, peildatum: datetime.date, *, namen: bool) -> Iterator[Rij]:
    """(arrangement × gemeente party) rows; the filter and the gemeente column share one join to the parties.
    The day of withdrawal comes from a join, not a subquery per row: ingetrokken is final in the transition table,
    so there is at most one such step, and 13,400 subqueries made PostgreSQL compile the query (JIT, ~0.15 s)."""
    columns = _STATE_COLUMNS + (_NAME_COLUMNS if namen else ())
    rows = (
        Arrangement.objects.met_levensfase(peildatum)
        .filter(partijen__organisatie__soort=Organisatie.Soort.GEMEENTE,
                partijen__organisatie__gemeente__in=gemeenten.values("pk"))
        .annotate(intrekking=FilteredRelation("overgangen", condition=Q(overgangen__naar=Status.INGETROKKEN)))
        .values_list(*columns)
        .order_by()
    )
    # One row at a time: a list of 13,400 named tuples beside the queryset's own made the collector run more.
    return (Rij(*row) for row in rows)


def coverage(*, gemeenten: QuerySet, peildatum: datetime.date, namen: bool = False) -> list[Gemeentedekking]:
    """Each gemeente's state on the peildatum with its arrangements, in the gemeenten's order. Three queries: the
    gemeenten, the (arrangement × gemeente party) rows, the geweldsmiddelen flags (geweldstoets). With `namen`,
    each arrangement's title, driehoek and CVDR reference too (a gemeente's detail page)."""
    result = {g.pk: Gemeentedekking(gemeente=g) for g in gemeenten}
    listed = set()  # (gemeente, arrangement): a set, not a scan of the list (a gemeente can have hundreds)
    vlaggen = flags_for_gemeenten(peildatum, gemeenten=gemeenten)
    for row in _rows(gemeenten, peildatum, namen=namen):
        stand = state_of(row, peildatum)
        key = (row.gemeente_id, row.pk)
        entry = result.get(key[0])
        # Two organisations of one gemeente as parties of one arrangement: the arrangement is listed once.
        if stand is None or entry is None or key in listed:
            continue
        listed.add(key)
        entry.arrangementen.append(Arrangementstand(
            pk=row.pk, titel=row.titel, versie=row.versie, driehoek_id=row.driehoek_id, driehoek=row.driehoek,
            stand=stand, levensfase=row.levensfase, geldig_van=row.geldig_van, geldig_tot=row.geldig_tot,
            geweld_zonder_werking=vlaggen.flagged(row.pk, key[0]), cvdr=row.cvdr))
    for entry in result.values():
        entry.arrangementen.sort(key=lambda a: (_RANK[a.stand], -a.versie, -a.pk))
        if entry.arrangementen:
            entry.stand = entry.arrangementen[0].stand
    return list(result.values())
