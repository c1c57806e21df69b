"""Report-page helpers: reports made directly through the loop, their receipt codes, the ids
behind the world's codes, and posting staff forms with the session's CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain import corrective, loop
from portal.extensions import db
from portal.lib import codes
from portal.models import Category, CorrectiveAction, Location, Report, User
from tests import factories

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Made:
    """A report made for a test: its id and the reporter's receipt code."""

    id: int
    code: str


def make_report(
    app: Flask,
    world: factories.World,
    site: str = "a",
    *,
    name: str | None = None,
    role: str | None = None,
    at: datetime | None = None,
    what: str = "A pallet leaned over the walkway and nearly fell on a picker.",
    photos: int = 0,
) -> Made:
    """A report in state new at site A or B, submitted through loop.submit."""
    with app.app_context():
        code_of_site = world.location_a if site == "a" else world.location_b
        location = db.session.scalar(select(Location).where(Location.code == code_of_site))
        answers = loop.NewReport(
            what, "Dock 1, door 4", "serious_injury", "a broken leg", name, role, "qr", "en"
        )
        nonce = codes.random_code(24)
        secret = app.config["SECRET_KEY"]
        code = codes.receipt_for(secret, nonce)
        stored = [loop.StoredPhoto(f"photo-{nonce}-{n}.jpg", 640, 480, 1000) for n in range(photos)]
        report = loop.submit(
            location,
            answers,
            receipt_hash=codes.receipt_hash(secret, code),
            submission_key=codes.submission_key(nonce),
            photos=stored,
            at=at,
        )
        db.session.commit()
        return Made(report.id, code)


def _resolve(name: str, value: object) -> object:
    """Arguments named by test data: a category by name, an owner persona, a report id."""
    if name == "category":
        return db.session.scalar(select(Category).where(Category.name == value))
    if name == "owner" and isinstance(value, factories.Persona):
        return db.session.get(User, value.id)
    if name == "into":
        return db.session.get(Report, value)
    return value


def act(app: Flask, report_id: int, persona: factories.Persona, change: str, **kwargs) -> None:
    """Apply one loop function to a report as a persona, and commit."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        arguments = {name: _resolve(name, value) for name, value in kwargs.items()}
        getattr(loop, change)(report, db.session.get(User, persona.id), **arguments)
        db.session.commit()


def reporter_answers(app: Flask, report_id: int, body: str) -> None:
    with app.app_context():
        loop.reporter_answers(db.session.get(Report, report_id), body)
        db.session.commit()


def fetch(app: Flask, report_id: int) -> Report:
    """The report as stored, with its messages and events loaded, detached for assertions."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        _ = list(report.messages), list(report.events), list(report.photos)
        db.session.expunge_all()
        return report


csrf = factories.session_csrf
post = factories.post_form


def version_in(html: str) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(
        r'id="version" name="version" type="hidden" value="(\d+)"', html
    )
    assert match, "no version field in the page"
    return match.group(1)


@pytest.fixture
def signed_in(login: factories.LoginActions, world: factories.World):
    """Sign the test client in as a persona by name; returns the client."""

    def sign_in(persona: str) -> FlaskClient:
        assert login.as_(getattr(world, persona)).status_code == 303
        return login.client

    return sign_in


def add_action(
    app: Flask,
    report_id: int,
    persona: factories.Persona,
    *,
    owner: factories.Persona,
    description: str = "Fit a guard on the conveyor's nip point.",
    level: str = "engineering",
    due_on: date | None = None,
    visible: bool = False,
) -> int:
    """Add a corrective action through corrective.add as a persona; returns its id."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        new = corrective.NewAction(
            description=description,
            control_level=level,
            owner=db.session.get(User, owner.id),
            due_on=due_on or date.today() + timedelta(days=14),
            visible_to_reporter=visible,
        )
        action = corrective.add(report, db.session.get(User, persona.id), new)
        db.session.commit()
        return action.id


def step(app: Flask, action_id: int, persona: factories.Persona, change: str, **kwargs) -> None:
    """Apply one corrective.py function to an action as a persona, and commit."""
    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        arguments = {
            name: db.session.get(User, value.id) if isinstance(value, factories.Persona) else value
            for name, value in kwargs.items()
        }
        getattr(corrective, change)(action, db.session.get(User, persona.id), **arguments)
        db.session.commit()
