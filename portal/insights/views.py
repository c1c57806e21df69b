"""Insights pages: each view reads the scope from the URL, asks insights/pages.py, renders."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from portal.domain import labels
from portal.indicators import privacy
from portal.indicators import scope as scopes
from portal.insights import bp, pages

bp.add_app_template_filter(pages.percent, "percent")


bp.add_app_template_filter(privacy.group, "group")
# a split's groups with their words: never exactly one hidden group (subtraction from the total)
bp.add_app_template_filter(
    lambda rows: list(zip(rows, privacy.split_words([row.count for row in rows]), strict=True)),
    "with_shown",
)
bp.add_app_template_filter(privacy.split_words, "split_words")


@bp.app_template_filter("days")
def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@bp.get("", endpoint="leadership")
@login_required
def leadership() -> str:
    """The leadership view: high-potential events, overdue serious actions, repeat themes,
    participation by site and the trend, for the sites the user sees."""
    sites = scopes.visible_sites(current_user)
    scope = scopes.scope_for(current_user, request.args, sites=sites)
    return render_template(
        "insights/leadership.html",
        page=pages.leadership(scope),
        scope=scope,
        sites=sites,
        month_label=pages.month_label,
    )


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"labels_status": lambda status: labels.label(labels.REPORT_STATUS, status)}
