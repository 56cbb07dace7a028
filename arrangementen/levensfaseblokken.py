"""The dashboard's four blocks of signed arrangements ("In werking", "Evaluatie achterstallig", "Verloopt
binnenkort", "Opgezegd / vervangen") from one read (issue 19: ≤ 12 queries, and little ORM work per request).

The read takes the user's signed arrangements that can be in one of these blocks — in force today, or ended by a
vervanging or opzegging in the last RECENT_BEEINDIGD_DAGEN — with their levensfase from the one SQL expression
(models/levensfase.py); each block then picks its fase, its order and its first DASHBOARD_ROWS in Python. Window
functions per block did this in SQL, but compiling the levensfase expression once per window cost ~7 ms of Python
per dashboard; the rows are few (in force: about one per herzieningsketen of the user's driehoeken).
"""

import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Arrangement, Levensfase, Status
from .selectors import DASHBOARD_ROWS, visible_arrangementen

RECENT_BEEINDIGD_DAGEN = 30


def _candidates(user, today: datetime.date, since: datetime.date) -> list[Arrangement]:
    """A superset of every block's rows in plain column filters; the fase itself decides (levensfase_blokken)."""
    in_force = ((Q(vervangen_per__isnull=True) | Q(vervangen_per__gt=today))
                & (Q(opzegging__isnull=True) | Q(opzegging__ingangsdatum__gt=today))
                & (Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=today)))
    recently_ended = Q(vervangen_per__gte=since) | Q(opzegging__ingangsdatum__gte=since)
    return list(visible_arrangementen(user).filter(in_force | recently_ended, status=Status.ONDERTEKEND)
                .met_levensfase(today).annotate(evaluatie_telt=Coalesce("volgende_evaluatie", "evaluatiedatum"))
                .select_related("driehoek", "opzegging"))


def _ingangsdatum(row: Arrangement) -> datetime.date | None:
    opzegging = getattr(row, "opzegging", None)
    return opzegging.ingangsdatum if opzegging is not None else None


def _recently_ended(row: Arrangement, since: datetime.date) -> bool:
    return any(day is not None and day >= since for day in (row.vervangen_per, _ingangsdatum(row)))


def _ended_on(row: Arrangement) -> datetime.date:
    """The block's order: the vervanging's date, else the opzegging's (NULLS LAST, as PostgreSQL sorted)."""
    return row.vervangen_per or _ingangsdatum(row) or datetime.date.max


def _fase_tekst(row: Arrangement) -> str:
    if row.vervangen_per is not None:
        return _("vervangen per %(datum)s") % {"datum": date_format(row.vervangen_per, "j F Y")}
    return _("opgezegd per %(datum)s") % {"datum": date_format(row.opzegging.ingangsdatum, "j F Y")}


def levensfase_blokken(user) -> dict[str, list[Arrangement]]:
    """Rows of the blocks "In werking" (without a coming vervanging: that has its own block), "Evaluatie
    achterstallig" (the oldest evaluation first), "Verloopt binnenkort" and "Opgezegd / vervangen" (opgezegd but
    in force, about to be replaced by a signed herziening, or ended so in the last 30 days; with `fase_tekst`), at
    most DASHBOARD_ROWS each."""
    today = timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_BEEINDIGD_DAGEN)
    rows = _candidates(user, today, since)

    def block(keep, order) -> list[Arrangement]:
        return sorted((row for row in rows if keep(row)), key=order)[:DASHBOARD_ROWS]

    ended = block(lambda r: r.levensfase == Levensfase.OPGEZEGD or _recently_ended(r, since),
                  lambda r: (_ended_on(r), r.pk))
    for row in ended:
        row.fase_tekst = _fase_tekst(row)
    return {
        "werking": block(lambda r: r.levensfase == Levensfase.IN_WERKING and r.vervangen_per is None,
                         lambda r: (-r.geldig_van.toordinal(), r.pk)),
        "achterstallig": block(lambda r: r.levensfase == Levensfase.EVALUATIE_ACHTERSTALLIG,
                               lambda r: (r.evaluatie_telt, r.pk)),
        "verloopt": block(lambda r: r.levensfase == Levensfase.VERLOOPT_BINNENKORT, lambda r: (r.geldig_tot, r.pk)),
        "opgezegd": ended,
    }
