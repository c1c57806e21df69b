"""The public feed pages: no login, no cookie, staff-written words only."""

from __future__ import annotations

from flask import abort, current_app, render_template, send_from_directory
from werkzeug.wrappers import Response

from portal.domain import publishing
from portal.feed import atom, bp
from portal.feed.pages import ATOM_ITEMS, feed_page, requested_page, site_or_404
from portal.feed.words import control_words, days_to_fix
from portal.web.security import mark_public


def _page(slug: str | None) -> str:
    mark_public()
    site = site_or_404(slug)
    page = feed_page(site, requested_page())
    return render_template(
        "feed/index.html", feed=page, control_words=control_words, days_to_fix=days_to_fix
    )


def _atom(slug: str | None) -> Response:
    mark_public()
    site = site_or_404(slug)
    items = publishing.published_fixes(site.id if site else None, limit=ATOM_ITEMS)
    return Response(atom.render(site, items), content_type=atom.CONTENT_TYPE)


@bp.get("/feed")
def index() -> str:
    """The newest fixes at every site, with this month's figures."""
    return _page(None)


@bp.get("/feed/<slug>")
def site(slug: str) -> str:
    """The newest fixes at one site, with its figures for this month."""
    return _page(slug)


@bp.get("/feed.atom")
def atom_feed() -> Response:
    """The Atom feed of the newest fixes at every site."""
    return _atom(None)


@bp.get("/feed/<slug>.atom")
def site_atom(slug: str) -> Response:
    """The Atom feed of the newest fixes at one site."""
    return _atom(slug)


@bp.get("/feed/photos/<int:action_id>")
def photo(action_id: int) -> Response:
    """An "after" photo staff marked public, of a published fix; 404 for every other one."""
    mark_public()
    action = publishing.public_photo(action_id)
    if action is None:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_DIR"], action.completion_photo)
