"""Repeat themes: one theme's page for staff, and its printable toolbox-talk sheet for the
supervisor's next pre-shift talk (English or Spanish).

A theme is named by its URL: ?location=&category= (the same place and category) or ?asset=.
The sheet shows only what the crew may see: counts, outcomes, the neutral words staff wrote
for the feed (Report.public_what), the fixes — never the reporter's own words, names or times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from babel.dates import format_skeleton
from flask import abort, current_app, render_template, request
from flask_babel import force_locale, get_locale
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import labels, moments
from portal.domain.permissions import can_view_site
from portal.extensions import db
from portal.indicators.sql import counted
from portal.indicators.themes import THEME_DAYS, THEME_MINIMUM, theme_condition, window
from portal.insights import bp, talk_words
from portal.lib.timeutil import to_local, utcnow
from portal.models import ActionStatus, Asset, Category, CorrectiveAction, Location, Report, Site

# what one printed sheet has room for
SHEET_DESCRIPTIONS = 4
SHEET_ACTIONS = 5
# the order a theme's actions are listed in: what still needs doing first
ACTION_ORDER = {status.value: order for order, status in enumerate(ActionStatus)}


@dataclass
class ThemeDetail:
    """One theme's counted reports of the last 90 days and the actions taken on them."""

    site: Site
    location: Location
    category: Category | None
    asset: Asset | None
    reports: list[Report]  # newest first
    until: datetime

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def is_theme(self) -> bool:
        """Still three or more in the 90 days (a page linked earlier may outlive its theme)."""
        return self.count >= THEME_MINIMUM

    @property
    def high_potential(self) -> int:
        return sum(r.high_potential for r in self.reports)

    @property
    def title(self) -> str:
        if self.asset is not None:
            return f"{self.asset.name} ({self.location.name})"
        return f"{self.category.name if self.category else ''} — {self.location.name}"

    @cached_property
    def actions(self) -> list[CorrectiveAction]:
        found = [a for r in self.reports for a in r.actions]
        return sorted(found, key=lambda a: (ACTION_ORDER.get(a.status, 9), a.due_on, a.id))

    def args(self) -> dict[str, int]:
        """URL parameters naming the theme."""
        if self.asset is not None:
            return {"asset": self.asset.id}
        return {"location": self.location.id, "category": self.category.id if self.category else 0}

    def day(self, moment: datetime) -> date:
        """A stored UTC time as the date it was at the site."""
        return to_local(moment, self.site.timezone).date()


@dataclass
class TalkSheet:
    """What the toolbox-talk sheet says: nothing that could single anyone out."""

    theme: ThemeDetail
    today: date
    category: str | None  # the default category whose guidance applies, if any
    outcomes: list[tuple[str, int]]
    descriptions: list[str]
    fixed: list[CorrectiveAction]
    pending: list[CorrectiveAction]

    @property
    def title(self) -> str:
        """The theme's name with a default category in the page's language."""
        theme = self.theme
        if theme.asset is not None or theme.category is None:
            return theme.title
        return f"{talk_words.category_name(theme.category.name)} — {theme.location.name}"

    @property
    def watch_for(self) -> tuple:
        return talk_words.watch_for(self.category)


def _id(args: Mapping[str, str], name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        abort(404)
    return int(raw)


def theme_for(args: Mapping[str, str], until: datetime) -> ThemeDetail:
    """The theme the URL names, at a site the user sees; anything else answers 404."""
    asset_id = _id(args, "asset")
    category: Category | None = None
    asset: Asset | None = None
    if asset_id is not None:
        asset = db.session.get(Asset, asset_id)
        location = asset.location if asset is not None else None
    else:
        location_id, category_id = _id(args, "location"), _id(args, "category")
        if location_id is None or category_id is None:
            abort(404)
        location = db.session.get(Location, location_id)
        category = db.session.get(Category, category_id)
        if category is None:
            abort(404)
    if location is None or not can_view_site(current_user, location.site_id):
        abort(404)
    since, until = window(until, THEME_DAYS)
    condition = theme_condition(location.id, category.id if category else None, asset_id)
    reports = db.session.scalars(
        select(Report)
        .where(
            counted(),
            # the place's site: with the window, a short range of ix_reports_themes
            Report.site_id == location.site_id,
            condition,
            Report.created_at > since,
            Report.created_at <= until,
            moments.released(utcnow()),
        )
        .options(
            joinedload(Report.category),
            selectinload(Report.actions).joinedload(CorrectiveAction.owner),
        )
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    return ThemeDetail(location.site, location, category, asset, list(reports), until)


def talk_sheet(theme: ThemeDetail) -> TalkSheet:
    """The crew's view of a theme: counts, outcomes, neutral descriptions and the fixes."""
    if theme.category is not None:
        category = theme.category.name
    else:  # an asset: the guidance of the category its reports mostly had
        named = Counter(r.category.name for r in theme.reports if r.category is not None)
        category = named.most_common(1)[0][0] if named else None
    outcomes = Counter(r.potential_outcome for r in theme.reports)
    descriptions: list[str] = []
    for report in theme.reports:
        words = (report.public_what or "").strip()
        if words and words not in descriptions:
            descriptions.append(words)
    actions = theme.actions
    # one fix is one line, by its words: still being fixed while any action with those words
    # is open (done at one report, open at another: not done yet for the crew)
    pending = _distinct([a for a in actions if a.is_open])
    open_words = {_words(a) for a in pending}
    fixed = [a for a in actions if a.is_finished and _words(a) not in open_words]
    fixed.sort(key=lambda a: a.completed_at or a.verified_at or datetime.min, reverse=True)
    return TalkSheet(
        theme=theme,
        today=theme.day(theme.until),
        category=category,
        outcomes=[(key, outcomes[key]) for key in talk_words.OUTCOME_NAMES if outcomes[key]],
        descriptions=descriptions[:SHEET_DESCRIPTIONS],
        fixed=_distinct(fixed)[:SHEET_ACTIONS],
        pending=pending[:SHEET_ACTIONS],
    )


def _words(action: CorrectiveAction) -> str:
    """An action's words as the crew hears them: case and spacing aside."""
    return " ".join(action.description.split()).casefold()


def _distinct(actions: list[CorrectiveAction]) -> list[CorrectiveAction]:
    """One line per fix: the same words on two reports' actions are the same fix to the crew."""
    seen: set[str] = set()
    kept = []
    for action in actions:
        key = _words(action)
        if key not in seen:
            seen.add(key)
            kept.append(action)
    return kept


def _month_year(value: date) -> str:
    return format_skeleton("yMMMM", value, locale=get_locale())


def _month_day(value: date) -> str:
    return format_skeleton("MMMMd", value, locale=get_locale())


@bp.get("/themes", endpoint="theme")
@login_required
def theme() -> str:
    """One repeat theme: its reports of the last 90 days, their actions, the talk sheets."""
    return render_template(
        "insights/theme.html",
        theme=theme_for(request.args, utcnow()),
        days=THEME_DAYS,
        minimum=THEME_MINIMUM,
        labels=labels,
    )


@bp.get("/themes/talk", endpoint="talk")
@login_required
def talk() -> str:
    """A printable A4 toolbox-talk sheet for a theme, in ?lang= or the browser's language."""
    sheet = talk_sheet(theme_for(request.args, utcnow()))
    lang = request.args.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        lang = str(get_locale() or "en")
    with force_locale(lang):
        return render_template(
            "insights/talk.html",
            sheet=sheet,
            theme=sheet.theme,
            days=THEME_DAYS,
            minimum=THEME_MINIMUM,
            words=talk_words,
            month_year=_month_year,
            month_day=_month_day,
        )
