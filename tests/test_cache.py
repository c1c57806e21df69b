"""The process's named caches (portal/web/cache.py): per app, size and age limits, events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.web import cache


@pytest.fixture
def bare_app() -> Iterator[Flask]:
    """An app context without a database: the caches need nothing else."""
    app = Flask(__name__)
    with app.app_context():
        yield app


def test_it_builds_once_and_keeps_the_value(bare_app):
    built = []
    first = cache.remember(cache.PAGES, "k", lambda: built.append(1) or "page")
    again = cache.remember(cache.PAGES, "k", lambda: built.append(1) or "other")
    assert first == again == "page" and built == [1]


def test_it_keeps_a_none_answer_too(bare_app):
    built = []
    for _ in range(2):
        assert cache.remember(cache.PLACES, "CODE", lambda: built.append(1)) is None
    assert built == [1]


def test_an_entry_past_its_age_is_built_again(bare_app, monkeypatch):
    assert cache.remember(cache.PLACES, "CODE", lambda: "old", max_age=5) == "old"
    later = cache.time.monotonic() + 6
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert cache.get(cache.PLACES, "CODE", "gone") == "gone"
    assert cache.remember(cache.PLACES, "CODE", lambda: "new", max_age=5) == "new"


def test_get_and_put(bare_app):
    assert cache.get(cache.DISPLAY_QR, "url") is None
    cache.put(cache.DISPLAY_QR, "url", "<svg>")
    assert cache.get(cache.DISPLAY_QR, "url") == "<svg>"
    cache.put(cache.DISPLAY_FIGURES, 1, "figures", max_age=0)
    assert cache.get(cache.DISPLAY_FIGURES, 1) is None


def test_a_full_cache_starts_again_empty(bare_app, monkeypatch):
    monkeypatch.setitem(cache.LIMITS, cache.DISPLAY_HTML, 2)
    for key in ("a", "b", "c"):
        cache.put(cache.DISPLAY_HTML, key, key)
    assert [cache.get(cache.DISPLAY_HTML, key) for key in "abc"] == [None, None, "c"]


def test_each_app_has_caches_of_its_own(bare_app):
    cache.put(cache.PAGES, "k", "mine")
    with Flask("other").app_context():
        assert cache.get(cache.PAGES, "k") is None
    assert cache.get(cache.PAGES, "k") == "mine"


def test_changed_places_clear_what_shows_them_and_nothing_else(bare_app):
    for name in cache.LIMITS:
        cache.put(name, "k", name)
    cache.places_changed()
    kept = {name for name in cache.LIMITS if cache.get(name, "k") is not None}
    assert kept == set(cache.LIMITS) - {cache.PLACES, cache.PAGES}
    cache.clear_all()
    assert all(cache.get(name, "k") is None for name in cache.LIMITS)


def test_an_unknown_cache_name_is_a_mistake(bare_app):
    with pytest.raises(KeyError):
        cache.remember("placse", "k", lambda: 1)
