"""Feed helpers: a named reporter's report taken to Closed (with an "after" photo on disk),
published through portal.domain.publishing, and the public pages read back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from portal.domain import corrective, publishing
from portal.extensions import db
from portal.models import CorrectiveAction, Report, User
from tests import factories
from tests.report_page.conftest import act, add_action, make_report, signed_in, step

NAME = "Marcus Quillfeather"
ROLE = "contractor"
ROLE_LABEL = "Contractor"
RAW = "Dave Brennan reversed FL-07 into the walkway again, nearly flattened me"
PUBLIC_WHAT = "A forklift reversed close to a pedestrian walkway."
SUMMARY = "A convex mirror and a barrier now guard the aisle end."
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64 + b"\xff\xd9"


@dataclass(frozen=True)
class Closed:
    """A closed report: its id, the reporter's receipt code, its action and raw photo names."""

    id: int
    code: str
    action_id: int
    raw_photos: tuple[str, ...]
    after_photo: str


def _closers(world: factories.World, site: str) -> tuple[factories.Persona, factories.Persona]:
    """(who adds and verifies, who owns and completes) the action at a site."""
    if site == "a":
        return world.safety, world.supervisor_a
    return world.admin, world.supervisor_b


def make_closed(
    app: Flask,
    world: factories.World,
    site: str = "a",
    *,
    summary: str = SUMMARY,
    level: str = "engineering",
    public: bool = True,
) -> Closed:
    """A named reporter's report (role, raw text, photos) fixed, verified and summarised."""
    made = make_report(app, world, site, name=NAME, role=ROLE, what=RAW, photos=1)
    lead, owner = _closers(world, site)
    action_id = add_action(app, made.id, lead, owner=owner, level=level)
    after = f"after-{made.id}.jpg"
    Path(app.config["UPLOAD_DIR"], after).write_bytes(JPEG)
    photo = corrective.PhotoRef(after, 640, 480)
    step(app, action_id, owner, "complete", note="Mirror fitted", photo=photo)
    step(app, action_id, lead, "verify", note="Checked from the forklift seat")
    words = summary if public else ""
    act(app, made.id, lead, "write_summary", summary=words, not_public=not public)
    with app.app_context():
        report = db.session.get(Report, made.id)
        raw = tuple(photo.stored_name for photo in report.photos)
    return Closed(made.id, made.code, action_id, raw, after)


def publish(app: Flask, world: factories.World, closed: Closed, what: str = PUBLIC_WHAT) -> None:
    with app.app_context():
        report = db.session.get(Report, closed.id)
        publishing.publish(report, db.session.get(User, world.admin.id), public_what=what)
        db.session.commit()


def unpublish(app: Flask, world: factories.World, closed: Closed) -> None:
    with app.app_context():
        report = db.session.get(Report, closed.id)
        publishing.unpublish(report, db.session.get(User, world.admin.id))
        db.session.commit()


def photo_public(app: Flask, world: factories.World, closed: Closed, public: bool = True) -> None:
    with app.app_context():
        action = db.session.get(CorrectiveAction, closed.action_id)
        publishing.set_photo_public(action, db.session.get(User, world.admin.id), public=public)
        db.session.commit()


def stored(app: Flask, report_id: int) -> Report:
    """The report as stored, detached, for assertions."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        _ = list(report.actions), list(report.events)
        db.session.expunge_all()
        return report


@pytest.fixture
def closed(app: Flask, world: factories.World) -> Closed:
    return make_closed(app, world, "a")


__all__ = ["signed_in"]  # the report pages' sign-in fixture, shared with the panel tests
