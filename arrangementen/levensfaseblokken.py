"""The dashboard's three "signed and in force" blocks in one read instead of one query per block (issue 19:
≤ 12 queries on the dashboard).

Each block keeps its own order and its own limit: a row number per block's order, partitioned by fase, and only
the first DASHBOARD_ROWS of each fase are read (a window filter; PostgreSQL and SQLite both run it).
"""

from django.db.models import F, Q, Window
from django.db.models.functions import Coalesce, RowNumber

from .models import Arrangement, Levensfase
from .selectors import DASHBOARD_ROWS, visible_arrangementen

# block sleutel → (fase, the block's order)
BLOKKEN = {
    "werking": (Levensfase.IN_WERKING, [F("geldig_van").desc(), F("pk").asc()]),
    "achterstallig": (Levensfase.EVALUATIE_ACHTERSTALLIG, [F("evaluatie_telt").asc(), F("pk").asc()]),
    "verloopt": (Levensfase.VERLOOPT_BINNENKORT, [F("geldig_tot").asc(), F("pk").asc()]),
}


def levensfase_blokken(user) -> dict[str, list[Arrangement]]:
    """Rows of the blocks "In werking" (without a coming vervanging: that has its own block), "Evaluatie
    achterstallig" (the oldest evaluation first) and "Verloopt binnenkort", at most DASHBOARD_ROWS each."""
    rangen = {f"rang_{sleutel}": Window(RowNumber(), partition_by=F("levensfase"), order_by=order)
              for sleutel, (_fase, order) in BLOKKEN.items()}
    wanted = Q()
    for sleutel, (fase, _order) in BLOKKEN.items():
        wanted |= Q(levensfase=fase, **{f"rang_{sleutel}__lte": DASHBOARD_ROWS})
    rows = list(visible_arrangementen(user).met_levensfase()
            .filter(Q(levensfase=Levensfase.IN_WERKING, vervangen_per__isnull=True)
                    | Q(levensfase__in=[Levensfase.EVALUATIE_ACHTERSTALLIG, Levensfase.VERLOOPT_BINNENKORT]))
            .annotate(evaluatie_telt=Coalesce("volgende_evaluatie", "evaluatiedatum"), **rangen)
            .filter(wanted).select_related("driehoek", "opzegging"))
    result = {}
    for sleutel, (fase, _order) in BLOKKEN.items():
        rang = f"rang_{sleutel}"
        result[sleutel] = sorted((row for row in rows if row.levensfase == fase), key=lambda row: getattr(row, rang))
    return result
