"""Corrective actions, added and moved on through portal/domain/corrective.py."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from portal.domain import corrective
from portal.extensions import db
from portal.lib import sla
from portal.lib.timeutil import utcnow
from portal.models import CorrectiveAction, Report, Site, User
from tests.factories.people import Persona

ACTION = "Fit a guard on the press"


def today(app: Flask, site_id: int) -> date:
    """The calendar day now at the site (due dates are site days)."""
    with app.app_context():
        return sla.site_today(utcnow(), db.session.get(Site, site_id).timezone)


def add_action(
    app: Flask,
    report_id: int,
    by: Persona,
    owner: Persona,
    *,
    days: int = 10,
    due_on: date | None = None,
    description: str = ACTION,
    level: str = "engineering",
    visible: bool = False,
    **extra: object,
) -> int:
    """An open action on the report, added through corrective.add by `by` and owned by
    `owner`, due `days` after today at its site (or on `due_on`); its id. `extra`: the other
    fields of corrective.NewAction (work_order_ref, work_order_url)."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        due = due_on or sla.site_today(utcnow(), report.site.timezone) + timedelta(days=days)
        new = corrective.NewAction(
            description=description,
            control_level=level,
            owner=db.session.get(User, owner.id),
            due_on=due,
            visible_to_reporter=visible,
            **extra,  # type: ignore[arg-type]
        )
        action = corrective.add(report, db.session.get(User, by.id), new)
        db.session.commit()
        return action.id


def change(app: Flask, action_id: int, persona: Persona, step: str, **kwargs) -> None:
    """Run one corrective function (`step`) on an action as a persona, and commit; personas
    among the arguments (a new owner) are passed as their users."""
    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        arguments = {
            name: db.session.get(User, value.id) if isinstance(value, Persona) else value
            for name, value in kwargs.items()
        }
        getattr(corrective, step)(action, db.session.get(User, persona.id), **arguments)
        db.session.commit()


def fetch_action(app: Flask, action_id: int) -> CorrectiveAction:
    """A detached copy of the action's row, fresh from the database."""
    with app.app_context():
        found = db.session.get(CorrectiveAction, action_id)
        db.session.expunge(found)
        return found
