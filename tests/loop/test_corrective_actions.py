"""The corrective action life cycle and how the report follows it (corrective.py, loop/)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.domain import corrective, loop
from portal.extensions import db
from portal.models import (
    ActionStatus,
    Category,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportStatus,
    User,
)
from tests.factories import submit

TODAY = date(2026, 12, 1)


class Ctx:
    def __init__(self, world, report_id: int) -> None:
        self.world = world
        self.report_id = report_id

    @property
    def report(self) -> Report:
        return db.session.get(Report, self.report_id)

    def user(self, persona: str) -> User:
        return db.session.get(User, getattr(self.world, persona).id)

    def add(self, actor: str = "safety", owner: str = "supervisor_a", **changes) -> int:
        values = {
            "description": "Fit a guard on the press",
            "control_level": "engineering",
            "owner": self.user(owner),
            "due_on": TODAY + timedelta(days=7),
            **changes,
        }
        action = corrective.add(self.report, self.user(actor), corrective.NewAction(**values))
        db.session.commit()
        return action.id

    def action(self, action_id: int):
        return next(a for a in self.report.actions if a.id == action_id)

    def kinds(self) -> list[str]:
        return [event.kind for event in self.report.events]


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        report, _ = submit(world.location_a, "Press guard missing", where="Press 2")
        db.session.commit()
        yield Ctx(world, report.id)


def _done_and_verified(ctx: Ctx, action_id: int) -> None:
    corrective.complete(ctx.action(action_id), ctx.user("supervisor_a"), note="Guard fitted")
    db.session.commit()
    corrective.verify(ctx.action(action_id), ctx.user("safety"), note="Checked it holds")
    db.session.commit()


def test_the_first_action_acknowledges_a_new_report_and_puts_it_in_progress(ctx):
    action_id = ctx.add()
    assert ctx.report.status == ReportStatus.IN_PROGRESS
    assert ctx.report.acknowledged_by.id == ctx.world.safety.id
    assert ctx.kinds() == ["submitted", "acknowledged", "action_added", "in_progress"]
    assert ctx.action(action_id).status == ActionStatus.OPEN


def test_all_actions_done_makes_the_report_fixed(ctx):
    first, second = (
        ctx.add(),
        ctx.add(description="Sign the walkway", control_level="administrative"),
    )
    corrective.complete(ctx.action(first), ctx.user("supervisor_a"), note="Guard fitted")
    db.session.commit()
    assert ctx.report.status == ReportStatus.IN_PROGRESS
    corrective.complete(ctx.action(second), ctx.user("supervisor_a"), note="Signs up")
    db.session.commit()
    assert ctx.report.status == ReportStatus.FIXED and ctx.report.fixed_at is not None


def test_the_person_who_completed_an_action_cannot_verify_it(ctx):
    action_id = ctx.add()
    corrective.complete(ctx.action(action_id), ctx.user("supervisor_a"), note="Guard fitted")
    db.session.commit()
    with pytest.raises(loop.InvalidInput):
        corrective.verify(ctx.action(action_id), ctx.user("supervisor_a"), note="Looks fine")
    db.session.rollback()
    assert ctx.action(action_id).status == ActionStatus.DONE


def test_verified_actions_and_a_summary_close_the_report_in_either_order(ctx):
    action_id = ctx.add()
    _done_and_verified(ctx, action_id)
    assert ctx.report.status == ReportStatus.FIXED  # no summary yet
    assert loop.closing_blockers(ctx.report) == ["no public summary (or “not for public display”)"]
    loop.write_summary(ctx.report, ctx.user("safety"), summary="Guard fitted", not_public=False)
    db.session.commit()
    assert ctx.report.status == ReportStatus.CLOSED and ctx.report.closed_at is not None
    assert ctx.kinds()[-2:] == ["summary", "closed"]


def test_a_summary_written_early_closes_the_report_at_the_last_verification(ctx):
    action_id = ctx.add()
    loop.write_summary(ctx.report, ctx.user("safety"), summary=None, not_public=True)
    db.session.commit()
    assert ctx.report.status == ReportStatus.IN_PROGRESS and ctx.report.summary_not_public
    _done_and_verified(ctx, action_id)
    assert ctx.report.status == ReportStatus.CLOSED


def test_closing_without_verification_is_impossible(ctx):
    action_id = ctx.add()
    corrective.complete(ctx.action(action_id), ctx.user("supervisor_a"), note="Guard fitted")
    loop.write_summary(ctx.report, ctx.user("safety"), summary="Guard fitted", not_public=False)
    db.session.commit()
    assert ctx.report.status == ReportStatus.FIXED
    assert "not every action is verified" in loop.closing_blockers(ctx.report)


def test_a_summary_needs_words_or_the_not_public_mark(ctx):
    ctx.add()
    with pytest.raises(loop.InvalidInput):
        loop.write_summary(ctx.report, ctx.user("safety"), summary="  ", not_public=False)


def test_cancelling_the_only_open_action_moves_the_report_by_what_is_left(ctx):
    done_id, open_id = ctx.add(), ctx.add(description="Retrain the crew")
    corrective.complete(ctx.action(done_id), ctx.user("supervisor_a"), note="Guard fitted")
    corrective.cancel(ctx.action(open_id), ctx.user("safety"), reason="Guard is enough")
    db.session.commit()
    assert ctx.report.status == ReportStatus.FIXED
    with pytest.raises(loop.InvalidInput):
        corrective.cancel(ctx.action(done_id), ctx.user("safety"), reason=" ")


def test_cancelling_every_action_returns_the_report_to_acknowledged(ctx):
    action_id = ctx.add()
    corrective.cancel(ctx.action(action_id), ctx.user("safety"), reason="Duplicate action")
    db.session.commit()
    assert ctx.report.status == ReportStatus.ACKNOWLEDGED
    assert ctx.action(action_id).cancel_reason == "Duplicate action"


def test_a_new_action_on_a_fixed_report_puts_it_back_in_progress(ctx):
    ctx.add()
    corrective.complete(ctx.report.actions[0], ctx.user("supervisor_a"), note="Done")
    db.session.commit()
    assert ctx.report.status == ReportStatus.FIXED
    ctx.add(description="Also paint the floor")
    assert ctx.report.status == ReportStatus.IN_PROGRESS and ctx.report.fixed_at is None


def test_a_failed_check_sends_the_action_back_to_open(ctx):
    action_id = ctx.add()
    corrective.complete(ctx.action(action_id), ctx.user("supervisor_a"), note="Guard fitted")
    corrective.reopen(ctx.action(action_id), ctx.user("safety"), reason="Guard is loose")
    db.session.commit()
    assert ctx.action(action_id).status == ActionStatus.OPEN
    assert ctx.report.status == ReportStatus.IN_PROGRESS


def test_a_changed_due_date_needs_a_reason_and_keeps_the_old_date_on_the_timeline(ctx):
    action_id = ctx.add()
    new_date = TODAY + timedelta(days=21)
    with pytest.raises(loop.InvalidInput):
        corrective.change_due_date(
            ctx.action(action_id), ctx.user("safety"), due_on=new_date, reason=""
        )
    corrective.change_due_date(
        ctx.action(action_id), ctx.user("safety"), due_on=new_date, reason="Part on order"
    )
    db.session.commit()
    event = ctx.report.events[-1]
    assert event.kind == "action_due_changed" and event.action_id == action_id
    assert event.note == "2026-12-08 → 2026-12-22: Part on order"
    assert ctx.action(action_id).due_on == new_date


def test_the_owner_must_be_staff_of_the_report_site(ctx):
    with pytest.raises(loop.InvalidInput):
        ctx.add(owner="supervisor_b")
    db.session.rollback()
    with pytest.raises(loop.InvalidInput):
        ctx.add(owner="viewer_a")


def test_viewers_and_other_sites_may_not_add_actions(ctx):
    for persona in ("viewer_a", "supervisor_b"):
        with pytest.raises(loop.PermissionDenied):
            ctx.add(actor=persona)
        db.session.rollback()
    assert ctx.report.actions == []


def test_the_owner_may_complete_but_a_stale_version_is_a_conflict(ctx):
    action_id = ctx.add()
    stale = ctx.action(action_id).version
    corrective.reassign(ctx.action(action_id), ctx.user("safety"), owner=ctx.user("safety"))
    db.session.commit()
    with pytest.raises(loop.Conflict):
        corrective.complete(
            ctx.action(action_id), ctx.user("safety"), note="Done", expected_version=stale
        )


def test_actions_of_a_closed_report_are_frozen(ctx):
    action_id = ctx.add()
    _done_and_verified(ctx, action_id)
    loop.write_summary(ctx.report, ctx.user("safety"), summary="Guard fitted", not_public=False)
    db.session.commit()
    with pytest.raises(loop.TransitionError):
        ctx.add()


def test_a_work_order_link_must_be_a_web_address(ctx):
    with pytest.raises(loop.InvalidInput):
        ctx.add(work_order_ref="WO-1", work_order_url="javascript:alert(1)")


def test_not_really_keeps_the_report_from_closing_until_staff_answer(ctx):
    action_id = ctx.add()
    _done_and_verified(ctx, action_id)
    loop.write_summary(ctx.report, ctx.user("safety"), summary="Guard fitted", not_public=False)
    db.session.commit()
    assert ctx.report.status == ReportStatus.CLOSED
    loop.reporter_verdict(ctx.report, "not_really", "It still wobbles")
    db.session.commit()
    report = ctx.report
    assert report.status == ReportStatus.FIXED and report.fix_disputed and report.closed_at is None
    assert "the reporter said it is not really fixed" in loop.closing_blockers(report)
    loop.answer_doubt(report, ctx.user("safety"), "Checked again with maintenance: it is bolted")
    db.session.commit()
    assert ctx.report.status == ReportStatus.CLOSED and not ctx.report.fix_disputed
    assert ctx.kinds()[-3:] == ["reporter_doubted", "doubt_answered", "closed"]


def test_the_reporter_is_asked_only_once_the_report_is_fixed(ctx):
    ctx.add()
    with pytest.raises(loop.TransitionError):
        loop.reporter_verdict(ctx.report, "yes")


def test_a_yes_lands_on_the_timeline_without_holding_anything(ctx):
    action_id = ctx.add()
    _done_and_verified(ctx, action_id)
    loop.reporter_verdict(ctx.report, "yes")
    db.session.commit()
    assert ctx.report.reporter_verdict == "yes" and not ctx.report.fix_disputed
    assert ctx.kinds()[-1] == "reporter_confirmed"


def test_visible_actions_are_public_events_and_hidden_ones_are_not(ctx):
    ctx.add(visible_to_reporter=True)
    ctx.add(description="Review the maintenance plan")
    added = [e for e in ctx.report.events if e.kind == "action_added"]
    assert [e.public for e in added] == [True, False]


def test_an_action_given_to_someone_else_is_queued_for_them_in_the_same_transaction(ctx):
    ctx.add(actor="safety", owner="supervisor_a")
    ctx.add(actor="safety", owner="safety")  # taking it yourself tells nobody
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "action_assigned")
    ).all()
    assert [row.recipient for row in rows] == [ctx.world.supervisor_a.email]
    assert "due Dec 8, 2026" in rows[0].subject


def test_a_failed_change_leaves_no_event_and_no_mail(ctx):
    before = db.session.scalar(select(func.count(ReportEvent.id)))
    with pytest.raises(loop.InvalidInput):
        ctx.add(control_level="prayer")
    db.session.rollback()
    assert db.session.scalar(select(func.count(ReportEvent.id))) == before
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "action_assigned")
    ).all()


def test_a_report_with_actions_under_way_is_neither_merged_nor_dismissed(ctx):
    action_id = ctx.add()
    with pytest.raises(loop.TransitionError):
        loop.dismiss(ctx.report, ctx.user("safety"), reason="spam")
    db.session.rollback()
    corrective.cancel(ctx.action(action_id), ctx.user("safety"), reason="Not needed")
    loop.dismiss(ctx.report, ctx.user("safety"), reason="hazard")
    db.session.commit()
    assert ctx.report.status == ReportStatus.DISMISSED


def test_rating_a_report_high_potential_tells_the_site_safety_managers_once(ctx):
    category = db.session.scalar(select(Category).where(Category.name == "Mechanical"))

    def rate(severity: int) -> None:
        loop.classify(
            ctx.report,
            ctx.user("supervisor_a"),
            category=category,
            domain="safety",
            severity=severity,
            likelihood=3,
        )
        db.session.commit()

    rate(4)
    rate(5)  # still high-potential: nobody is told again
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "report_high_potential")
    ).all()
    assert [row.recipient for row in rows] == [ctx.world.safety.email]
    assert rows[0].subject.startswith("[Closecall] HIGH-POTENTIAL: report #")


def test_a_new_action_answers_the_reporters_doubt_and_the_work_starts_again(ctx):
    _done_and_verified(ctx, ctx.add())
    loop.reporter_verdict(ctx.report, "not_really", "Still wobbles")
    db.session.commit()
    ctx.add(description="Bolt the guard to the floor")
    report = ctx.report
    assert report.status == ReportStatus.IN_PROGRESS and not report.fix_disputed
    assert ctx.kinds()[-3:] == ["doubt_answered", "action_added", "in_progress"]


def test_an_unread_answer_of_the_reporter_keeps_the_report_open_until_read(ctx):
    action_id = ctx.add()
    loop.reporter_answers(ctx.report, "It was the night shift's forklift, near door 4")
    loop.write_summary(ctx.report, ctx.user("safety"), summary="Guard fitted", not_public=False)
    _done_and_verified(ctx, action_id)
    assert ctx.report.status == ReportStatus.FIXED
    assert loop.closing_blockers(ctx.report) == ["the reporter's answer is not read yet"]
    loop.mark_answers_read(ctx.report, ctx.user("viewer_a"))  # a viewer cannot clear it
    assert ctx.report.status == ReportStatus.FIXED
    loop.mark_answers_read(ctx.report, ctx.user("supervisor_a"))
    db.session.commit()
    assert ctx.report.status == ReportStatus.CLOSED
    assert ctx.kinds()[-1] == "closed"
