"""The life-cycle rules of triage, called directly (portal/domain/loop/)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.domain import event_notes, loop
from portal.extensions import db
from portal.models import Asset, Category, Location, Report, User
from tests.factories import make_location, submit


@pytest.fixture
def ctx(app, world):
    """An app context with a fresh report at site A and handles on the personas."""
    with app.app_context():
        report, _ = submit(world.location_a)
        db.session.commit()
        yield _Ctx(world, report.id)


class _Ctx:
    def __init__(self, world, report_id):
        self.world = world
        self.report_id = report_id

    @property
    def report(self) -> Report:
        return db.session.get(Report, self.report_id)

    def user(self, persona: str) -> User:
        return db.session.get(User, getattr(self.world, persona).id)


def _category(name: str = "Mechanical") -> Category:
    return db.session.scalar(select(Category).where(Category.name == name))


def test_the_migrations_seed_the_ten_starting_categories(app):
    with app.app_context():
        names = db.session.scalars(select(Category.name).order_by(Category.position)).all()
    assert names[:3] == ["Mechanical", "Procedural", "Environmental"] and len(names) == 10


def test_acknowledge_records_who_and_when_and_tells_the_reporter(ctx):
    report, sup = ctx.report, ctx.user("supervisor_a")
    event = loop.acknowledge(report, sup)
    assert report.status == "acknowledged"
    assert report.acknowledged_by is sup and report.acknowledged_at is not None
    assert event.public and event.kind == "acknowledged"


def test_acknowledge_twice_is_refused(ctx):
    loop.acknowledge(ctx.report, ctx.user("supervisor_a"))
    with pytest.raises(loop.TransitionError):
        loop.acknowledge(ctx.report, ctx.user("supervisor_a"))


@pytest.mark.parametrize("persona", ["supervisor_b", "viewer_a"])
def test_other_sites_and_viewers_may_not_act(ctx, persona):
    with pytest.raises(loop.PermissionDenied):
        loop.acknowledge(ctx.report, ctx.user(persona))
    assert ctx.report.status == "new"


def test_a_stale_version_is_a_conflict_not_an_overwrite(ctx):
    report = ctx.report
    shown = report.version
    loop.acknowledge(report, ctx.user("supervisor_a"), expected_version=shown)
    db.session.commit()
    assert report.version == shown + 1
    with pytest.raises(loop.Conflict) as caught:
        loop.classify(
            report,
            ctx.user("safety"),
            category=_category(),
            domain="safety",
            severity=2,
            likelihood=2,
            expected_version=shown,
        )
    assert caught.value.report.last_actor.email == "sup.a@test.example"


@pytest.mark.parametrize(("severity", "flag"), [(1, False), (3, False), (4, True), (5, True)])
def test_high_potential_follows_severity(ctx, severity, flag):
    loop.classify(
        ctx.report,
        ctx.user("supervisor_a"),
        category=_category(),
        domain="safety",
        severity=severity,
        likelihood=3,
    )
    assert ctx.report.high_potential is flag
    assert ctx.report.risk == severity * 3
    assert ctx.report.high_potential_override is None


def _classify(report, actor, **changes):
    """classify() with a plain Mechanical/safety rating unless the test says otherwise."""
    args = {"category": _category(), "domain": "safety", "severity": 3, "likelihood": 3}
    args.update(changes)
    return loop.classify(report, actor, **args)


def test_overriding_the_flag_needs_a_written_reason(ctx):
    report, sup = ctx.report, ctx.user("supervisor_a")
    with pytest.raises(loop.InvalidInput):
        _classify(report, sup, severity=5, likelihood=1, high_potential=False)
    with pytest.raises(loop.InvalidInput):
        _classify(report, sup, severity=5, high_potential=False, override_reason="   ")
    reason = "Guard was in place; the 5 was a typo by the reporter"
    _classify(report, sup, severity=5, high_potential=False, override_reason=reason)
    assert report.high_potential is False
    assert "typo" in report.high_potential_override
    assert "flag overridden" in event_notes.words("classified", report.events[-1].note)
    # raising the flag on a low severity is an override too
    _classify(
        report, sup, severity=2, high_potential=True, override_reason="Same spot as last week"
    )
    assert report.high_potential is True


@pytest.mark.parametrize(
    ("field", "value"), [("domain", "finance"), ("severity", 6), ("likelihood", 0)]
)
def test_classify_refuses_values_out_of_range(ctx, field, value):
    args = {"category": _category(), "domain": "safety", "severity": 3, "likelihood": 3}
    args[field] = value
    with pytest.raises(loop.InvalidInput):
        loop.classify(ctx.report, ctx.user("supervisor_a"), **args)


def test_assign_an_owner_of_the_site_and_an_asset(ctx):
    report = ctx.report
    asset = Asset(location=report.location, name="Forklift FL-07")
    db.session.add(asset)
    loop.assign(report, ctx.user("supervisor_a"), owner=ctx.user("safety"), asset=asset)
    assert report.owner.email == "safety@test.example" and report.asset is asset
    assert report.events[-1].kind == "assigned"


@pytest.mark.parametrize("persona", ["supervisor_b", "viewer_a"])
def test_the_owner_must_be_triage_staff_of_the_site(ctx, persona):
    with pytest.raises(loop.InvalidInput):
        loop.assign(ctx.report, ctx.user("supervisor_a"), owner=ctx.user(persona))


def test_an_asset_of_another_site_is_refused(ctx, world):
    other = db.session.scalar(select(Location).where(Location.code == world.location_b))
    asset = Asset(location=other, name="Crane")
    db.session.add(asset)
    with pytest.raises(loop.InvalidInput):
        loop.assign(ctx.report, ctx.user("admin"), owner=None, asset=asset)


def test_merge_sends_the_reporter_to_the_other_report(ctx):
    report = ctx.report
    original = submit(report.location)[0]
    db.session.flush()
    loop.merge(report, ctx.user("supervisor_a"), into=original)
    assert report.status == "merged" and report.merged_into is original
    assert original.events[-1].kind == "merged_from"
    with pytest.raises(loop.TransitionError):
        loop.acknowledge(report, ctx.user("supervisor_a"))


def test_merge_into_itself_or_another_site_is_refused(ctx, world):
    report = ctx.report
    with pytest.raises(loop.InvalidInput):
        loop.merge(report, ctx.user("admin"), into=report)
    other, _ = submit(world.location_b)
    db.session.flush()
    with pytest.raises(loop.InvalidInput):
        loop.merge(report, ctx.user("admin"), into=other)


def test_dismiss_keeps_the_report_with_its_reason(ctx):
    report = ctx.report
    loop.dismiss(report, ctx.user("supervisor_a"), reason="incident", note="Logged as OSHA 301 #44")
    db.session.commit()
    assert db.session.get(Report, ctx.report_id).status == "dismissed"
    assert report.dismiss_reason == "incident" and report.events[-1].public
    with pytest.raises(loop.InvalidInput):
        loop.dismiss(submit(report.location)[0], ctx.user("supervisor_a"), reason="boring")


def test_investigation_keeps_up_to_five_whys(ctx):
    report = ctx.report
    steps = [("Why did the pallet lean?", "It was stacked on a broken pallet")] + [("", "")] * 2
    loop.investigate(
        report,
        ctx.user("safety"),
        whys=steps,
        root_cause="equipment",
        contributing_factors="night shift",
    )
    assert report.whys == [
        {"why": "Why did the pallet lean?", "because": "It was stacked on a broken pallet"}
    ]
    with pytest.raises(loop.InvalidInput):
        loop.investigate(
            report,
            ctx.user("safety"),
            whys=[("w", "b")] * 6,
            root_cause=None,
            contributing_factors=None,
        )
    with pytest.raises(loop.InvalidInput):
        loop.investigate(
            report, ctx.user("safety"), whys=[], root_cause="blame", contributing_factors=None
        )


def test_questions_answers_and_internal_notes(ctx):
    report = ctx.report
    question = loop.ask_reporter(report, ctx.user("supervisor_a"), "Which door was it?")
    note = loop.add_note(report, ctx.user("supervisor_a"), "Check CCTV")
    assert not question.internal and note.internal
    answer = loop.reporter_answers(report, "Door 4, near the charger")
    assert answer.from_reporter and report.awaiting_staff
    assert report.events[-1].kind == "reporter_answered"
    loop.mark_answers_read(report, ctx.user("viewer_a"))  # viewers cannot clear the flag
    assert report.awaiting_staff
    loop.mark_answers_read(report, ctx.user("supervisor_a"))
    assert not report.awaiting_staff


def test_locations_made_in_tests_get_codes(app, world):
    with app.app_context():
        from portal.models import Site

        site = db.session.get(Site, world.site_a)
        assert len(make_location(site, "Spare").code) == 10
