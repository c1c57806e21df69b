"""The breakroom display of a site and the fragment its screen polls."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from portal.display import bp, freshness
from portal.domain import breakroom
from portal.feed.words import control_words, days_to_fix
from portal.lib import qr
from portal.lib.timeutil import to_local, utcnow
from portal.web import cache
from portal.web.i18n import current_language
from portal.web.pages import is_fragment_request
from portal.web.security import mark_public

LATEST = 8  # the newest published fixes of the period a screen cycles through, one at a time


def _report_qr() -> Markup:
    """The poster QR to the report start page, drawn once per process and base URL."""
    url = current_app.config["BASE_URL"] + url_for("report_form.index")

    def draw() -> Markup:
        return Markup(qr.svg(url).decode())  # noqa: S704 - our own SVG of the QR's modules

    return cache.remember(cache.DISPLAY_QR, url, draw)


def _content(screen: freshness.Screen, view: freshness.View, tag: str) -> dict[str, object]:
    """What the polled region shows: the figures, the fixes of their period, and its ETag."""
    period, fixes = breakroom.fixes(screen.id, screen.timezone, limit=LATEST)
    return {
        "screen": screen,
        "view": view,
        "etag": tag,
        "figures": freshness.figures(screen),
        "period": period,
        "fixes": fixes,
        "control_words": control_words,
        "days_to_fix": days_to_fix,
        "report_qr": _report_qr(),
    }


def _etag(screen: freshness.Screen, view: freshness.View) -> str:
    return freshness.etag(screen, freshness.figures(screen), view, current_language())


@bp.get("/display/<slug>")
def page(slug: str) -> str:
    """The full-screen breakroom page of a site: fixes, figures and the QR to report."""
    mark_public()
    screen = freshness.screen_or_404(slug)
    view = freshness.view_options(request.args)
    return render_template(
        "display/page.html",
        **_content(screen, view, _etag(screen, view)),
        updated=to_local(utcnow(), screen.timezone).strftime("%H:%M"),
    )


@bp.get("/display/<slug>/content")
def content(slug: str) -> Response:
    """The region a screen polls: 304 while unchanged, else the fresh fragment."""
    mark_public()
    screen = freshness.screen_or_404(slug)
    view = freshness.view_options(request.args)
    if not is_fragment_request():
        return redirect(url_for(".page", slug=slug, **request.args), 303)  # type: ignore[return-value]
    tag = _etag(screen, view)
    if freshness.unchanged(tag):
        return freshness.not_modified(tag)
    html = freshness.rendered(
        tag, lambda: render_template(freshness.FRAGMENT, **_content(screen, view, tag))
    )
    response = current_app.make_response(html)
    response.set_etag(tag)
    return response
