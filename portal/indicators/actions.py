"""Indicators about corrective actions: closeout rate, overdue actions by age, fix strength.

"Today" is the UTC date of the scope's `now`; the boards use each site's own day, which can
differ by a day around midnight — an indicator over months does not need that precision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.extensions import db
from portal.indicators.reports import share
from portal.indicators.scope import Scope
from portal.indicators.sql import counted, in_scope
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
LEVEL_LABELS = {
    "elimination": _l("Elimination"),
    "substitution": _l("Substitution"),
    "engineering": _l("Engineering"),
    "administrative": _l("Administrative"),
    "ppe": _l("PPE"),
}


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
    in the range and has passed (today's are not due yet); cancelled ones are left out."""
    until = min(scope.last_day, scope.today - timedelta(days=1))
    verified = case((CorrectiveAction.status == ActionStatus.VERIFIED.value, 1), else_=0)
    query = (
        select(Report.high_potential, func.count(), func.sum(verified))
        .join(Report, Report.id == CorrectiveAction.report_id)
        .where(
            CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
            CorrectiveAction.status != ActionStatus.CANCELLED.value,
            CorrectiveAction.due_on.between(scope.first_day, until),
        )
        .group_by(Report.high_potential)
    )
    found = {bool(h): (n, v or 0) for h, n, v in db.session.execute(query)}
    hipo, other = found.get(True, (0, 0)), found.get(False, (0, 0))
    return Closeout(
        due=hipo[0] + other[0], verified=hipo[1] + other[1], due_hipo=hipo[0], verified_hipo=hipo[1]
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
        select(bucket, Report.high_potential, func.count())
        .join(Report, Report.id == CorrectiveAction.report_id)
        .where(
            CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
            CorrectiveAction.status == ActionStatus.OPEN.value,
            CorrectiveAction.due_on < today,
        )
        .group_by(bucket, Report.high_potential)
    )
    found = Counter({(key, bool(h)): n for key, h, n in db.session.execute(query)})
    return [
        AgeRow(
            key=key, label=str(label), others=found[(key, False)], high_potential=found[(key, True)]
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
        return [(key, str(label), self.by_level.get(key, 0)) for key, label in LEVEL_LABELS.items()]


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
    """Open overdue actions of high-potential reports at the scope's sites, the latest first
    due (the longest overdue first), with their count."""
    condition = and_(
        CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
        CorrectiveAction.status == ActionStatus.OPEN.value,
        CorrectiveAction.due_on < scope.today,
        Report.high_potential.is_(True),
    )
    base = select(CorrectiveAction).join(Report, Report.id == CorrectiveAction.report_id)
    total = db.session.scalar(
        select(func.count()).select_from(CorrectiveAction).join(Report).where(condition)
    )
    actions = db.session.scalars(
        base.where(condition)
        .options(
            contains_eager(CorrectiveAction.report).joinedload(Report.location),
            joinedload(CorrectiveAction.owner),
        )
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
        .limit(limit)
    ).all()
    return list(actions), total or 0
