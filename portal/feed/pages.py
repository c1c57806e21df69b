"""What the public feed shows: a page of the newest published fixes and this month's figures."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request

from portal.domain import publishing
from portal.models import Site

PER_PAGE = 10
ATOM_ITEMS = 20


@dataclass(frozen=True)
class FeedPage:
    """One page of the feed, for all sites (site None) or one site."""

    site: Site | None
    items: list[publishing.PublicFix]
    figures: publishing.Figures
    page: int
    pages: int


def site_or_404(slug: str | None) -> Site | None:
    """The site a slug names (None for all sites); an unknown slug answers 404."""
    if slug is None:
        return None
    site = publishing.site_by_slug(slug)
    if site is None:
        abort(404)
    return site


def requested_page() -> int:
    """?page=N, where anything that is not a positive number means the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def feed_page(site: Site | None, page: int) -> FeedPage:
    """The fixes of one page (newest first; past the last page shows the last one)."""
    site_id = site.id if site else None
    pages = max(1, -(-publishing.count_published(site_id) // PER_PAGE))
    page = min(page, pages)
    items = publishing.published_fixes(site_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return FeedPage(site, items, publishing.figures(site_id), page, pages)
