"""`flask portal ...` commands: accounts and demo data."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Location, Report, ReportEvent, Site, User


def test_create_user_with_sites(app, runner, world):
    result = runner.invoke(
        args=[
            "portal",
            "create-user",
            "--email",
            "New@Test.example",
            "--name",
            "New Sup",
            "--role",
            "supervisor",
            "--site",
            "alpha",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@test.example"))
        assert user.role == "supervisor" and [s.slug for s in user.sites] == ["alpha"]
        assert user.check_password("long-enough-pw")


def test_create_user_prompts_for_the_password(app, runner, world):
    result = runner.invoke(
        args=[
            "portal",
            "create-user",
            "--email",
            "p@test.example",
            "--name",
            "P",
            "--role",
            "viewer",
        ],
        input="prompted-password\nprompted-password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "p@test.example")).check_password(
            "prompted-password"
        )


def test_create_user_explains_bad_input(runner, world):
    cases = [
        (["--role", "supervisor", "--password", "long-enough-pw"], "needs at least one --site"),
        (["--role", "viewer", "--password", "short"], "at least 10 characters"),
        (
            ["--role", "viewer", "--site", "nowhere", "--password", "long-enough-pw"],
            "no site with slug",
        ),
        (["--role", "wizard", "--password", "long-enough-pw"], "Invalid value for '--role'"),
    ]
    for extra, message in cases:
        result = runner.invoke(
            args=["portal", "create-user", "--email", "x@test.example", "--name", "X", *extra]
        )
        assert result.exit_code != 0
        assert message in result.output
    duplicate = runner.invoke(
        args=[
            "portal",
            "create-user",
            "--email",
            "admin@test.example",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "long-enough-pw",
        ]
    )
    assert "exists already" in duplicate.output


def test_seed_demo_builds_a_believable_company(app, runner):
    result = runner.invoke(args=["portal", "seed-demo", "--reports", "60"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Site.id))) == 2
        assert db.session.scalar(select(func.count(Location.id))) == 12
        assert db.session.scalar(select(func.count(Report.id))) == 60
        statuses = set(db.session.scalars(select(Report.status)).all())
        assert {"new", "acknowledged"} <= statuses
        assert db.session.scalar(select(func.count(ReportEvent.id))) > 60
        assert db.session.scalar(select(func.count(User.id))) == 5
    again = runner.invoke(args=["portal", "seed-demo"])
    assert again.exit_code != 0 and "already holds reports" in again.output


def test_the_demo_receipt_works_on_followup(app, runner, client):
    result = runner.invoke(args=["portal", "seed-demo", "--reports", "10"])
    code = result.output.strip().split()[-1]
    assert client.post("/followup", data={"code": code}).status_code == 200
