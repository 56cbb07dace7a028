"""The comparison of two dates on the aggregate page (/beeld/vergelijk/, issue 16 item 3): for the gemeenten of the
user's overview scopes, the coverage state on each date and what changed between them.

Three kinds of change, decided here once:
- nieuw gedekt: covered (an arrangement in force, dekking.GEDEKT) on the second date and not on the first;
- vervallen: covered on the first date and on the second "verlopen of opgezegd" or without any arrangement;
- anders: any other change of state (also a covered gemeente that is now only vastgesteld or in voorbereiding).

Aggregates only, like arrangementen.beeld. Three queries whatever the number of gemeenten: the gemeenten (the scopes
as a subquery), and dekking.coverage's arrangement rows once per date (the gemeenten are read once, then reused).
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenwerking import toegang

from .dekking import GEDEKT, Dekking, Gemeentedekking, coverage


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


def compare(user, *, van: datetime.date, tot: datetime.date) -> Vergelijking:
    """The gemeenten of the user's scopes on both dates, the changed ones grouped by kind (alphabetical)."""
    # One queryset for both dates: its rows are cached by the first coverage() and reused by the second.
    gemeenten = toegang.visible_gemeenten(user).select_related("eenheid", "veiligheidsregio").order_by("weergavenaam")
    before = coverage(gemeenten=gemeenten, peildatum=van)
    after = coverage(gemeenten=gemeenten, peildatum=tot)
    grouped: dict[Verandering, list[Wijziging]] = {soort: [] for soort in Verandering}
    for first, second in zip(before, after, strict=True):
        soort = kind_of(van=first.stand, tot=second.stand)
        if soort is not None:
            grouped[soort].append(Wijziging(van=first, tot=second, soort=soort))
    return Vergelijking(van=van, tot=tot, totaal=len(after),
                        gedekt_van=sum(entry.gedekt for entry in before),
                        gedekt_tot=sum(entry.gedekt for entry in after),
                        per_soort=list(grouped.items()))
