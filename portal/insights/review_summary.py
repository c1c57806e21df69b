"""The monthly review's first page: the management meeting's six questions (docs: DOMAIN.md),
each answered in a line and one chart, before the detail tables. Built from the figures the
review already holds: no query of its own. It prints on one page of A4 or Letter
(static/css/review.css), so the charts are drawn narrow (SUMMARY_WIDTH) with few rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.indicators import charts, participation, privacy
from portal.insights import pages

if TYPE_CHECKING:
    from portal.insights.review import Review

SUMMARY_ROWS = 5
# 420 units on half a page: text about 8.5 pt on paper and 12 px on a phone, where
# review.css keeps it at its own size (so labels are measured at CHAR_WIDTH); thin bars
CHART = {"width": 420, "bar_height": 12, "char_width": charts.CHAR_WIDTH}


@dataclass(frozen=True)
class Question:
    """One meeting question: its answer in a line, one chart, and the section with the detail."""

    anchor: str  # the id of the detail section
    ask: str  # numbered as the detail section it opens (1 is the month's figures)
    answer: str
    chart_title: str
    headers: tuple[str, str]  # the chart's table: label column, value column
    chart: charts.BarChart | None  # None: nothing to draw, `empty` says so
    empty: str = ""


def questions(page: Review) -> list[Question]:
    """The six questions of the management meeting, in their order."""
    return [
        _themes(page),
        _high_potential(page),
        _overdue(page),
        _sources(page),
        _sites(page),
        _control(page),
    ]


def _themes(page: Review) -> Question:
    shown = page.themes[:SUMMARY_ROWS]
    return Question(
        anchor="themes",
        ask=_("2. Which themes repeated?"),
        answer=ngettext(
            "%(num)d theme repeated in the 90 days to the month's end.",
            "%(num)d themes repeated in the 90 days to the month's end.",
            page.themes_total,
        ),
        chart_title=_("The largest repeat themes: reports in 90 days"),
        headers=(_("Theme"), _("Reports")),
        chart=charts.bar_chart([(t.title, t.count) for t in shown], label_share=0.5, **CHART)
        if shown
        else None,
        empty=_("No theme repeated three times in 90 days."),
    )


def _high_potential(page: Review) -> Question:
    closed = [row for row in page.high_potential if row.report.is_closed]
    late = [row for row in page.high_potential if row.overdue and not row.report.is_closed]
    bare = [row for row in page.high_potential if not row.pending and not row.report.is_closed]
    under_way = len(page.high_potential) - len(closed) - len(late) - len(bare)
    rows = [
        (_("No action yet"), len(bare)),
        (_("An action overdue"), len(late)),
        (_("Actions under way"), under_way),
        (_("Closed"), len(closed)),
    ]
    return Question(
        anchor="hipo",
        ask=_("3. Which high-potential events need support?"),
        answer=ngettext(
            "%(num)d high-potential event; needing support (no action yet, or late): %(support)d.",
            "%(num)d high-potential events; needing support (no action yet, or late): %(support)d.",
            len(page.high_potential),
            support=len(bare) + len(late),
        ),
        chart_title=_("High-potential events of the month, and older ones still open"),
        headers=(_("State"), _("Events")),
        chart=charts.bar_chart(rows, css="hipo", **CHART) if page.high_potential else None,
        empty=_("No high-potential near miss this month, and none older still open."),
    )


def _overdue(page: Review) -> Question:
    unexplained = sum(1 for row in page.overdue if row.reason_kind is None)
    answer = ngettext("%(num)d action overdue.", "%(num)d actions overdue.", page.overdue_count)
    if page.overdue:
        answer += " " + _(
            "No reason recorded for %(missing)d of the %(shown)d longest overdue.",
            missing=unexplained,
            shown=len(page.overdue),
        )
    rows = [(row.label, row.others + row.high_potential) for row in page.ages]
    return Question(
        anchor="overdue",
        ask=_("4. Which actions are overdue, and why?"),
        answer=answer,
        chart_title=_("Open actions past their due date, by how late"),
        headers=(_("Late by"), _("Actions")),
        chart=charts.bar_chart(rows, **CHART) if page.overdue_count else None,
        empty=_("No action is overdue."),
    )


def _sources(page: Review) -> Question:
    sources = page.sources
    anonymous, named = privacy.split_words([sources.anonymous, sources.named])
    roles = sources.by_role
    return Question(
        anchor="sources",
        ask=_("5. Where do reports come from?"),
        answer=_("Anonymous: %(anonymous)s · Named: %(named)s", anonymous=anonymous, named=named),
        chart_title=_("Role the reporter gave"),
        headers=(_("Role"), _("Reports")),
        chart=pages.split_bars(
            [row.label for row in roles], [row.count for row in roles], 0.45, **CHART
        )
        if roles
        else None,
        empty=_("No report this month."),
    )


def _sites(page: Review) -> Question:
    result = page.participation
    if page.month_open:
        answer = _("The month is not over: no site is judged yet.")
    elif result.low:
        answer = _(
            "Far less than the others for the hours worked: %(names)s.",
            names=", ".join(site.name for site in result.low),
        )
    else:
        answer = _("No site reports less than half the rate of the others.")
    return Question(
        anchor="participation",
        ask=_("6. Which sites report unusually little for their exposure?"),
        answer=answer,
        chart_title=_("Reports per 200,000 hours worked"),
        headers=(_("Site"), _("Rate")),
        chart=pages.participation_chart(result, _lowest(result), label_share=0.45, **CHART)
        if result.sites
        else None,
    )


def _lowest(result: participation.Participation) -> list[participation.SiteRate]:
    """The sites the question is about: all of a few, else the lowest rates (those without
    hours after them); the reference line stays the pooled rate of every site."""
    if len(result.sites) <= SUMMARY_ROWS:
        return result.sites
    ranked = sorted(result.sites, key=lambda site: (site.rate is None, site.rate or 0.0))
    return ranked[:SUMMARY_ROWS]


def _control(page: Review) -> Question:
    strength = page.strength
    answer = _(
        "Engineering or better: %(share)s of the month's actions.",
        share=pages.percent(strength.strong_share),
    )
    if page.candidates:
        answer += " " + ngettext(
            "%(num)d repeat theme has only administrative controls or PPE.",
            "%(num)d repeat themes have only administrative controls or PPE.",
            len(page.candidates),
        )
    rows = [(label, count) for _key, label, count in strength.rows()]
    return Question(
        anchor="control",
        ask=_("7. What control will be improved before the next review?"),
        answer=answer,
        chart_title=_("Actions on the month's reports by level of control"),
        headers=(_("Level of control"), _("Actions")),
        chart=charts.bar_chart(rows, label_share=0.45, **CHART) if strength.total else None,
        empty=_("No action on the month's reports yet."),
    )
