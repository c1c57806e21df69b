"""Reports, made the way a worker's submission makes them (loop.submit) and moved on through
the loop's own functions, as another staff member would from their board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import select

from portal.domain import loop
from portal.extensions import db
from portal.lib import codes
from portal.lib.hours import HOUR
from portal.lib.timeutil import utcnow
from portal.models import Asset, Category, Location, Report, User
from tests.factories.people import Persona, World, location_at

WHAT = "Pallet leaning over the aisle"
WHERE = "Dock 1"
# the report page's sample answers (make_report)
PAGE_WHAT = "A pallet leaned over the walkway and nearly fell on a picker."
PAGE_WHERE = "Dock 1, door 4"
PAGE_POTENTIAL = "a broken leg"


@dataclass(frozen=True)
class Made:
    """A report made for a test: its id and the reporter's receipt code."""

    id: int
    code: str


def submit(
    place: str | Location,
    what: str = WHAT,
    *,
    where: str = WHERE,
    outcome: str = "serious_injury",
    potential: str | None = None,
    name: str | None = None,
    role: str | None = None,
    photos: int | Sequence[loop.StoredPhoto] = 0,
    at: datetime | None = None,
    channel: str = "qr",
    language: str = "en",
) -> tuple[Report, str]:
    """In an app context: a report submitted through loop.submit at a location (or the one
    with this code), not yet committed, and the reporter's receipt code. `photos`: how many
    stored photos it names (no files), or the photos themselves.

    Without `at`, an anonymous report is made an hour ago: staff see an anonymous report only
    once its hour is over (portal/lib/hours.py), and most tests are about what staff do with
    it. Tests of that wait pass `at` (tests/security/test_anonymous_time.py)."""
    location = location_at(place) if isinstance(place, str) else place
    if at is None and not name:
        at = utcnow() - HOUR
    secret = current_app.config["SECRET_KEY"]
    nonce = codes.random_code(24)
    code = codes.receipt_for(secret, nonce)
    if isinstance(photos, int):
        photos = [loop.StoredPhoto(f"photo-{nonce}-{n}.jpg", 640, 480, 1000) for n in range(photos)]
    answers = loop.NewReport(what, where, outcome, potential, name, role, channel, language)
    report = loop.submit(
        location,
        answers,
        receipt_hash=codes.receipt_hash(secret, code),
        submission_key=codes.submission_key(nonce),
        photos=photos,
        at=at,
    )
    return report, code


def new_report(app: Flask, place: str, what: str = WHAT, **answers) -> int:
    """A report submitted at the location with this code; its id (see `submit`)."""
    with app.app_context():
        report, _ = submit(place, what, **answers)
        db.session.commit()
        return report.id


def make_report(
    app: Flask,
    world: World,
    site: str = "a",
    *,
    what: str = PAGE_WHAT,
    where: str = PAGE_WHERE,
    potential: str | None = PAGE_POTENTIAL,
    **answers,
) -> Made:
    """A report in state new at the world's site "a" or "b", with the report page's sample
    answers; its id and receipt code."""
    with app.app_context():
        report, code = submit(world.place(site), what, where=where, potential=potential, **answers)
        db.session.commit()
        return Made(report.id, code)


def _resolve(name: str, value: object) -> object:
    """Arguments named by test data: a category by name, a persona, an asset or report by id."""
    if isinstance(value, Persona):
        return db.session.get(User, value.id)
    if name == "category" and isinstance(value, str):
        return db.session.scalar(select(Category).where(Category.name == value))
    if name == "asset" and isinstance(value, int):
        return db.session.get(Asset, value)
    if name == "into" and isinstance(value, int):
        return db.session.get(Report, value)
    return value


def act(app: Flask, report_id: int, persona: Persona, step: str, **kwargs) -> None:
    """Run one loop function (`step`) on a report as a persona, and commit. Pass a category by
    name, an owner as a persona, an asset or the report to merge `into` by id."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        arguments = {name: _resolve(name, value) for name, value in kwargs.items()}
        getattr(loop, step)(report, db.session.get(User, persona.id), **arguments)
        db.session.commit()


def mark_high_potential(app: Flask, report_id: int, by: Persona) -> None:
    """Classify the report with severity 5, so high-potential, through loop.classify."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        category = db.session.scalar(select(Category).order_by(Category.id))
        actor = db.session.get(User, by.id)
        loop.classify(report, actor, category=category, domain="safety", severity=5, likelihood=3)
        db.session.commit()


def reporter_answers(app: Flask, report_id: int, body: str) -> None:
    """The reporter's answer to staff's question, through loop.reporter_answers."""
    with app.app_context():
        loop.reporter_answers(db.session.get(Report, report_id), body)
        db.session.commit()


def fetch(app: Flask, report_id: int) -> Report:
    """The report as stored, with its messages, events, photos and actions loaded, detached
    for assertions."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        _ = list(report.messages), list(report.events), list(report.photos), list(report.actions)
        db.session.expunge_all()
        return report
