"""The comparison of two dates on the aggregate page (/beeld/vergelijk/, issue 16 item 3): for the gemeenten of the
user's overview scopes, the coverage state on each date and what changed between them.

Three kinds of change, decided here once:
- nieuw gedekt: covered (an arrangement in force, dekking.GEDEKT) on the second date and not on the first;
- vervallen: covered on the first date and on the second "verlopen of opgezegd" or without any arrangement;
- anders: any other change of state (also a covered gemeente that is now only vastgesteld or in voorbereiding).

The filters are the overview's (arrangementen.beeldcijfers.where, the basisteam's werkgebied on the second date);
with a domein only gemeenten covered on either date by an arrangement with BOA-inzet in that domein are compared.

Aggregates only, like arrangementen.beeld. Three queries whatever the number of gemeenten: the gemeenten (the scopes
as a subquery), and dekking.coverage's arrangement rows once per date unless arrangementen.beeldcache has them (the
gemeenten are read once, then reused); one more for the BOA-inzet with a domein.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samenwerking import toegang

from .beeld import inzet_of
from .beeldcache import summaries
from .dekking import GEDEKT, Dekking, Gemeentedekking


class Verandering(models.TextChoices):
    NIEUW_GEDEKT = "nieuw_gedekt", _("nieuw gedekt")
    VERVALLEN = "vervallen", _("vervallen")
    ANDERS = "anders", _("andere verandering")


_VERVALLEN_NAAR = (Dekking.BEEINDIGD, Dekking.GEEN)


def kind_of(*, van: Dekking, tot: Dekking) -> Verandering | None:
    """What changed for one gemeente between the two dates (None: its state stayed the same)."""
    if van == tot:
        return None
    if tot in GEDEKT and van not in GEDEKT:
        return Verandering.NIEUW_GEDEKT
    if van in GEDEKT and tot in _VERVALLEN_NAAR:
        return Verandering.VERVALLEN
    return Verandering.ANDERS


@dataclass(frozen=True)
class Wijziging:
    """One gemeente whose state differs between the two dates."""

    van: Gemeentedekking
    tot: Gemeentedekking
    soort: Verandering

    @property
    def gemeente(self):
        return self.tot.gemeente


@dataclass
class Vergelijking:
    van: datetime.date
    tot: datetime.date
    totaal: int
    gedekt_van: int
    gedekt_tot: int
    per_soort: list[tuple[Verandering, list[Wijziging]]]

    @property
    def ongewijzigd(self) -> int:
        return self.totaal - sum(len(rows) for _soort, rows in self.per_soort)


def compare(user, *, van: datetime.date, tot: datetime.date, where: Q | None = None,
            domein: str = "") -> Vergelijking:
    """The gemeenten of the user's scopes (narrowed by `where`, on Gemeente, and `domein`) on both dates, the
    changed ones grouped by kind (alphabetical)."""
    # One queryset for both dates: its rows are read by the first summaries() and reused by the second.
    gemeenten = (toegang.visible_gemeenten(user).filter(where or Q()).select_related("eenheid", "veiligheidsregio")
                 .order_by("weergavenaam"))
    pairs = list(zip(summaries(gemeenten=gemeenten, peildatum=van), summaries(gemeenten=gemeenten, peildatum=tot),
                     strict=True))
    if domein:
        pairs = _with_inzet(pairs, domein)
    grouped: dict[Verandering, list[Wijziging]] = {soort: [] for soort in Verandering}
    for first, second in pairs:
        soort = kind_of(van=first.stand, tot=second.stand)
        if soort is not None:
            grouped[soort].append(Wijziging(van=first, tot=second, soort=soort))
    return Vergelijking(van=van, tot=tot, totaal=len(pairs),
                        gedekt_van=sum(first.gedekt for first, _second in pairs),
                        gedekt_tot=sum(second.gedekt for _first, second in pairs),
                        per_soort=list(grouped.items()))


def _with_inzet(pairs: list[tuple[Gemeentedekking, Gemeentedekking]], domein: str) -> list[tuple]:
    """The pairs where a date's covering arrangement has BOA-inzet in the domein; a date without it counts as not
    covered in that domein, like the overview leaves such a gemeente out."""
    covering = {entry.arrangementen[0].pk for pair in pairs for entry in pair if entry.gedekt}
    inzet = inzet_of(covering)

    def in_domein(entry: Gemeentedekking) -> bool:
        return entry.gedekt and any(inzet.get(entry.arrangementen[0].pk, {}).get(domein, ()))

    return [(first, second) for first, second in pairs if in_domein(first) or in_domein(second)]
