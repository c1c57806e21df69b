"""Ids and versions the triage tests read back (the builders are in tests/factories)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Category, Location
from tests.factories import fetch


def location_id(app: Flask, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Location.id).where(Location.code == code))


def category_id(app: Flask, name: str = "Mechanical") -> int:
    with app.app_context():
        return db.session.scalar(select(Category.id).where(Category.name == name))


def version(app: Flask, report_id: int) -> int:
    return fetch(app, report_id).version
