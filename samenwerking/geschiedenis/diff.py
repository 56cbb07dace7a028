"""A readable word-level diff of two texts, with bounded cost, cached per pair of texts (`word_diff`)."""

import bisect
import hashlib
import logging
from collections import Counter

from django.core.cache import cache

logger = logging.getLogger(__name__)


class WoordVerschil(list):
    """[(soort, tekst)] with soort "gelijk", "weg" or "erbij"; `vereenvoudigd` is true when (part of) the texts
    were too different or too long to compare word by word and are shown as removed and added instead."""

    vereenvoudigd = False


# Bounds on the work of one diff, counted in tokens visited and table cells filled (see `_align`).
DIFF_WORK_PER_TOKEN = 40
DIFF_WORK_BASE = 20_000
DIFF_WORK_MAX = 2_000_000
# All diffs on one page together (about 150 ns a unit: some 1.5 s of CPU at worst).
DIFF_WORK_PER_PAGE = 10_000_000
# Gaps between anchors up to this many cells are aligned exactly with a small table.
DIFF_TABLE_CELLS = 1_024
# Texts shorter than this (characters, both together) are cheaper to diff than to look up in the cache.
DIFF_CACHE_FROM = 2_000
DIFF_CACHE_SECONDS = 7 * 24 * 3600


def diff_cache_key(old: str, new: str) -> str:
    digest = hashlib.sha256()
    for text in (old or "", new or ""):
        encoded = text.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(encoded))
        digest.update(encoded)
    return f"woordverschil:1:{digest.hexdigest()}"


class DiffBudget:
    """Work shared by all diffs of one page (a timeline or a comparison), so the page stays bounded however
    many long texts it shows; once spent, the remaining diffs show the texts as removed and added."""

    def __init__(self, work: int = DIFF_WORK_PER_PAGE):
        self.remaining = work


def word_diff(old: str, new: str, *, budget: DiffBudget | None = None) -> WoordVerschil:
    """A readable word-level diff of two texts, with bounded cost and cached per pair of texts.

    Joining the "gelijk" and "weg" parts gives the old words, "gelijk" and "erbij" the new ones.
    """
    old, new = old or "", new or ""
    key = diff_cache_key(old, new) if len(old) + len(new) >= DIFF_CACHE_FROM else None
    if key:
        cached = _cache_get(key)
        if cached is not None:
            return cached
    a, b = old.split(), new.split()
    own = min(DIFF_WORK_MAX, DIFF_WORK_BASE + DIFF_WORK_PER_TOKEN * (len(a) + len(b)))
    work = own if budget is None else max(0, min(own, budget.remaining))
    result, left = _word_diff(a, b, work)
    if budget is not None:
        budget.remaining -= work - left
    # A diff cut short by the page's budget (not by its own) may come out better on a later view: not cached.
    if key and not (result.vereenvoudigd and work < own):
        _cache_set(key, result)
    return result


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # the cache only saves work; an unreachable cache must not break the page
        logger.warning("Cache niet bereikbaar bij het lezen van een tekstverschil", exc_info=True)
        return None


def _cache_set(key, value):
    try:
        cache.set(key, value, DIFF_CACHE_SECONDS)
    except Exception:  # see _cache_get
        logger.warning("Cache niet bereikbaar bij het bewaren van een tekstverschil", exc_info=True)


def _word_diff(a: list[str], b: list[str], work: int) -> tuple[WoordVerschil, int]:
    budget = [work]
    matches, simplified = _align(a, b, budget)
    result = WoordVerschil()
    result.vereenvoudigd = simplified
    i = j = 0
    for ai, bj, size in matches + [(len(a), len(b), 0)]:
        if ai > i:
            result.append(("weg", " ".join(a[i:ai])))
        if bj > j:
            result.append(("erbij", " ".join(b[j:bj])))
        if size:
            if result and result[-1][0] == "gelijk":
                result[-1] = ("gelijk", result[-1][1] + " " + " ".join(a[ai:ai + size]))
            else:
                result.append(("gelijk", " ".join(a[ai:ai + size])))
        i, j = ai + size, bj + size
    return result, budget[0]


def _align(a: list[str], b: list[str], budget: list[int]) -> tuple[list[tuple[int, int, int]], bool]:
    """Matching blocks (i, j, size) in order, like a patience diff: common ends are matched, then words that
    occur exactly once in both ranges anchor the alignment and the gaps between them are aligned in turn; small
    gaps exactly with a table. Every step is charged to `budget`; once it is spent, what is left is shown as
    removed and added. So the cost stays linear in the texts and below DIFF_WORK_MAX whatever they are."""
    matches = []
    simplified = False
    # A stack of ranges and ready matches, handled in text order without recursion.
    stack: list = [("range", 0, len(a), 0, len(b))]
    while stack:
        item = stack.pop()
        if item[0] == "match":
            matches.append(item[1:])
            continue
        _, alo, ahi, blo, bhi = item
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        if alo > start:
            matches.append((start, blo - (alo - start), alo - start))
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if end > ahi:
            stack.append(("match", ahi, bhi, end - ahi))
        n, m = ahi - alo, bhi - blo
        if not n or not m:
            continue
        cost = n + m if n * m > DIFF_TABLE_CELLS else n * m
        if cost > budget[0]:
            simplified = True
            continue
        budget[0] -= cost
        if n * m <= DIFF_TABLE_CELLS:
            stack.extend(reversed([("match", i, j, 1) for i, j in _table_lcs(a, alo, ahi, b, blo, bhi)]))
            continue
        anchors = _anchors(a, alo, ahi, b, blo, bhi)
        if not anchors:
            simplified = True
            continue
        todo = []
        i, j = alo, blo
        for ai, bj in anchors:
            todo.append(("range", i, ai, j, bj))
            todo.append(("match", ai, bj, 1))
            i, j = ai + 1, bj + 1
        todo.append(("range", i, ahi, j, bhi))
        stack.extend(reversed(todo))
    return _merge(matches), simplified


def _merge(matches):
    merged = []
    for i, j, size in matches:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    return merged


def _anchors(a, alo, ahi, b, blo, bhi) -> list[tuple[int, int]]:
    """Words once in a[alo:ahi] and once in b[blo:bhi], the longest run of them in the same order."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    position_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1 and count_a.get(b[j]) == 1}
    pairs = [(i, position_b[a[i]]) for i in range(alo, ahi) if a[i] in position_b]
    # Longest increasing subsequence of the b positions (patience sorting), with back links.
    tails, tail_index, back = [], [], [None] * len(pairs)
    for index, (_i, j) in enumerate(pairs):
        pile = bisect.bisect_left(tails, j)
        back[index] = tail_index[pile - 1] if pile else None
        if pile == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[pile], tail_index[pile] = j, index
    chain = []
    index = tail_index[-1] if tail_index else None
    while index is not None:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _table_lcs(a, alo, ahi, b, blo, bhi) -> list[tuple[int, int]]:
    """Matched positions of a longest common subsequence, by dynamic programming (only for small ranges)."""
    n, m = ahi - alo, bhi - blo
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = table[i], table[i + 1]
        word = a[alo + i]
        for j in range(m - 1, -1, -1):
            if word == b[blo + j]:
                row[j] = below[j + 1] + 1
            else:
                down, right = below[j], row[j + 1]
                row[j] = down if down >= right else right
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if a[alo + i] == b[blo + j]:
            pairs.append((alo + i, blo + j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs
