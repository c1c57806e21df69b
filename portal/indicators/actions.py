"""Indicators about corrective actions: closeout rate, overdue actions by age, fix strength.

"Today" is the UTC date of the scope's `now`; the boards use each site's own day, which can
differ by a day around midnight — an indicator over months does not need that precision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.domain import labels
from portal.extensions import db
from portal.indicators.reports import share
from portal.indicators.scope import Scope
from portal.indicators.sql import NOT_COUNTED, aggregate
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ActionStatus, ControlLevel, CorrectiveAction, Report

STRONG_LEVELS = (
    ControlLevel.ELIMINATION.value,
    ControlLevel.SUBSTITUTION.value,
    ControlLevel.ENGINEERING.value,
)
# how long past their due date open actions are: (key, label, first day late, last day late)
AGE_BUCKETS = (
    ("week", _l("1 to 7 days"), 1, 7),
    ("month", _l("8 to 30 days"), 8, 30),
    ("quarter", _l("31 to 90 days"), 31, 90),
    ("older", _l("More than 90 days"), 91, None),
)


@dataclass(frozen=True)
class Closeout:
    """Actions due in the range (due date passed, not cancelled) and how many are verified."""

    due: int
    verified: int
    due_hipo: int
    verified_hipo: int

    @property
    def rate(self) -> float | None:
        return share(self.verified - self.verified_hipo, self.due - self.due_hipo)

    @property
    def rate_hipo(self) -> float | None:
        return share(self.verified_hipo, self.due_hipo)


def closeout(scope: Scope) -> Closeout:
    """Closeout rate = verified ÷ due, for actions at the scope's sites whose due date falls
    in the range and has passed (today's are not due yet); cancelled ones are left out. One
    pass over ix_corrective_actions_site_id_due_on, high-potential counted along (each action
    keeps its report's flag)."""
    until = min(scope.last_day, scope.today - timedelta(days=1))
    verified = CorrectiveAction.status == ActionStatus.VERIFIED.value
    hipo = CorrectiveAction.report_high_potential.is_(True)
    query = select(
        func.count(),
        func.count().filter(verified),
        func.count().filter(hipo),
        func.count().filter(hipo & verified),
    ).where(
        CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        CorrectiveAction.due_on.between(scope.first_day, until),
        CorrectiveAction.status != ActionStatus.CANCELLED.value,
    )
    due, done, due_hipo, done_hipo = aggregate(query).one()
    return Closeout(due=due, verified=done, due_hipo=due_hipo, verified_hipo=done_hipo)


@dataclass(frozen=True)
class AgeRow:
    key: str
    label: str
    others: int
    high_potential: int


def overdue_by_age(scope: Scope) -> list[AgeRow]:
    """Open actions past their due date today at the scope's sites, by how late they are
    (whatever the month range: overdue is about now). One pass over
    ix_corrective_actions_status_due_on grouped by due date, in its order (no sort; a few
    hundred dates), high-potential counted along; the dates fall into their ages here."""
    today = scope.today
    query = (
        select(
            CorrectiveAction.due_on,
            func.count(),
            func.count().filter(CorrectiveAction.report_high_potential.is_(True)),
        )
        .where(
            CorrectiveAction.status == ActionStatus.OPEN.value,
            CorrectiveAction.due_on < today,
            CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        )
        .group_by(CorrectiveAction.due_on)
    )
    every: dict[str, int] = defaultdict(int)
    serious: dict[str, int] = defaultdict(int)
    for due_on, count, count_hipo in aggregate(query):
        key = _age((today - due_on).days)
        every[key] += count
        serious[key] += count_hipo
    return [
        AgeRow(
            key=key,
            label=str(label),
            others=every[key] - serious[key],
            high_potential=serious[key],
        )
        for key, label, _, _ in AGE_BUCKETS
    ]


def _age(days_late: int) -> str:
    """The age (AGE_BUCKETS key) of an action so many days late."""
    return next(
        key
        for key, _, first, last in AGE_BUCKETS
        if days_late >= first and (last is None or days_late <= last)
    )


@dataclass(frozen=True)
class Strength:
    """Actions of the scope's reports by level of control (cancelled ones left out)."""

    by_level: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_level.values())

    @property
    def strong(self) -> int:
        return sum(self.by_level.get(level, 0) for level in STRONG_LEVELS)

    @property
    def strong_share(self) -> float | None:
        return share(self.strong, self.total)

    def rows(self) -> list[tuple[str, str, int]]:
        return [
            (key.value, str(label), self.by_level.get(key, 0))
            for key, label in labels.CONTROL_LEVEL.items()
        ]


def fix_strength(scope: Scope) -> Strength:
    """Engineering or better (elimination, substitution, engineering) vs administrative/PPE,
    over the actions of the counted reports in the scope: the actions of the range's reports
    from their own index (each keeps its report's month), less those of the reports merged or
    dismissed since — a small range of ix_reports_site_id_status_month — instead of joining
    every report of the range to its actions. An action's report was released when it was
    added (staff saw it), so the release rule needs no check here."""
    live = CorrectiveAction.status != ActionStatus.CANCELLED.value
    sites = scope.site_ids or (-1,)
    grouped = (CorrectiveAction.site_id, CorrectiveAction.report_month)
    every = (
        select(CorrectiveAction.control_level, func.count())
        .where(
            CorrectiveAction.site_id.in_(sites),
            CorrectiveAction.report_month.between(scope.first_month, scope.last_month),
            live,
        )
        # in the order of ix_corrective_actions_report_month: no sort
        .group_by(*grouped, CorrectiveAction.control_level)
    )
    set_aside = (
        select(CorrectiveAction.control_level, func.count())
        .join(Report, Report.id == CorrectiveAction.report_id)
        .where(
            Report.site_id.in_(sites),
            Report.status.in_(NOT_COUNTED),
            Report.local_month.between(scope.first_month, scope.last_month),
            live,
        )
        .group_by(CorrectiveAction.control_level)
    )
    by_level: dict[str, int] = defaultdict(int)
    for level, count in aggregate(every):
        by_level[level] += count
    for level, count in db.session.execute(set_aside):
        by_level[level] -= count
    return Strength(by_level={level: n for level, n in by_level.items() if n})


def overdue_serious(scope: Scope, limit: int = 20) -> tuple[list[CorrectiveAction], int]:
    """Open overdue actions of high-potential reports at the scope's sites, the longest
    overdue first, with their count."""
    condition = (
        CorrectiveAction.status == ActionStatus.OPEN.value,
        CorrectiveAction.due_on < scope.today,
        CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        CorrectiveAction.report_high_potential.is_(True),
    )
    total = db.session.scalar(select(func.count()).select_from(CorrectiveAction).where(*condition))
    actions = db.session.scalars(
        select(CorrectiveAction)
        .where(*condition)
        .options(
            joinedload(CorrectiveAction.report).joinedload(Report.location),
            joinedload(CorrectiveAction.owner),
        )
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
        .limit(limit)
    ).all()
    return list(actions), total or 0
