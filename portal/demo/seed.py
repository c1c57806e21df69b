"""A believable demo company: two sites, a dozen QR locations, staff, ~300 reports over 6 months.

The reports travel the loop as real ones do, through the functions of portal/domain/loop/ only:
most are acknowledged, classified under the category their story belongs to and owned by the
site's supervisor or the safety manager; some are investigated, merged as duplicates, dismissed
with a reason, or carry a question to the anonymous reporter and the answer. Most owned ones
get corrective actions (portal/demo/closeout.py): old ones are verified and closed, recent ones
still open, some overdue. The newest reports are still waiting, a few past the deadline.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from portal.demo.closeout import Closeout
from portal.demo.company import Company, build_company
from portal.demo.conversations import HAZARD_NOTE, NAMES, NOTES, QUESTIONS
from portal.demo.investigations import Investigation
from portal.demo.roster import SITES
from portal.demo.stories import STORIES
from portal.demo.story import Story
from portal.domain import loop
from portal.extensions import db
from portal.indicators.scope import add_months, month_of
from portal.lib import codes
from portal.lib.timeutil import utcnow
from portal.models import (
    Asset,
    Channel,
    DismissReason,
    ExposureHours,
    Location,
    OutboxMessage,
    Report,
    ReporterRole,
    User,
)

MINUTE = timedelta(minutes=1)


@dataclass
class Plan:
    """One report to invent: what, where, when, and what staff will do with it."""

    story: Story
    location: Location
    at: datetime
    named: bool
    merge_into: Plan | None = None
    keep_open: bool = False  # another report merges into this one
    forgotten: bool = False  # days old and still not acknowledged
    report: Report | None = field(default=None, repr=False)


def _plans(rng: random.Random, company: Company, count: int, now: datetime) -> list[Plan]:
    """When and where each report happens, oldest first; a handful repeat an earlier one."""
    weights = [story.weight for story in STORIES]
    recent = max(5, count // 8)  # the last two days: the board's New column
    forgotten = max(2, count // 75)  # a few days old and never acknowledged: overdue
    plans = []
    for index in range(count):
        story = rng.choices(STORIES, weights)[0]
        location = company.location(rng.choice(story.places))
        if index < recent:
            days_ago = rng.uniform(0, 2)
        elif index < recent + forgotten:
            days_ago = rng.uniform(2, 5)
        else:
            days_ago = rng.uniform(5, 182)
        at = now - timedelta(days=days_ago, minutes=rng.randint(0, 60))
        overdue = recent <= index < recent + forgotten
        plans.append(Plan(story, location, at, rng.random() < 0.35, forgotten=overdue))
    plans.sort(key=lambda plan: plan.at)
    # Duplicates: a second worker reports the same thing a few hours later; merged.
    old = [p for p in plans if now - p.at > timedelta(days=3) and p.story.dismiss is None]
    pairs = rng.sample(range(len(old) - 1), min(max(2, count // 60), len(old) // 2))
    for index in pairs:
        original, duplicate = old[index], old[index + 1]
        if original.merge_into or original.keep_open or duplicate.keep_open:
            continue
        duplicate.story, duplicate.location = original.story, original.location
        duplicate.at = original.at + timedelta(hours=rng.uniform(1, 20))
        duplicate.merge_into, original.keep_open = original, True
    plans.sort(key=lambda plan: plan.at)
    return plans


def _submit(rng: random.Random, plan: Plan, secret: str) -> str:
    """The worker's report, as the form would file it; the receipt code shown to them."""
    what = plan.story.what
    named = plan.named and plan.story.dismiss is None
    answers = loop.NewReport(
        what_happened=what,
        where_text=plan.location.name,
        potential_outcome=plan.story.outcome.value,
        potential_text=plan.story.words,
        reporter_name=rng.choice(NAMES) if named else None,
        reporter_role=rng.choice(list(ReporterRole)).value if named or rng.random() < 0.5 else None,
        channel=rng.choice([Channel.QR.value] * 4 + [Channel.KIOSK.value]),
        language="es" if what[:2] in {"Se", "La"} else "en",
    )
    receipt = codes.random_code(codes.RECEIPT_LENGTH)
    plan.report = loop.submit(
        plan.location,
        answers,
        receipt_hash=codes.receipt_hash(secret, receipt),
        submission_key=codes.submission_key(secrets.token_urlsafe(16)),
        at=plan.at,
    )
    return receipt


Step = tuple[datetime, int, Callable[[], None]]


class Triage:
    """What staff do with the reports, as time-stamped steps run in time order.

    The loop (portal/domain/loop/) stamps staff actions with the present; the demo moves each
    step's timeline event (and message) back to when it "happened", so every report reads as
    a plausible history.
    """

    def __init__(self, rng: random.Random, company: Company, now: datetime) -> None:
        self.rng, self.company, self.now = rng, company, now
        self.steps: list[Step] = []
        self.closeout = Closeout(rng, now, self.add)

    def later(self, moment: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment some hours after another, never in the future."""
        return min(moment + timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.now)

    def add(self, moment: datetime, step: Callable[[], None]) -> None:
        self.steps.append((moment, len(self.steps), step))

    def run(self) -> None:
        for _moment, _order, step in sorted(self.steps, key=lambda item: item[:2]):
            step()

    def plan(self, plan: Plan) -> None:
        """Decide, for one report, every step staff take and when."""
        rng, story, report = self.rng, plan.story, plan.report
        assert report is not None
        age = self.now - plan.at
        site_supervisor = self.company.supervisors[plan.location.site_id]
        if plan.merge_into is not None:
            target = plan.merge_into.report
            merged_at = self.later(plan.at, 0.5, 6)
            self.add(merged_at, lambda: self._merge(report, site_supervisor, target, merged_at))
            return
        if self._stays_new(plan, age):
            return
        actor = site_supervisor if rng.random() < 0.7 else self.company.safety
        acknowledged_at = self.later(plan.at, 0.3, 20 if age > timedelta(days=2) else 6)
        self.add(acknowledged_at, lambda: loop.acknowledge(report, actor, at=acknowledged_at))
        moment = acknowledged_at
        if story.dismiss is not None or (
            story.hazard and not plan.keep_open and rng.random() < 0.1
        ):
            reason, note = story.dismiss or (DismissReason.HAZARD, HAZARD_NOTE)
            moment = self.later(moment, 0.1, 3)
            self.add(moment, lambda at=moment: self._dismiss(report, actor, reason, note, at))
            return
        asking = 0.5 if age < timedelta(days=7) else 0.06  # recent answers still flag the card
        if report.is_anonymous and rng.random() < asking:
            moment = self._question(report, actor, moment)
        if age < timedelta(days=1) and rng.random() < 0.5:
            return  # acknowledged today; triage later
        self._work(plan, actor, site_supervisor, moment)

    def _work(self, plan: Plan, actor: User, site_supervisor: User, moment: datetime) -> None:
        """Classify, assign, maybe investigate and note: the acknowledged report becomes work."""
        rng, story, report = self.rng, plan.story, plan.report
        moment = self.later(moment, 0.1, 4)
        high = self._classify(plan, actor, moment)
        if rng.random() < 0.85:
            moment = self.later(moment, 0.05, 2)
            owner = self._owner(site_supervisor, high)
            asset = self.company.asset_for(story, plan.location) if rng.random() < 0.8 else None
            self.add(moment, lambda at=moment: self._assign(report, actor, owner, asset, at))
            if not story.hazard or rng.random() < 0.5:
                staff = (self.company.safety, site_supervisor)
                self.closeout.plan(report, story.category, staff, moment, high)
        found = story.investigation
        if found and rng.random() < (0.7 if high else 0.3):
            moment = self.later(moment, 24, 24 * 6)
            investigator = self.company.safety if high else site_supervisor
            self.add(moment, lambda at=moment: self._investigate(report, investigator, found, at))
        if rng.random() < 0.07:
            note = rng.choice(NOTES)
            moment = self.later(moment, 1, 48)
            self.add(moment, lambda at=moment: self._note(report, actor, note, at))

    def _stays_new(self, plan: Plan, age: timedelta) -> bool:
        """The newest reports wait for acknowledgement; a few older ones were missed (overdue)."""
        if plan.keep_open:
            return False
        if age < timedelta(hours=8):
            return self.rng.random() < 0.9
        if age < timedelta(days=2):
            return self.rng.random() < 0.65
        return plan.forgotten

    def _owner(self, supervisor: User, high_potential: bool) -> User:
        if high_potential:
            return self.company.safety if self.rng.random() < 0.7 else supervisor
        return supervisor if self.rng.random() < 0.8 else self.company.safety

    def _classify(self, plan: Plan, actor: User, at: datetime) -> bool:
        """Schedule the classification; whether it will be high-potential."""
        story, rng = plan.story, self.rng
        severity = rng.randint(*story.severity)
        likelihood = rng.randint(*story.likelihood)
        flag, reason = None, None
        if story.override and rng.random() < 0.15:
            flag, reason = story.override
        high = flag if flag is not None else loop.auto_high_potential(severity)
        category = self.company.category(story.category)
        report = plan.report

        def step() -> None:
            loop.classify(
                report,
                actor,
                category=category,
                domain=story.domain.value,
                severity=severity,
                likelihood=likelihood,
                high_potential=flag,
                override_reason=reason,
            )
            _backdate(report, at)

        self.add(at, step)
        return high

    def _question(self, report: Report, actor: User, moment: datetime) -> datetime:
        question, answer = self.rng.choice(QUESTIONS)
        asked = self.later(moment, 1, 24)
        self.add(
            asked, lambda: _backdate(report, asked, loop.ask_reporter(report, actor, question))
        )
        answered = asked + timedelta(hours=self.rng.uniform(2, 40))
        if self.rng.random() < 0.7 and answered < self.now:

            def step() -> None:
                _backdate(report, answered, loop.reporter_answers(report, answer))
                if self.now - answered > timedelta(days=4):
                    loop.mark_answers_read(report, actor)  # older answers have been read

            self.add(answered, step)
            return answered
        return asked

    @staticmethod
    def _merge(report: Report, actor: User, into: Report | None, at: datetime) -> None:
        assert into is not None
        db.session.flush()  # the timeline notes name both report numbers
        loop.merge(report, actor, into=into)
        _backdate(report, at)
        _backdate(into, at)

    @staticmethod
    def _dismiss(report: Report, actor: User, reason: str, note: str, at: datetime) -> None:
        loop.dismiss(report, actor, reason=reason, note=note)
        _backdate(report, at)

    @staticmethod
    def _assign(
        report: Report, actor: User, owner: User, asset: Asset | None, at: datetime
    ) -> None:
        loop.assign(report, actor, owner=owner, asset=asset)
        _backdate(report, at)

    @staticmethod
    def _investigate(report: Report, actor: User, found: Investigation, at: datetime) -> None:
        loop.investigate(
            report,
            actor,
            whys=found.whys[:3],
            root_cause=found.root_cause.value,
            contributing_factors=found.factors,
        )
        _backdate(report, at)

    @staticmethod
    def _note(report: Report, actor: User, body: str, at: datetime) -> None:
        _backdate(report, at, loop.add_note(report, actor, body))


def _backdate(report: Report, at: datetime, message: object | None = None) -> None:
    """Move the step the loop just recorded (its event, message) to when it happened."""
    report.events[-1].created_at = at
    report.updated_at = at
    if message is not None:
        message.created_at = at  # type: ignore[attr-defined]


# hours worked per month at each demo site, roughly: people x 8 h x 21 days
DEMO_MONTHLY_HOURS = {"riverside": 58_000, "north": 41_000}


def _enter_hours(rng: random.Random, company: Company, now: datetime) -> None:
    """Hours worked for the last seven months (the reports' span), as an admin enters them."""
    sites = {location.site for location in company.locations}
    for site in sites:
        base = DEMO_MONTHLY_HOURS.get(site.slug.split("-")[0], 30_000)
        for back in range(7):
            month = add_months(month_of(now), -back)
            hours = int(base * rng.uniform(0.9, 1.1)) // 100 * 100
            db.session.add(ExposureHours(site_id=site.id, month=month, hours=hours))


def seed(report_count: int = 300, seed: int = 7) -> str:
    """Create the demo company in the current transaction; returns a one-line summary."""
    rng = random.Random(seed)
    now = utcnow() - MINUTE
    company = build_company()
    secret = current_app.config["SECRET_KEY"]
    plans = _plans(rng, company, report_count, now)
    receipts = [_submit(rng, plan, secret) for plan in plans]
    db.session.flush()
    triage = Triage(rng, company, now)
    for plan in plans:
        triage.plan(plan)
    triage.run()
    _enter_hours(rng, company, now)
    # invented reports mail nobody: the outbox starts empty
    db.session.execute(delete(OutboxMessage))
    db.session.flush()
    return (
        f"Demo data: {len(SITES)} sites, {len(company.locations)} locations, "
        f"{len(company.staff)} staff, {report_count} reports.\n"
        f"Receipt of the newest demo report, to try on /followup: {codes.group(receipts[-1])}"
    )
