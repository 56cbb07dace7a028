"""The read behind the aggregate page (/beeld/, issue 16): the gemeenten of the user's overview scopes with their
coverage state (arrangementen.dekking), the number of arrangements and the BOA-inzet, sorted by a column.

Aggregates only: no titles' content, afspraken, comments or documents; which gemeenten is decided by
samenwerking.toegang.visible_gemeenten, the state by arrangementen.dekking.coverage (through arrangementen.beeldcache,
which keeps it until a write changes it). Five queries whatever the number of gemeenten: the scopes, the gemeenten,
the arrangement rows and geweldsmiddelen flags (none when cached), the BOA-inzet.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samenwerking import toegang
from samenwerking.models import Driehoek, Gemeente

from .beeldcache import summaries
from .dekking import GEDEKT, Dekking, Gemeentedekking, coverage
from .models import BoaInzet

# Sortable columns: query value → (heading, sort key). The state sorts best first, like the rule ranks it.
_RANK = {state: rank for rank, state in enumerate(Dekking.values)}
KOLOMMEN = {
    "gemeente": (_("Gemeente"), lambda r: r.gemeente.weergavenaam.lower()),
    "eenheid": (_("Politie-eenheid"), lambda r: r.gemeente.eenheid.naam),
    "regio": (_("Veiligheidsregio"), lambda r: r.gemeente.veiligheidsregio.naam),
    "stand": (_("Stand"), lambda r: _RANK[r.stand]),
    "arrangementen": (_("Arrangementen"), lambda r: r.aantal),
    "boas": (_("BOA's"), lambda r: r.boas if r.boas is not None else -1),
    "fte": (_("Fte"), lambda r: r.fte if r.fte is not None else Decimal(-1)),
}


@dataclass
class Beeldregel:
    """One gemeente in the table: its coverage, and the BOA-inzet of the arrangement in force that covers it."""

    dekking: Gemeentedekking
    boas: int | None = None
    fte: Decimal | None = None
    inzet: dict = field(default_factory=dict)  # domein → (BOA's, fte) of the covering arrangement

    @property
    def gemeente(self):
        return self.dekking.gemeente

    @property
    def stand(self) -> Dekking:
        return self.dekking.stand

    @property
    def arrangementen(self):
        return self.dekking.arrangementen

    @property
    def aantal(self) -> int:
        return self.dekking.aantal

    @property
    def gedekt(self) -> bool:
        return self.dekking.gedekt

    @property
    def geweld_zonder_werking(self) -> bool:
        return self.dekking.geweld_zonder_werking


@dataclass
class Beeld:
    peildatum: datetime.date
    regels: list[Beeldregel]
    per_stand: list[tuple[Dekking, int]]
    boas: int
    fte: Decimal

    @property
    def gedekt(self) -> int:
        return sum(n for stand, n in self.per_stand if stand in GEDEKT)


def overview(user, *, peildatum: datetime.date, sorteer: str = "gemeente", aflopend: bool = False,
             where: Q | None = None, domein: str = "", geweld: bool = False) -> Beeld:
    """The gemeenten of the user's scopes on the peildatum (narrowed by `where`, on Gemeente). The totals count each
    arrangement in force once, however many gemeenten it covers (its BOA's work for all of them). With a `domein`:
    only gemeenten covered by an arrangement with BOA-inzet in that domein, and only that domein's numbers."""
    gemeenten = toegang.visible_gemeenten(user).filter(where or Q()).select_related("eenheid", "veiligheidsregio")
    regels = [Beeldregel(dekking=entry) for entry in summaries(gemeenten=gemeenten.order_by("weergavenaam"),
                                                               peildatum=peildatum)]
    if geweld:  # issue 20: only gemeenten with geweldsmiddelen and no arrangement in force (geweldstoets)
        regels = [r for r in regels if r.geweld_zonder_werking]
    inzet = inzet_of({r.arrangementen[0].pk for r in regels if r.gedekt})
    if domein:
        # A domein recorded with no BOA's and no fte is no inzet there.
        regels = [r for r in regels if r.gedekt and any(inzet.get(r.arrangementen[0].pk, {}).get(domein, ()))]
    for regel in regels:
        if regel.gedekt:
            regel.inzet = inzet.get(regel.arrangementen[0].pk, {})
            regel.boas, regel.fte = _sum(regel.inzet, domein)
    # Sorting is stable, also reversed: equal values stay in the gemeenten's alphabetical order.
    regels.sort(key=KOLOMMEN.get(sorteer, KOLOMMEN["gemeente"])[1], reverse=aflopend)
    counts = dict.fromkeys(Dekking, 0)
    for regel in regels:
        counts[regel.stand] += 1
    covering = {r.arrangementen[0].pk: r.inzet for r in regels if r.gedekt}
    totals = [_sum(per_domein, domein) for per_domein in covering.values()]
    return Beeld(peildatum=peildatum, regels=regels, per_stand=list(counts.items()),
                 boas=sum(boas for boas, _fte in totals), fte=sum((fte for _boas, fte in totals), Decimal(0)))


def inzet_of(arrangementen: set[int]) -> dict[int, dict[str, tuple[int, Decimal]]]:
    """BOA-inzet per arrangement and domein, in one query."""
    result: dict[int, dict[str, tuple[int, Decimal]]] = {pk: {} for pk in arrangementen}
    rows = BoaInzet.objects.filter(arrangement_id__in=arrangementen).values_list(
        "arrangement_id", "domein", "aantal_boas", "fte") if arrangementen else []
    for pk, domein, boas, fte in rows:
        result[pk][domein] = (boas, fte)
    return result


def _sum(per_domein: dict[str, tuple[int, Decimal]], domein: str = "") -> tuple[int, Decimal]:
    kept = [value for key, value in per_domein.items() if not domein or key == domein]
    return sum(boas for boas, _fte in kept), sum((fte for _boas, fte in kept), Decimal(0))


@dataclass
class Gemeentebeeld:
    """One gemeente's detail: its state with every arrangement it signs, and its driehoeken. `leesbaar`: the
    driehoeken whose content the user may open (a member); the others are named, never linked."""

    dekking: Gemeentedekking
    driehoeken: list[Driehoek]
    leesbaar: set[int]


def gemeente_overview(user, pk: int, *, peildatum: datetime.date) -> Gemeentebeeld:
    """A gemeente of the user's scopes (else 404, like any object out of sight). Four queries."""
    gemeenten = toegang.visible_gemeenten(user).select_related("eenheid", "veiligheidsregio").filter(pk=pk)
    [dekking] = coverage(gemeenten=gemeenten, peildatum=peildatum, namen=True) or [None]
    toegang.require(user, dekking, model=Gemeente, pk=pk,
                    missing=_("Deze gemeente ligt niet in uw overzicht of bestaat niet."))
    driehoeken = list(dekking.gemeente.driehoeken.select_related("basisteam").order_by("naam"))
    ids = {d.pk for d in driehoeken} | {a.driehoek_id for a in dekking.arrangementen}
    leesbaar = set(toegang.visible_driehoeken(user).filter(pk__in=ids).values_list("pk", flat=True))
    return Gemeentebeeld(dekking=dekking, driehoeken=driehoeken, leesbaar=leesbaar)
