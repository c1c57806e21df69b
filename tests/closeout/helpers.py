"""Helpers for the closeout tests: reports and actions made through the domain, posts with CSRF."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from flask import Flask
from PIL import Image
from sqlalchemy import select

from portal.domain import corrective, loop
from portal.extensions import db
from portal.lib import codes, sla
from portal.lib.timeutil import utcnow
from portal.models import CorrectiveAction, Location, Report, Site, User
from tests import factories

HX = {"HX-Request": "true"}
post = factories.post_form


def text(response) -> str:
    return response.get_data(as_text=True)


def today(app: Flask, site_id: int) -> date:
    """The calendar day now at the site (due dates are site days)."""
    with app.app_context():
        return sla.site_today(utcnow(), db.session.get(Site, site_id).timezone)


def new_report(app: Flask, code: str, what: str = "Pallet leaning over the aisle") -> int:
    """A report submitted at the location with this code; returns its id."""
    with app.app_context():
        location = db.session.scalar(select(Location).where(Location.code == code))
        answers = loop.NewReport(what, "Dock 1", "serious_injury", None, None, None, "qr", "en")
        nonce = codes.random_code(20)
        report = loop.submit(
            location,
            answers,
            receipt_hash=codes.receipt_hash("k", nonce),
            submission_key=codes.submission_key(nonce),
        )
        db.session.commit()
        return report.id


def add_action(
    app: Flask,
    report_id: int,
    actor: factories.Persona,
    owner: factories.Persona,
    *,
    days: int = 10,
    due: date | None = None,
    description: str = "Fit a guard on the press",
    control_level: str = "engineering",
    **extra: object,
) -> int:
    """An open action on the report, due `days` after today at its site (or on `due`)."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        due = due or sla.site_today(utcnow(), report.site.timezone) + timedelta(days=days)
        new = corrective.NewAction(
            description=description,
            control_level=control_level,
            owner=db.session.get(User, owner.id),
            due_on=due,
            **extra,  # type: ignore[arg-type]
        )
        action = corrective.add(report, db.session.get(User, actor.id), new)
        db.session.commit()
        return action.id


def change(app: Flask, action_id: int, persona: factories.Persona, name: str, **kwargs) -> None:
    """Run one corrective-action step directly, as another staff member would."""
    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        actor = db.session.get(User, persona.id)
        if isinstance(kwargs.get("owner"), factories.Persona):
            kwargs["owner"] = db.session.get(User, kwargs["owner"].id)
        getattr(corrective, name)(action, actor, **kwargs)
        db.session.commit()


def action(app: Flask, action_id: int) -> CorrectiveAction:
    """A detached copy of the action's row, fresh from the database."""
    with app.app_context():
        found = db.session.get(CorrectiveAction, action_id)
        db.session.expunge(found)
        return found


def report(app: Flask, report_id: int) -> Report:
    with app.app_context():
        found = db.session.get(Report, report_id)
        db.session.expunge(found)
        return found


def version(app: Flask, action_id: int) -> int:
    return action(app, action_id).version


def cards(html: str) -> list[int]:
    """The action ids of the cards in a piece of HTML, in order."""
    return [int(found) for found in re.findall(r'<article[^>]*id="action-(\d+)"', html)]


def column(html: str, key: str) -> str:
    """The HTML of one column of the board."""
    start = html.index(f'class="column column-{key}"')
    end = html.find('<section class="column', start + 1)
    return html[start : end if end != -1 else len(html)]


def count(html: str, key: str) -> int:
    match = re.search(rf'id="title-{key}">[^<]*<span class="count">(\d+)</span>', html)
    assert match, f"no count for {key}"
    return int(match.group(1))


def jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()
