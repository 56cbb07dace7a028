"""The word diff of the history and comparison pages has bounded cost whatever the texts, stays correct, and is
cached per pair of texts.

The generators are module-level so an integration test (gunicorn, production settings) can import them.
"""

import random
import time
import tracemalloc

import pytest
from django.core.cache import cache

from samenwerking import geschiedenis
from samenwerking.geschiedenis import DiffBudget, diff_cache_key, word_diff

CPU_BOUND = 5.0  # seconds of CPU for one diff, whatever the input (measured in this process)
MEMORY_BOUND = 150 * 1024 * 1024

WOORDEN = ["de", "het", "een", "en", "van", "in", "op", "voor", "met", "door", "politie", "gemeente", "boa",
           "toezicht", "handhaving", "overlast", "wijk", "afspraak", "inzet", "team", "avond", "weekend",
           "centrum", "melding", "parkeren", "jeugd", "alcohol", "controle"]


def random_text(words: int, seed: int, vocabulary: int = 5_000) -> str:
    """`words` words drawn from a vocabulary of common Dutch words and numbered ones (`term123`)."""
    rng = random.Random(seed)
    pool = [*WOORDEN, *(f"term{i}" for i in range(vocabulary))]
    return " ".join(rng.choice(pool) for _ in range(words))


def revised_text(text: str, seed: int, changes: int) -> str:
    """The text as an editor would change it: some words replaced, some inserted, some removed."""
    rng = random.Random(seed)
    words = text.split()
    for n in range(changes):
        i = rng.randrange(len(words))
        kind = n % 3
        if kind == 0:
            words[i] = f"vervangen{n}"
        elif kind == 1:
            words.insert(i, f"ingevoegd{n}")
        elif len(words) > 1:
            del words[i]
    return " ".join(words)


def repetitive_text(words: int, seed: int) -> str:
    """Only a handful of different words: no word is unique, the worst case for an alignment."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WOORDEN[:6]) for _ in range(words))


def anchored_text(words: int, seed: int, gap: int = 31) -> str:
    """Unique anchors with a gap of common words between them: every gap needs an exact alignment."""
    rng = random.Random(seed)
    parts = []
    for k in range(words // (gap + 1)):
        parts.append(f"anker{k}")
        parts.extend(rng.choice(WOORDEN[:6]) for _ in range(gap))
    return " ".join(parts)


def old_words(diff) -> list[str]:
    return " ".join(tekst for soort, tekst in diff if soort in ("gelijk", "weg")).split()


def new_words(diff) -> list[str]:
    return " ".join(tekst for soort, tekst in diff if soort in ("gelijk", "erbij")).split()


def measured(old: str, new: str, **kwargs):
    """word_diff with its CPU time and (in a second, traced run: tracing slows it down) its peak memory."""
    start = time.process_time()
    result = word_diff(old, new, **kwargs)
    seconds = time.process_time() - start
    cache.clear()
    tracemalloc.start()
    try:
        word_diff(old, new, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("words", [1_000, 5_000, 50_000])
@pytest.mark.parametrize("kind", ["random", "repetitive", "anchored"])
def test_word_diff_of_two_different_texts_is_bounded_and_reconstructs_both(words, kind):
    make = {"random": random_text, "repetitive": repetitive_text, "anchored": anchored_text}[kind]
    old, new = make(words, seed=1), make(words, seed=2)
    diff, seconds, peak = measured(old, new)
    assert seconds < CPU_BOUND, f"{seconds:.2f} s CPU"
    assert peak < MEMORY_BOUND, f"{peak / 2**20:.0f} MB"
    assert old_words(diff) == old.split()
    assert new_words(diff) == new.split()
    assert all(tekst for _, tekst in diff)


def test_word_diff_grows_roughly_linearly_with_the_texts():
    costs = {}
    for words in (1_000, 5_000, 50_000):
        _, costs[words], _ = measured(random_text(words, seed=words), random_text(words, seed=words + 1))
    # Fifty times the words: linear work is fifty times the cost; quadratic would be 2,500 times.
    assert costs[50_000] <= 150 * max(costs[1_000], 0.01), costs
    assert costs[50_000] <= 15 * max(costs[5_000], 0.02), costs


@pytest.mark.parametrize("words", [1_000, 5_000, 50_000])
def test_a_revised_text_is_still_compared_word_by_word(words):
    old = random_text(words, seed=3)
    new = revised_text(old, seed=4, changes=30)
    diff, seconds, _ = measured(old, new)
    assert seconds < CPU_BOUND
    assert old_words(diff) == old.split() and new_words(diff) == new.split()
    assert not diff.vereenvoudigd
    added = " ".join(tekst for soort, tekst in diff if soort == "erbij").split()
    assert sorted(added) == sorted(w for w in new.split() if w.startswith(("vervangen", "ingevoegd")))
    unchanged = sum(len(tekst.split()) for soort, tekst in diff if soort == "gelijk")
    assert unchanged >= len(old.split()) - 30


def test_texts_without_common_ground_are_shown_as_removed_and_added():
    old, new = repetitive_text(5_000, seed=5), random_text(5_000, seed=6, vocabulary=50_000)
    diff = word_diff(old, new)
    assert old_words(diff) == old.split() and new_words(diff) == new.split()


def test_a_small_change_reads_as_before():
    assert word_diff("Samen zichtbaar in de wijk.", "Samen zichtbaar in de hele gemeente.") == [
        ("gelijk", "Samen zichtbaar in de"), ("weg", "wijk."), ("erbij", "hele gemeente.")]
    assert word_diff("", "Nieuw") == [("erbij", "Nieuw")]
    assert word_diff(None, None) == []


def test_the_diff_of_long_texts_is_cached_per_pair_and_not_recomputed(monkeypatch):
    old, new = random_text(3_000, seed=7), random_text(3_000, seed=8)
    first = word_diff(old, new)
    assert cache.get(diff_cache_key(old, new)) == first
    calls = []
    original = geschiedenis.diff._align
    monkeypatch.setattr(geschiedenis.diff, "_align", lambda *a: calls.append(1) or original(*a))
    assert word_diff(old, new) == first
    assert calls == []
    word_diff(new, old)  # another pair: computed
    assert calls == [1]


def test_a_diff_cut_short_by_the_page_budget_is_simplified_and_not_cached():
    old = random_text(3_000, seed=9)
    new = revised_text(old, seed=10, changes=10)
    budget = DiffBudget(work=0)
    diff = word_diff(old, new, budget=budget)
    assert diff.vereenvoudigd
    assert old_words(diff) == old.split() and new_words(diff) == new.split()
    assert cache.get(diff_cache_key(old, new)) is None
    assert not word_diff(old, new).vereenvoudigd  # with its own budget on a later view


def test_one_page_budget_bounds_many_diffs_together():
    budget = DiffBudget(work=200_000)
    start = time.process_time()
    diffs = [word_diff(anchored_text(5_000, seed=s), anchored_text(5_000, seed=s + 100), budget=budget)
             for s in range(40)]
    assert time.process_time() - start < 4 * CPU_BOUND
    assert budget.remaining >= 0
    assert any(d.vereenvoudigd for d in diffs)
