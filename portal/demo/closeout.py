"""The demo's corrective actions: added after triage, completed, verified by someone else,
summarised for the crew — each step at a plausible moment, through portal/domain/corrective.py and
portal/domain/loop/ only. Older reports are closed, recent ones still have open (some overdue)
actions, and a few wait for verification or for the reporter's doubt to be answered."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from portal.demo.fixes import (
    COMPLETION_NOTES,
    DOUBT,
    DOUBT_REPLY,
    DUE_DATE_REASONS,
    FIXES,
    GENERAL,
    GENERAL_PUBLIC_WHAT,
    PUBLIC_WHAT,
    VERIFICATION_NOTES,
)
from portal.domain import corrective, loop, publishing, steps
from portal.domain.steps import ReporterStep, Step
from portal.lib import sla
from portal.models import CorrectiveAction, Report, User

Schedule = Callable[[datetime, Callable[[], None]], None]


def stamped(report: Report, at: datetime, step: Callable[[], object]) -> object:
    """Run a loop step, then move every timeline event it recorded to when it "happened"."""
    before = len(report.events)
    result = step()
    for event in report.events[before:]:
        event.created_at = at
    report.updated_at = at
    return result


class Closeout:
    """Schedules, for one triaged report, its actions and how far each got by now."""

    def __init__(self, rng: random.Random, now: datetime, schedule: Schedule) -> None:
        self.rng, self.now, self.schedule = rng, now, schedule
        self.doubts = 0

    def later(self, moment: datetime, low_days: float, high_days: float) -> datetime | None:
        """A moment some days after another, or None when that is still in the future."""
        then = moment + timedelta(days=self.rng.uniform(low_days, high_days))
        return then if then < self.now else None

    def plan(
        self,
        report: Report,
        category: str,
        staff: tuple[User, User],
        moment: datetime,
        high: bool,
    ) -> None:
        """Add one or two actions to a triaged report and take them as far as time allows."""
        safety, supervisor = staff
        added = self.later(moment, 0.05, 2)
        if added is None:
            return
        fixes = FIXES.get(category, GENERAL)
        description, level, summary = self.rng.choice(fixes)
        owner = supervisor if self.rng.random() < 0.7 else safety
        words = PUBLIC_WHAT.get(category, GENERAL_PUBLIC_WHAT)
        self._action(report, safety, owner, added, (description, level), high, summary, words)
        if self.rng.random() < 0.25:
            extra = self.rng.choice(FIXES["Procedural"])
            self._action(report, safety, supervisor, added, extra[:2], high, None)

    def _action(
        self,
        report: Report,
        creator: User,
        owner: User,
        added: datetime,
        fix: tuple[str, object],
        high: bool,
        summary: str | None,
        public_what: str | None = None,
    ) -> None:
        description, level = fix
        timezone = report.site.timezone
        due = sla.default_due_on(sla.site_today(added, timezone), high_potential=high)
        new = corrective.NewAction(
            description=description,
            control_level=str(level),
            owner=owner,
            due_on=due,
            work_order_ref=self._work_order(level),
            work_order_url=None,
            visible_to_reporter=self.rng.random() < 0.7,
        )
        holder: dict[str, CorrectiveAction] = {}

        def add() -> None:
            action = stamped(report, added, lambda: corrective.add(report, creator, new))
            assert isinstance(action, CorrectiveAction)
            action.created_at = action.updated_at = added
            holder["action"] = action

        self.schedule(added, add)
        speed = (2, 8) if high else (3, 45)
        if self.rng.random() < 0.2:  # some work drags on past its due date
            speed = (20, 90)
        completed = self.later(added, *speed)
        if completed is None:
            self._maybe_redate(report, creator, holder, added)
            return
        doer = owner
        note = self.rng.choice(COMPLETION_NOTES)
        self.schedule(completed, lambda: self._complete(report, holder, doer, note, completed))
        verified = self.later(completed, 0.3, 6)
        if verified is None:
            return
        checker = creator if creator.id != doer.id else self._other(report, doer)
        if checker is None:
            return
        check = self.rng.choice(VERIFICATION_NOTES)
        self.schedule(verified, lambda: self._verify(report, holder, checker, check, verified))
        if summary is not None and self.rng.random() < 0.9:
            written = verified + timedelta(hours=self.rng.uniform(0.2, 20))
            if written < self.now:
                self.schedule(written, lambda: self._summary(report, creator, summary, written))
                self._maybe_verdict(report, creator, written)
                # most fixes are shown to the crew (decided without the random generator, so
                # the rest of the demo stays the same story)
                if public_what and report.id % 7:
                    words = public_what
                    self.schedule(written, lambda: self._publish(report, creator, words, written))

    def _work_order(self, level: object) -> str | None:
        if str(level) in {"engineering", "elimination"} and self.rng.random() < 0.6:
            return f"WO-{self.rng.randint(10000, 99999)}"
        return None

    @staticmethod
    def _other(report: Report, doer: User) -> User | None:
        """Someone of the site's staff other than the person who did the work."""
        staff = [user for user in report.site.members if user.role != "viewer"]
        return next((user for user in staff if user.id != doer.id), None)

    def _maybe_redate(
        self, report: Report, actor: User, holder: dict[str, CorrectiveAction], added: datetime
    ) -> None:
        moved = self.later(added, 1, 5)
        if moved is None or self.rng.random() > 0.15:
            return
        reason = self.rng.choice(DUE_DATE_REASONS)

        def step() -> None:
            action = holder["action"]
            new_due = action.due_on + timedelta(days=14)
            stamped(
                report,
                moved,
                lambda: corrective.change_due_date(action, actor, due_on=new_due, reason=reason),
            )

        self.schedule(moved, step)

    @staticmethod
    def _complete(report: Report, holder: dict, doer: User, note: str, at: datetime) -> None:
        action = holder["action"]
        stamped(report, at, lambda: corrective.complete(action, doer, note=note))
        action.completed_at = action.updated_at = at
        if report.fixed_at is not None:
            report.fixed_at = at

    @staticmethod
    def _verify(report: Report, holder: dict, checker: User, note: str, at: datetime) -> None:
        action = holder["action"]
        stamped(report, at, lambda: corrective.verify(action, checker, note=note))
        action.verified_at = action.updated_at = at
        if report.closed_at is not None:
            report.closed_at = at

    @staticmethod
    def _summary(report: Report, actor: User, summary: str, at: datetime) -> None:
        if not steps.report_allows(report, Step.SUMMARISE):
            return
        stamped(
            report, at, lambda: loop.write_summary(report, actor, summary=summary, not_public=False)
        )
        if report.closed_at is not None:
            report.closed_at = at

    @staticmethod
    def _publish(report: Report, actor: User, words: str, at: datetime) -> None:
        if not report.is_closed or report.published_at is not None:
            return
        stamped(report, at, lambda: publishing.publish(report, actor, public_what=words))
        report.published_at = at

    def _maybe_verdict(self, report: Report, actor: User, written: datetime) -> None:
        """Some reporters answer "Is it fixed?"; one says "not really"."""
        answered = self.later(written, 0.2, 4)
        if answered is None or self.rng.random() > 0.35:
            return
        doubt = self.doubts < 2 and self.rng.random() < 0.3
        self.doubts += doubt

        def step() -> None:
            if not steps.reporter_allows(report, ReporterStep.VERDICT):
                return
            verdict = "not_really" if doubt else "yes"
            words = DOUBT if doubt else None
            stamped(report, answered, lambda: loop.reporter_verdict(report, verdict, words))
            if report.messages and words:
                report.messages[-1].created_at = answered

        self.schedule(answered, step)
        if doubt and self.doubts == 1:  # the first doubt was answered; the second still waits
            replied = self.later(answered, 0.5, 2)
            if replied is not None:
                self.schedule(replied, lambda: self._reply(report, actor, replied))

    @staticmethod
    def _reply(report: Report, actor: User, at: datetime) -> None:
        if report.fix_disputed:
            stamped(report, at, lambda: loop.answer_doubt(report, actor, DOUBT_REPLY))
            report.messages[-1].created_at = at
            if report.closed_at is not None:
                report.closed_at = at
