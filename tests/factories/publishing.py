"""Fixes taken to Closed (fixed, verified, summarised) and published to the feed and the wall
display through portal/domain/publishing.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from portal.domain import corrective, publishing
from portal.extensions import db
from portal.models import CorrectiveAction, Report, User
from tests.factories.actions import add_action, change
from tests.factories.people import Persona, World
from tests.factories.reports import act, make_report

# the named reporter of a closed report, and what they wrote: never public
NAME = "Marcus Quillfeather"
ROLE = "contractor"
ROLE_LABEL = "Contractor"
RAW = "Dave Brennan reversed FL-07 into the walkway again, nearly flattened me"
# what staff write for the public
PUBLIC_WHAT = "A forklift reversed close to a pedestrian walkway."
SUMMARY = "A convex mirror and a barrier now guard the aisle end."
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64 + b"\xff\xd9"  # the "after" photo's bytes on disk


@dataclass(frozen=True)
class Closed:
    """A closed report: its id, the reporter's receipt code, its action and raw photo names."""

    id: int
    code: str
    action_id: int
    raw_photos: tuple[str, ...]
    after_photo: str


def _closers(world: World, site: str) -> tuple[Persona, Persona]:
    """(who adds and verifies, who owns and completes) the action at a site."""
    if site == "a":
        return world.safety, world.supervisor_a
    return world.admin, world.supervisor_b


def make_closed(
    app: Flask,
    world: World,
    site: str = "a",
    *,
    summary: str = SUMMARY,
    level: str = "engineering",
    public: bool = True,
) -> Closed:
    """A named reporter's report (role, raw text, a photo) at site "a" or "b", its action done
    with an "after" photo on disk, verified, and summarised (for the public, or not)."""
    made = make_report(app, world, site, name=NAME, role=ROLE, what=RAW, photos=1)
    lead, owner = _closers(world, site)
    action_id = add_action(app, made.id, lead, owner, level=level)
    after = f"after-{made.id}.jpg"
    Path(app.config["UPLOAD_DIR"], after).write_bytes(JPEG)
    photo = corrective.PhotoRef(after, 640, 480)
    change(app, action_id, owner, "complete", note="Mirror fitted", photo=photo)
    change(app, action_id, lead, "verify", note="Checked from the forklift seat")
    words = summary if public else ""
    act(app, made.id, lead, "write_summary", summary=words, not_public=not public)
    with app.app_context():
        report = db.session.get(Report, made.id)
        raw = tuple(photo.stored_name for photo in report.photos)
    return Closed(made.id, made.code, action_id, raw, after)


def _report_id(report: Closed | int) -> int:
    return report.id if isinstance(report, Closed) else report


def publish(app: Flask, world: World, report: Closed | int, what: str = PUBLIC_WHAT) -> None:
    """Publish a closed report with staff's public words, as the admin."""
    with app.app_context():
        found = db.session.get(Report, _report_id(report))
        publishing.publish(found, db.session.get(User, world.admin.id), public_what=what)
        db.session.commit()


def unpublish(app: Flask, world: World, report: Closed | int) -> None:
    with app.app_context():
        found = db.session.get(Report, _report_id(report))
        publishing.unpublish(found, db.session.get(User, world.admin.id))
        db.session.commit()


def photo_public(app: Flask, world: World, closed: Closed, public: bool = True) -> None:
    """Mark the "after" photo of the closed report's action public (or not)."""
    with app.app_context():
        action = db.session.get(CorrectiveAction, closed.action_id)
        publishing.set_photo_public(action, db.session.get(User, world.admin.id), public=public)
        db.session.commit()
