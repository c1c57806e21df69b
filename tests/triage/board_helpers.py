"""Helpers for the triage board tests: reports made directly through the loop, posts with CSRF."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import select

from portal.domain import loop
from portal.extensions import db
from portal.lib import codes
from portal.models import Asset, Category, Location, Report, User
from tests import factories

HX = {"HX-Request": "true"}


def location_id(app: Flask, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Location.id).where(Location.code == code))


def new_report(
    app: Flask,
    code: str,
    what: str = "Pallet leaning over the aisle",
    *,
    where: str = "Dock 1",
    potential: str | None = None,
    at: datetime | None = None,
    photos: int = 0,
) -> int:
    """A report submitted at the location with this code; returns its id."""
    with app.app_context():
        location = db.session.scalar(select(Location).where(Location.code == code))
        answers = loop.NewReport(what, where, "serious_injury", potential, None, None, "qr", "en")
        nonce = codes.random_code(20)
        stored = [loop.StoredPhoto(f"{nonce}-{index}.jpg", 20, 20, 100) for index in range(photos)]
        report = loop.submit(
            location,
            answers,
            receipt_hash=codes.receipt_hash("k", nonce),
            submission_key=codes.submission_key(nonce),
            photos=stored,
            at=at,
        )
        db.session.commit()
        return report.id


def act(app: Flask, report_id: int, persona: factories.Persona, change: str, **kwargs) -> None:
    """Run one loop transition directly, as another staff member would from their board.

    Pass a category by name, an owner as a persona, an asset or a report (`into`) by id.
    """
    with app.app_context():
        report = db.session.get(Report, report_id)
        actor = db.session.get(User, persona.id)
        if isinstance(kwargs.get("category"), str):
            name = kwargs["category"]
            kwargs["category"] = db.session.scalar(select(Category).where(Category.name == name))
        if isinstance(kwargs.get("owner"), factories.Persona):
            kwargs["owner"] = db.session.get(User, kwargs["owner"].id)
        if isinstance(kwargs.get("asset"), int):
            kwargs["asset"] = db.session.get(Asset, kwargs["asset"])
        if isinstance(kwargs.get("into"), int):
            kwargs["into"] = db.session.get(Report, kwargs["into"])
        getattr(loop, change)(report, actor, **kwargs)
        db.session.commit()


def category_id(app: Flask, name: str = "Mechanical") -> int:
    with app.app_context():
        return db.session.scalar(select(Category.id).where(Category.name == name))


def report(app: Flask, report_id: int) -> Report:
    """A detached copy of the report's row, fresh from the database."""
    with app.app_context():
        found = db.session.get(Report, report_id)
        db.session.expunge(found)
        return found


def version(app: Flask, report_id: int) -> int:
    return report(app, report_id).version


token = factories.session_csrf
post = factories.post_form


def text(response) -> str:
    return response.get_data(as_text=True)
