"""Indicators about corrective actions: closeout rate, overdue actions by age, fix strength.

"Today" is the UTC date of the scope's `now`; the boards use each site's own day, which can
differ by a day around midnight — an indicator over months does not need that precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from portal.domain import labels
from portal.extensions import db
from portal.indicators.reports import share
from portal.indicators.scope import Scope
from portal.indicators.sql import counted, in_scope
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


def high_potential_reports() -> Select[tuple[int]]:
    """The ids of high-potential reports, for `report_id IN (...)`: read from the small
    ix_reports_high_potential index instead of joining every action to its report row."""
    return select(Report.id).where(Report.high_potential.is_(True))


def closeout(scope: Scope) -> Closeout:
    """Closeout rate = verified ÷ due, for actions at the scope's sites whose due date falls
    in the range and has passed (today's are not due yet); cancelled ones are left out."""
    until = min(scope.last_day, scope.today - timedelta(days=1))
    verified = case((CorrectiveAction.status == ActionStatus.VERIFIED.value, 1), else_=0)
    query = select(func.count(), func.sum(verified)).where(
        CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        CorrectiveAction.due_on.between(scope.first_day, until),
        CorrectiveAction.status != ActionStatus.CANCELLED.value,
    )
    due, done = db.session.execute(query).one()
    due_hipo, done_hipo = db.session.execute(
        query.where(CorrectiveAction.report_id.in_(high_potential_reports()))
    ).one()
    return Closeout(
        due=due or 0, verified=done or 0, due_hipo=due_hipo or 0, verified_hipo=done_hipo or 0
    )


@dataclass(frozen=True)
class AgeRow:
    key: str
    label: str
    others: int
    high_potential: int


def overdue_by_age(scope: Scope) -> list[AgeRow]:
    """Open actions past their due date today at the scope's sites, by how late they are
    (whatever the month range: overdue is about now)."""
    today = scope.today
    bucket = case(
        *[
            (CorrectiveAction.due_on >= today - timedelta(days=last), key)
            for key, _, _, last in AGE_BUCKETS
            if last is not None
        ],
        else_=AGE_BUCKETS[-1][0],
    )
    query = (
        select(bucket, func.count())
        .where(
            CorrectiveAction.status == ActionStatus.OPEN.value,
            CorrectiveAction.due_on < today,
            CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        )
        .group_by(bucket)
    )
    every = dict(db.session.execute(query).all())
    hipo = dict(
        db.session.execute(
            query.where(CorrectiveAction.report_id.in_(high_potential_reports()))
        ).all()
    )
    return [
        AgeRow(
            key=key,
            label=str(label),
            others=every.get(key, 0) - hipo.get(key, 0),
            high_potential=hipo.get(key, 0),
        )
        for key, label, _, _ in AGE_BUCKETS
    ]


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
    over the actions of the counted reports in the scope."""
    query = (
        select(CorrectiveAction.control_level, func.count())
        .join(Report, Report.id == CorrectiveAction.report_id)
        .where(counted(), in_scope(scope), CorrectiveAction.status != ActionStatus.CANCELLED.value)
        .group_by(CorrectiveAction.control_level)
    )
    return Strength(by_level=dict(db.session.execute(query).all()))


def overdue_serious(scope: Scope, limit: int = 20) -> tuple[list[CorrectiveAction], int]:
    """Open overdue actions of high-potential reports at the scope's sites, the longest
    overdue first, with their count."""
    condition = (
        CorrectiveAction.status == ActionStatus.OPEN.value,
        CorrectiveAction.due_on < scope.today,
        CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        CorrectiveAction.report_id.in_(high_potential_reports()),
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
