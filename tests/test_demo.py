"""The demo company: every screen has data, and every report got where it is through the loop."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import demo
from portal.database import begin_write
from portal.domain import permissions
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import (
    ActionStatus,
    Asset,
    DismissReason,
    Location,
    OutboxMessage,
    Report,
    ReportStatus,
    User,
)
from tests.database import empty_tables

STORY = {story.what: story for story in demo.STORIES}
REACHABLE_BOARD_STATES = {"new", "acknowledged", "in_progress", "fixed"}


def _seed(app, count: int = 300, seed: int = 7) -> str:
    with app.app_context():
        begin_write()
        summary = demo.seed(report_count=count, seed=seed)
        db.session.commit()
        db.engine.dispose()
    return summary


_LOADED: list[list[Report]] = []


@pytest.fixture
def reports(app) -> list[Report]:
    """The default demo (300 reports), loaded with their timelines and messages — seeded once
    per test process: these tests only read the detached objects."""
    if _LOADED:
        return _LOADED[0]
    _seed(app)
    with app.app_context():
        query = (
            select(Report)
            .order_by(Report.id)
            .options(
                selectinload(Report.events),
                selectinload(Report.messages),
                selectinload(Report.category),
                selectinload(Report.owner).selectinload(User.sites),
                selectinload(Report.asset).selectinload(Asset.location),
                selectinload(Report.merged_into),
                selectinload(Report.actions),
            )
        )
        loaded = list(db.session.scalars(query))
        db.session.expunge_all()
    _LOADED.append(loaded)
    return loaded


def _kinds(report: Report) -> list[str]:
    return [event.kind for event in report.events]


def test_the_board_has_every_reachable_state_and_the_new_column_has_overdue_cards(reports):
    statuses = Counter(report.status for report in reports)
    assert set(statuses) >= REACHABLE_BOARD_STATES
    assert set(statuses) >= {"merged", "dismissed", "closed"}
    assert 0.06 <= statuses["new"] / len(reports) <= 0.14  # about 10% still new
    assert 3 <= statuses["merged"] <= 10  # a handful of duplicates
    ages = [utcnow() - r.created_at for r in reports if r.status == ReportStatus.NEW]
    assert any(age > timedelta(hours=24) for age in ages)  # overdue acknowledgement
    assert any(age < timedelta(hours=8) for age in ages)  # calm
    assert any(timedelta(hours=8) <= age <= timedelta(hours=24) for age in ages)  # warning


def test_every_status_was_reached_through_loop_events(reports):
    by_id = {report.id: report for report in reports}
    now = utcnow()
    for report in reports:
        kinds = _kinds(report)
        assert kinds[0] == "submitted" and kinds.count("submitted") == 1
        assert report.events[0].created_at == report.created_at
        moments = [event.created_at for event in report.events]
        assert moments == sorted(moments), f"report {report.id}: timeline out of order"
        assert moments[-1] <= now
        if report.status == ReportStatus.NEW:
            assert not {"acknowledged", "classified", "merged", "dismissed"} & set(kinds)
            assert report.acknowledged_at is None and report.category_id is None
        if "acknowledged" in kinds or report.acknowledged_at is not None:
            event = report.events[kinds.index("acknowledged")]
            assert report.acknowledged_at == event.created_at
            assert event.actor_id == report.acknowledged_by_id and event.public
        if report.status == ReportStatus.ACKNOWLEDGED:
            assert "acknowledged" in kinds
        if report.status == ReportStatus.MERGED:
            assert kinds[-1] == "merged" and report.merged_into_id is not None
            target = by_id[report.merged_into_id]
            assert target.status not in {ReportStatus.MERGED, ReportStatus.DISMISSED}
            assert target.site_id == report.site_id and "merged_from" in _kinds(target)
            assert target.what_happened == report.what_happened  # the same near miss
        else:
            assert report.merged_into_id is None and "merged" not in kinds
        if report.status == ReportStatus.DISMISSED:
            assert kinds[-1] == "dismissed"
            assert report.dismiss_reason in {reason.value for reason in DismissReason}
            assert report.dismiss_note
        else:
            assert report.dismiss_reason is None and "dismissed" not in kinds
        assert ("classified" in kinds) == (report.category_id is not None)
        assert ("assigned" in kinds) == (report.owner_id is not None)
        assert ("investigated" in kinds) == bool(report.whys)


def test_reports_are_classified_as_their_story_says(reports):
    classified = [report for report in reports if report.category is not None]
    assert len(classified) >= 0.7 * len(reports)
    for report in classified:
        story = STORY[report.what_happened]
        assert report.category.name == story.category
        assert report.domain == story.domain.value
        assert story.severity[0] <= report.severity <= story.severity[1]
        assert story.likelihood[0] <= report.likelihood <= story.likelihood[1]
        if report.high_potential_override:
            assert report.high_potential is story.override[0]
        else:
            assert report.high_potential is (report.severity >= 4)
    forklift = [r for r in classified if r.what_happened.startswith("A forklift reversed")]
    assert forklift and all(r.category.name == "Vehicles and traffic" for r in forklift)
    assert all(r.severity >= 4 and r.high_potential for r in forklift)
    high = sum(report.high_potential for report in reports)
    assert 0.10 <= high / len(reports) <= 0.22  # about 15% high-potential
    assert {r.category.name for r in classified} >= {
        "Vehicles and traffic",
        "Dropped objects",
        "Chemical",
        "Environmental",
        "Ergonomics",
    }


def test_owners_are_triage_staff_of_the_site_and_assets_are_at_the_location(reports):
    owned = [report for report in reports if report.owner is not None]
    assert len(owned) >= 0.5 * len(reports)
    for report in owned:
        assert permissions.can_own(report.owner, report)
    roles = Counter(report.owner.role for report in owned)
    assert roles["supervisor"] and roles["safety_manager"]
    linked = [report for report in reports if report.asset is not None]
    assert len(linked) >= 30
    assert all(report.asset.location_id == report.location_id for report in linked)
    assert any(report.asset.name == "Forklift FL-07" for report in linked)


def test_investigations_questions_answers_and_notes_are_there(reports):
    investigated = [report for report in reports if report.whys]
    assert len(investigated) >= 5
    for report in investigated:
        assert 2 <= len(report.whys) <= 3
        assert all(step["why"] and step["because"] for step in report.whys)
    assert any(report.root_cause for report in investigated)
    answered = [r for r in reports if "reporter_answered" in _kinds(r)]
    assert answered
    for report in answered:
        assert report.is_anonymous
        thread = [m for m in report.messages if not m.internal]
        assert thread[0].author_id is not None and thread[1].author_id is None  # asked, answered
        assert thread[0].created_at < thread[1].created_at
    assert any(report.awaiting_staff for report in answered)  # a fresh answer flags its card
    assert any(not report.awaiting_staff for report in answered)  # older ones were read
    assert any(r for r in reports if "question" in _kinds(r) and r not in answered)  # waiting
    notes = [m for r in reports for m in r.messages if m.internal]
    assert len(notes) >= 5 and all(m.author_id is not None for m in notes)
    reasons = {r.dismiss_reason for r in reports if r.dismiss_reason}
    assert {"incident", "hazard", "spam"} <= reasons


def test_every_location_has_assets_and_a_retired_one_is_kept(app):
    _seed(app, count=20)
    with app.app_context():
        for location in db.session.scalars(select(Location)):
            active = db.session.scalars(
                select(Asset.name).where(Asset.location_id == location.id, Asset.active)
            ).all()
            assert active, f"{location.name} has no assets"
        retired = db.session.scalars(select(Asset.name).where(Asset.active.is_(False))).all()
        assert retired == ["Forklift FL-02"]


def test_the_same_seed_makes_the_same_company(app):
    def fingerprint() -> list[tuple]:
        with app.app_context():
            rows = db.session.scalars(select(Report).order_by(Report.id)).all()
            result = [
                (
                    r.what_happened,
                    r.location.name,
                    r.status,
                    r.category.name if r.category else None,
                    r.severity,
                    r.owner.email if r.owner else None,
                    r.reporter_name,
                )
                for r in rows
            ]
            db.session.remove()
            db.engine.dispose()  # so that emptying the tables (TRUNCATE) waits for nothing
            return sorted(result, key=repr)  # report numbers are random: compare as a set

    _seed(app, count=30, seed=3)
    first = fingerprint()
    empty_tables(app)
    _seed(app, count=30, seed=3)
    assert fingerprint() == first
    empty_tables(app)
    _seed(app, count=30, seed=4)
    assert fingerprint() != first


def test_the_summary_ends_with_the_newest_reports_receipt(app, client):
    summary = _seed(app, count=15)
    assert summary.startswith("Demo data: 2 sites, 12 locations, 5 staff, 15 reports.")
    code = summary.split()[-1]
    assert client.post("/followup", data={"code": code}).status_code == 200


def test_reports_close_only_with_every_action_verified_by_someone_else_and_a_summary(reports):
    closed = [report for report in reports if report.status == ReportStatus.CLOSED]
    assert len(closed) >= 0.2 * len(reports)
    for report in closed:
        counting = [a for a in report.actions if a.status != ActionStatus.CANCELLED]
        assert counting and all(a.status == ActionStatus.VERIFIED for a in counting)
        assert all(a.verified_by_id != a.completed_by_id for a in counting)
        assert report.public_summary or report.summary_not_public
        closing = [event for event in report.events if event.kind == "closed"][-1]
        assert not report.fix_disputed and report.closed_at == closing.created_at
    for report in reports:
        if report.status == ReportStatus.IN_PROGRESS:
            assert any(a.status == ActionStatus.OPEN for a in report.actions)
        if report.status == ReportStatus.FIXED:
            assert report.actions and all(a.status != ActionStatus.OPEN for a in report.actions)


def test_the_closeout_board_has_overdue_due_soon_waiting_and_verified_actions(reports):
    actions = [action for report in reports for action in report.actions]
    today = utcnow().date()
    open_ = [a for a in actions if a.status == ActionStatus.OPEN]
    assert sum(a.due_on < today for a in open_) >= 2  # overdue
    assert sum(today <= a.due_on < today + timedelta(days=7) for a in open_) >= 1
    assert sum(a.status == ActionStatus.DONE for a in actions) >= 2  # awaiting verification
    recent = [a for a in actions if a.verified_at and today - a.verified_at.date() < timedelta(30)]
    assert recent
    assert any(a.visible_to_reporter for a in actions) and any(a.work_order_ref for a in actions)
    assert all(a.created_at <= (a.completed_at or a.created_at) for a in actions)
    assert {"yes", "not_really"} <= {r.reporter_verdict for r in reports}
    assert any(report.fix_disputed for report in reports)  # a doubt still waits for an answer


def test_the_demo_queues_no_mail(app):
    _seed(app, count=40)
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_most_closed_fixes_are_published_in_staff_words(reports):
    from portal.demo.fixes import GENERAL_PUBLIC_WHAT, PUBLIC_WHAT

    published = [report for report in reports if report.published_at is not None]
    closed = [report for report in reports if report.status == ReportStatus.CLOSED]
    assert len(published) >= 0.6 * len(closed)
    for report in published:
        assert report.status == ReportStatus.CLOSED and report.public_summary
        assert report.public_what in {*PUBLIC_WHAT.values(), GENERAL_PUBLIC_WHAT}
        first_closed = min(e.created_at for e in report.events if e.kind == "closed")
        assert report.published_at >= first_closed
