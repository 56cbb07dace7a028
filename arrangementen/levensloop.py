"""The life of a signed arrangement: its Levensfase on any peildatum, in words, and the writes that keep it right.

The rules are one SQL expression (models/levensfase.py, used by ArrangementQuerySet.met_levensfase and
in_force_on); this module re-exports them and adds what pages and the daily beat need:
- `describe()`: the fase in words ("Vervangen door versie 3 per 1 maart 2027", "Opgezegd per …");
- `record_signed()`: when the last party signs, ondertekend_op is set and every earlier signed version of the
  herzieningsketen gets vervangen_per = the new version's start (max(geldig_van, the day of signing)), so at most
  one version of a chain is in force on any date;
- `record_fase_changes()`: the beat writes each change of fase into the arrangement's history, the system as actor.
"""

import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Arrangement, Status
from .models.levensfase import IN_WERKING_FASEN, VERLOOPT_BINNENKORT_DAGEN, Levensfase

__all__ = ["IN_WERKING_FASEN", "VERLOOPT_BINNENKORT_DAGEN", "Levensfase", "chain", "describe", "fase_on",
           "record_fase_changes", "record_signed", "start_date"]

FASE_BATCH_SIZE = 500


def _datum(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def fase_on(arrangement: Arrangement, peildatum: datetime.date | None = None) -> str | None:
    """The arrangement's Levensfase value: the annotation when the queryset made one for this peildatum, else read."""
    if peildatum is None and hasattr(arrangement, "levensfase"):
        return arrangement.levensfase
    return (Arrangement.objects.met_levensfase(peildatum).filter(pk=arrangement.pk)
            .values_list("levensfase", flat=True).first())


def chain(arrangement: Arrangement) -> list[Arrangement]:
    """Every version of the arrangement's herzieningsketen, oldest first (a chain is a line: vorige_versie is 1:1)."""
    oldest = arrangement
    while oldest.vorige_versie_id is not None:
        oldest = Arrangement.objects.get(pk=oldest.vorige_versie_id)
    versions = [oldest]
    while True:
        following = Arrangement.objects.filter(vorige_versie_id=versions[-1].pk).first()
        if following is None:
            return versions
        versions.append(following)


def _successor(arrangement: Arrangement) -> Arrangement | None:
    """The signed later version whose start replaced this one (the one whose start is its vervangen_per)."""
    later = chain(arrangement)
    later = later[[a.pk for a in later].index(arrangement.pk) + 1:]
    return next((a for a in later if a.status == Status.ONDERTEKEND and start_date(a) == arrangement.vervangen_per),
                None)


def describe(arrangement: Arrangement, peildatum: datetime.date | None = None) -> str:
    """The fase in words for a page; an empty string for an arrangement that is not ondertekend."""
    fase = fase_on(arrangement, peildatum)
    if fase is None:
        return ""
    if fase == Levensfase.VERVANGEN:
        opvolger = _successor(arrangement)
        if opvolger is None:
            return _("Vervangen per %(datum)s") % {"datum": _datum(arrangement.vervangen_per)}
        return _("Vervangen door versie %(versie)s per %(datum)s") % {
            "versie": opvolger.versie, "datum": _datum(arrangement.vervangen_per)}
    if fase in (Levensfase.OPGEZEGD, Levensfase.BEEINDIGD):
        opzegging = arrangement.opzegging
        template = (_("Opgezegd per %(datum)s") if fase == Levensfase.OPGEZEGD
                    else _("Beëindigd door opzegging per %(datum)s"))
        return template % {"datum": _datum(opzegging.ingangsdatum)}
    if fase == Levensfase.NOG_NIET_IN_WERKING:
        start = start_date(arrangement)
        return (_("Nog niet in werking; in werking per %(datum)s") % {"datum": _datum(start)} if start
                else _("Nog niet in werking: er is geen datum 'geldig van'"))
    if fase == Levensfase.VERLOPEN:
        return _("Verlopen na %(datum)s") % {"datum": _datum(arrangement.geldig_tot)}
    if fase == Levensfase.VERLOOPT_BINNENKORT:
        return _("In werking; verloopt na %(datum)s") % {"datum": _datum(arrangement.geldig_tot)}
    if fase == Levensfase.EVALUATIE_ACHTERSTALLIG:
        return _("In werking; de evaluatie van %(datum)s is achterstallig") % {
            "datum": _datum(arrangement.volgende_evaluatie or arrangement.evaluatiedatum)}
    return _("In werking sinds %(datum)s") % {"datum": _datum(start_date(arrangement))}


def start_date(arrangement: Arrangement) -> datetime.date | None:
    """The first day a signed version is in force: geldig_van, or the day of signing when that came later."""
    if arrangement.geldig_van is None:
        return None
    if arrangement.ondertekend_op is None:
        return arrangement.geldig_van
    return max(arrangement.geldig_van, timezone.localdate(arrangement.ondertekend_op))


def _replacement_dates(versions: list[Arrangement]) -> dict[int, datetime.date]:
    """Per signed version the earliest start of a signed later version: the day it stops being in force."""
    dates = {}
    for index, version in enumerate(versions):
        starts = [start_date(v) for v in versions[index + 1:] if v.status == Status.ONDERTEKEND]
        starts = [s for s in starts if s is not None]
        if version.status == Status.ONDERTEKEND and starts:
            dates[version.pk] = min(starts)
    return dates


def _ended_before(version: Arrangement, day: datetime.date) -> bool:
    """Expired or terminated before it would be replaced: then it was never 'vervangen'."""
    opzegging = getattr(version, "opzegging", None)
    return ((version.geldig_tot is not None and version.geldig_tot < day)
            or (opzegging is not None and opzegging.ingangsdatum <= day))


def record_signed(*, arrangement: Arrangement, when: datetime.datetime | None = None) -> None:
    """Called under the arrangement's row lock as it becomes ondertekend: the moment of signing, and the versions
    of its chain it replaces (saved with the system as actor and the reason in their history). A version signed
    after a later one of its chain is replaced from that one's start at once."""
    arrangement.ondertekend_op = when or timezone.now()
    versions = chain(arrangement)
    versions = [arrangement if v.pk == arrangement.pk else v for v in versions]
    for version in versions:
        per = _replacement_dates(versions).get(version.pk)
        if per is None or version.vervangen_per == per or _ended_before(version, per):
            continue
        if version is arrangement:
            # Signed after a later version was: replaced from that version's start (saved by the caller).
            arrangement.vervangen_per = per
            continue
        locked = Arrangement.objects.select_for_update().get(pk=version.pk)
        locked.vervangen_per = per
        locked._history_user = None
        locked._change_reason = (_("Vervangen door versie %(versie)s per %(datum)s")
                                 % {"versie": arrangement.versie, "datum": _datum(per)})[:100]
        locked.save(update_fields=["vervangen_per", "gewijzigd_op"])
        version.vervangen_per = per


def fase_reason(fase: str) -> str:
    """The history's change reason for a fase, also what the beat compares with to see a change."""
    return (_("Levensfase: %(fase)s") % {"fase": Levensfase(fase).label})[:100]


def record_fase_changes(*, today: datetime.date | None = None, batch_size: int = FASE_BATCH_SIZE) -> int:
    """Beat: write into the history of every signed arrangement whose fase today differs from the last one written
    (system as actor). Safe to run twice: the second run finds the fase written; concurrent runs lock the rows."""
    today = today or timezone.localdate()
    from_history = Arrangement.history.filter(
        id=OuterRef("pk"), history_change_reason__startswith=_("Levensfase:"),
    ).order_by("-history_date", "-history_id").values("history_change_reason")[:1]
    candidates = (Arrangement.objects.filter(status=Status.ONDERTEKEND).met_levensfase(today)
                  .annotate(laatste_fase=Subquery(from_history)).order_by("pk"))
    written, after = 0, 0
    while True:
        batch = list(candidates.filter(pk__gt=after)[:batch_size])
        if not batch:
            return written
        after = batch[-1].pk
        changed = [a.pk for a in batch if a.laatste_fase != fase_reason(a.levensfase)]
        if changed:
            written += _write_fases(changed, candidates)


@transaction.atomic
def _write_fases(pks: list[int], candidates) -> int:
    """Under row locks, re-read and write the fases still unwritten (a concurrent run may have done some)."""
    list(Arrangement.objects.select_for_update().filter(pk__in=pks).values_list("pk", flat=True))
    rows = [a for a in candidates.filter(pk__in=pks) if a.laatste_fase != fase_reason(a.levensfase)]
    now = timezone.now()
    for arrangement in rows:
        Arrangement.history.bulk_history_create([arrangement], update=True, default_user=None,
                                                default_change_reason=fase_reason(arrangement.levensfase),
                                                default_date=now)
    return len(rows)
