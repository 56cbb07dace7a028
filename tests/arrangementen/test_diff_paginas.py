"""History and comparison pages of an arrangement with very long texts: bounded, readable and cached."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from arrangementen import services
from arrangementen.models import Status
from samenwerking import geschiedenis
from samenwerking.geschiedenis import diff_cache_key

from ..samenwerking.test_diff_limieten import old_words, random_text, revised_text
from .helpers import html, zet_status

PAGE_CPU_BOUND = 20.0  # seconds of CPU for one page view, measured in this process


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def cpu_get(client, url):
    start = time.process_time()
    response = client.get(url)
    return response, time.process_time() - start


def viewed_again_without_diffing(client, url, monkeypatch) -> bool:
    """A second view answers 200 and aligns no text: every diff comes from the cache."""
    calls = []
    original = geschiedenis.diff._align
    monkeypatch.setattr(geschiedenis.diff, "_align", lambda *args: calls.append(1) or original(*args))
    return client.get(url).status_code == 200 and calls == []


def with_history(wereld, first: str, second: str):
    """An arrangement whose doel was written as `first` and then changed into `second`."""
    arrangement = wereld.nieuw("Arrangement met lange teksten")
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=1,
                                data={"doel": first})
    services.update_arrangement(arrangement=arrangement, user=wereld.coordinator, expected_version=2,
                                data={"doel": second})
    return arrangement


@pytest.mark.parametrize("words", [1_000, 5_000, 50_000])
def test_history_of_very_different_long_texts_answers_in_bounded_time_and_is_cached(db, client, wereld, words,
                                                                                    monkeypatch):
    first, second = random_text(words, seed=11), random_text(words, seed=12)
    arrangement = with_history(wereld, first, second)
    client.force_login(wereld.coordinator)
    url = reverse("arrangementen:geschiedenis", args=[arrangement.pk])
    response, seconds = cpu_get(client, url)
    assert response.status_code == 200
    assert seconds < PAGE_CPU_BOUND
    cached = cache.get(diff_cache_key(first, second))
    assert cached is not None and old_words(cached) == first.split()
    assert viewed_again_without_diffing(client, url, monkeypatch)


def test_history_shows_a_revision_of_a_long_text_word_by_word(db, client, wereld):
    first = random_text(2_500, seed=13)
    second = revised_text(first, seed=14, changes=6)
    arrangement = with_history(wereld, first, second)
    client.force_login(wereld.coordinator)
    page = html(client.get(reverse("arrangementen:geschiedenis", args=[arrangement.pk])))
    assert "<ins>" in page and "<del>" in page
    assert "ingevoegd1" in page
    assert "te veel om woord voor woord" not in page


def test_history_says_when_texts_were_too_different_to_compare_word_by_word(db, client, wereld):
    arrangement = with_history(wereld, random_text(3_000, seed=15, vocabulary=20),
                               random_text(3_000, seed=16, vocabulary=20))
    client.force_login(wereld.coordinator)
    page = html(client.get(reverse("arrangementen:geschiedenis", args=[arrangement.pk])))
    assert "verschillen te veel om woord voor woord te vergelijken" in page


def versions_with(wereld, old: str, new: str):
    """Version 1 with `old` as doel and as the text of one clause; version 2 with `new` in both places."""
    v1 = wereld.nieuw("Arrangement om te vergelijken")
    services.update_arrangement(arrangement=v1, user=wereld.coordinator, expected_version=1, data={"doel": old})
    afspraak = v1.afspraken.order_by("pk").first()
    services.update_afspraak(afspraak=afspraak, user=wereld.coordinator, expected_version=2,
                             onderwerp=afspraak.onderwerp, titel=afspraak.titel, tekst=old,
                             verantwoordelijke=afspraak.verantwoordelijke)
    zet_status(v1, Status.VASTGESTELD)
    v2 = services.start_herziening(arrangement=v1, user=wereld.coordinator)
    services.update_arrangement(arrangement=v2, user=wereld.coordinator, expected_version=1, data={"doel": new})
    kopie = v2.afspraken.get(vorige=afspraak)
    services.update_afspraak(afspraak=kopie, user=wereld.coordinator, expected_version=2,
                             onderwerp=kopie.onderwerp, titel=kopie.titel, tekst=new,
                             verantwoordelijke=kopie.verantwoordelijke)
    return v1, v2


@pytest.mark.parametrize("words", [1_000, 5_000, 50_000])
def test_comparison_of_versions_with_long_texts_answers_in_bounded_time_and_is_cached(db, client, wereld, words,
                                                                                      monkeypatch):
    old, new = random_text(words, seed=21), random_text(words, seed=22)
    v1, v2 = versions_with(wereld, old, new)
    client.force_login(wereld.coordinator)
    url = reverse("arrangementen:vergelijk", args=[v2.pk]) + f"?a={v1.pk}&b={v2.pk}"
    response, seconds = cpu_get(client, url)
    assert response.status_code == 200
    assert seconds < PAGE_CPU_BOUND
    assert cache.get(diff_cache_key(old, new)) is not None
    assert viewed_again_without_diffing(client, url, monkeypatch)
