"""Showing history: the timeline of simple-history records (tijdlijn.py) and word diffs of texts (diff.py).

Recording history with the acting user is samenwerking.historie.
"""

from .diff import DiffBudget, WoordVerschil, diff_cache_key, word_diff
from .tijdlijn import ACTIONS, HIDDEN_FIELDS, LEEG, Gebeurtenis, Wijziging, build_timeline

__all__ = [
    "ACTIONS", "HIDDEN_FIELDS", "LEEG", "DiffBudget", "Gebeurtenis", "Wijziging", "WoordVerschil", "build_timeline",
    "diff_cache_key", "word_diff",
]
