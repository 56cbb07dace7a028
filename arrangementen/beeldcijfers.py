"""The filters and the numbers of the aggregate page (/beeld/, issue 16 item 4).

Filters narrow the gemeenten of the user's scopes: eenheid and veiligheidsregio of the gemeente; basisteam: the
gemeenten in its werkgebied on the peildatum; driehoek-soort: the gemeenten in a driehoek of that soort; domein
(applied by arrangementen.beeld.overview): the gemeenten covered by an arrangement with BOA-inzet in it.

Numbers per eenheid and per veiligheidsregio, from the rows already read (no query): gemeenten covered (in force)
of the total with the percentage, and BOA's and fte per domein of the covering arrangements, each arrangement
counted once per group (an arrangement covering gemeenten of two regions counts in both). Inwoners covered is not
shown: the reference data holds no population figures (CBS) yet.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from samenwerking.models import Driehoek, Werkgebied

from .beeld import Beeldregel
from .models import Domein


def where(data: dict, *, peildatum: datetime.date) -> Q:
    """The gemeente filter of the cleaned BeeldFilterForm data (every filter left empty: all)."""
    condition = Q()
    if data.get("eenheid"):
        condition &= Q(eenheid=data["eenheid"])
    if data.get("veiligheidsregio"):
        condition &= Q(veiligheidsregio=data["veiligheidsregio"])
    if data.get("basisteam"):
        werkgebied = Werkgebied.objects.filter(
            Q(geldig_van__isnull=True) | Q(geldig_van__lte=peildatum),
            Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=peildatum), basisteam=data["basisteam"])
        condition &= Q(pk__in=werkgebied.values("gemeente_id"))
    if data.get("driehoeksoort"):
        condition &= Q(pk__in=Driehoek.objects.filter(soort=data["driehoeksoort"]).values("gemeenten"))
    return condition


@dataclass
class Groepscijfers:
    """One eenheid or veiligheidsregio: gemeenten covered of the total, BOA-inzet per domein."""

    naam: str
    totaal: int = 0
    gedekt: int = 0
    inzet: dict[str, list] = field(default_factory=lambda: {d: [0, Decimal("0.0")] for d in Domein.values})
    arrangementen: set[int] = field(default_factory=set)
    kolommen: list[tuple[int, Decimal]] = field(default_factory=list)  # (BOA's, fte) of the domeinen shown

    @property
    def procent(self) -> int:
        return round(100 * self.gedekt / self.totaal) if self.totaal else 0

    def add(self, regel: Beeldregel) -> None:
        self.totaal += 1
        if not regel.gedekt:
            return
        self.gedekt += 1
        pk = regel.arrangementen[0].pk
        if pk in self.arrangementen:
            return
        self.arrangementen.add(pk)
        for domein, (boas, fte) in regel.inzet.items():
            self.inzet[domein][0] += boas
            self.inzet[domein][1] += fte


def per_group(regels: list[Beeldregel], *, by: str, domeinen: list[str]) -> list[Groepscijfers]:
    """The numbers per eenheid (`by="eenheid"`) or veiligheidsregio (`by="veiligheidsregio"`), by name, with a
    (BOA's, fte) column for each of the `domeinen`."""
    groups: dict[int, Groepscijfers] = {}
    for regel in regels:
        place = getattr(regel.gemeente, by)
        if place.pk not in groups:  # not setdefault: a group is built once, not once per gemeente
            groups[place.pk] = Groepscijfers(naam=place.naam)
        groups[place.pk].add(regel)
    for group in groups.values():
        group.kolommen = [tuple(group.inzet[domein]) for domein in domeinen]
    return sorted(groups.values(), key=lambda group: group.naam.lower())
