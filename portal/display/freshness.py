"""What a breakroom screen's poll costs: one tiny query, and 304 while nothing changed.

The ETag is computed without rendering, from the site's row (feed_version is bumped on every
publish, unpublish and photo change), the screen's figures (they carry the site's today, so the
periods of the fixes shown move with it; kept per site in the process for
app.config["DISPLAY_FIGURES_SECONDS"], 45 s by default: a new report shows within that time;
portal/web/cache.py holds this and the other caches below),
the language, the theme, the polling interval and the fragment template's source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Response, abort, current_app, request
from sqlalchemy import text

from portal.domain import breakroom
from portal.extensions import db
from portal.models import Site
from portal.web import cache

FRAGMENT = "display/_content.html"
THEMES = ("dark", "light")
EVERY_DEFAULT, EVERY_MIN, EVERY_MAX = 60, 10, 600
FIGURES_SECONDS = 45.0
# Every poll runs this: a fixed statement built once (a textual one has a trivial cache key,
# where an ORM select costs SQLAlchemy a cache-key walk on each execution).
_SCREEN = text(
    "SELECT id, slug, name, timezone, feed_version FROM sites WHERE slug = :slug"
).columns(
    Site.__table__.c.id,
    Site.__table__.c.slug,
    Site.__table__.c.name,
    Site.__table__.c.timezone,
    Site.__table__.c.feed_version,
)


@dataclass(frozen=True)
class Screen:
    """A site as its breakroom screen needs it: one row, four columns."""

    id: int
    slug: str
    name: str
    timezone: str
    feed_version: int


@dataclass(frozen=True)
class View:
    """How this screen asked to be shown: theme and polling interval (seconds)."""

    theme: str
    every: int


def screen_or_404(slug: str) -> Screen:
    """The site behind a display URL, or 404."""
    # A connection of its own, not the ORM session: a poll that ends in 304 never needs one.
    with db.engine.connect() as connection:
        row = connection.execute(_SCREEN, {"slug": slug}).first()
    if row is None:
        abort(404)
    return Screen(*row)


def view_options(args: Mapping[str, str]) -> View:
    """?theme=dark|light (default dark) and ?every=N seconds, clamped to 10..600 (default 60)."""
    theme = args.get("theme", "")
    raw = (args.get("every") or "").strip()
    every = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else EVERY_DEFAULT
    # the floor protects the server from a typo; tests lower it to watch polls quickly
    floor = int(current_app.config.get("DISPLAY_MIN_POLL_SECONDS", EVERY_MIN))
    return View(theme if theme in THEMES else THEMES[0], min(max(every, floor), EVERY_MAX))


def figures(screen: Screen) -> breakroom.Figures:
    """A site's screen figures, computed at most once per DISPLAY_FIGURES_SECONDS."""
    seconds = float(current_app.config.get("DISPLAY_FIGURES_SECONDS", FIGURES_SECONDS))
    return cache.remember(
        cache.DISPLAY_FIGURES,
        (screen.id, screen.timezone),
        lambda: breakroom.figures(screen.id, screen.timezone),
        max_age=seconds,
    )


def _template_digest() -> str:
    """The fragment's source, hashed once per process: a deploy that changes it changes ETags."""

    def digest() -> str:
        source, _filename, _uptodate = current_app.jinja_loader.get_source(  # type: ignore[union-attr]
            current_app.jinja_env, FRAGMENT
        )
        return hashlib.sha256(source.encode()).hexdigest()[:12]

    return cache.remember(cache.DISPLAY_DIGEST, FRAGMENT, digest)


def etag(screen: Screen, numbers: breakroom.Figures, view: View, language: str) -> str:
    """The validator of what the fragment would show, from data at hand (nothing rendered)."""
    parts = (
        screen.id,
        screen.name,
        screen.timezone,
        screen.feed_version,
        numbers,
        view,
        language,
        _template_digest(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def rendered(tag: str, build: Callable[[], str]) -> str:
    """The fragment for an ETag, rendered once per process: the ETag names all it shows, so
    the hundred screens that poll after a publish cost one render, not a hundred."""
    return cache.remember(cache.DISPLAY_HTML, tag, build)


def unchanged(tag: str) -> bool:
    """The screen already shows this version (its If-None-Match carries the ETag)."""
    return request.if_none_match.contains(tag)


def not_modified(tag: str) -> Response:
    """304 with no body: the screen keeps what it shows."""
    response = current_app.response_class(status=304)
    response.set_etag(tag)
    return response
