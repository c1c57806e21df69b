"""Every route of the app, read from its url_map, with a real object behind each URL argument.

The security tests walk these lists instead of naming routes by hand, so a route added later is
checked without anyone remembering to add it. A route whose argument has no sample here makes
`url_of` fail loudly: give the new argument a real object in `build_samples`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from PIL import Image
from sqlalchemy import select
from werkzeug.routing import Rule

from portal.domain import corrective, loop
from portal.extensions import db
from portal.lib import codes
from portal.models import Asset, Category, Location, Report, SiteRecipient, User
from tests import factories

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class MissingSample(LookupError):
    """A route takes an argument this module has no real object for."""


@dataclass(frozen=True)
class Samples:
    """Real objects at one site (ids, codes, slugs) by the URL argument name they fill; the
    category is the first of the shared list (categories belong to no site)."""

    values: dict[str, Any]
    receipt: str  # the receipt code of the sample report, for the public follow-up forms


def rules(app: Flask, methods: frozenset[str] | set[str]) -> list[Rule]:
    """The url_map's rules that answer any of `methods`, in a stable order."""
    found = [rule for rule in app.url_map.iter_rules() if (rule.methods or set()) & methods]
    return sorted(found, key=lambda rule: (rule.rule, rule.endpoint))


def state_changing_rules(app: Flask) -> list[Rule]:
    """Every rule that takes POST, PUT, PATCH or DELETE."""
    return rules(app, STATE_CHANGING)


def get_rules(app: Flask) -> list[Rule]:
    """Every rule that answers GET."""
    return rules(app, {"GET"})


def url_of(rule: Rule, samples: Samples) -> str:
    """The rule's path with every argument filled from the samples."""
    missing = sorted(name for name in rule.arguments if name not in samples.values)
    if missing:
        raise MissingSample(
            f"{rule.endpoint} ({rule.rule}) takes {missing}: add a real object for it to "
            "tests/security/routes.py build_samples"
        )
    built = rule.build({name: samples.values[name] for name in rule.arguments}, False)
    assert built is not None, f"{rule.rule} did not build"
    return built[1]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


def _site_of(world: factories.World, site: str) -> tuple[int, str, str, factories.Persona]:
    """The world's site "a" or "b": its id, its location's code, its slug, its supervisor."""
    if site == "a":
        return world.site_a, world.location_a, "alpha", world.supervisor_a
    if site == "b":
        return world.site_b, world.location_b, "bravo", world.supervisor_b
    raise ValueError(f"the world has sites 'a' and 'b', not {site!r}")


def build_samples(app: Flask, world: factories.World, site: str = "a") -> Samples:
    """A report with a photo, an open and a done action on it (owned by the site's supervisor,
    the done one with a photo of the fix), an asset and a recipient, at the world's site A, or
    B with `site="b"`."""
    site_id, code, slug, supervisor = _site_of(world, site)
    with app.app_context():
        secret = app.config["SECRET_KEY"]
        location = db.session.scalar(select(Location).where(Location.code == code))
        nonce = codes.random_code(24)
        receipt = codes.receipt_for(secret, nonce)
        photo_name = f"sample-{nonce}.jpg"
        upload_dir = Path(app.config["UPLOAD_DIR"])
        upload_dir.mkdir(parents=True, exist_ok=True)
        (upload_dir / photo_name).write_bytes(_jpeg())
        answers = loop.NewReport(
            "A pallet leaned over the walkway.", "Dock 1", "serious_injury", None, None, None,
            "qr", "en",
        )  # fmt: skip
        report = loop.submit(
            location,
            answers,
            receipt_hash=codes.receipt_hash(secret, receipt),
            submission_key=codes.submission_key(nonce),
            photos=[loop.StoredPhoto(photo_name, 32, 24, 1000)],
        )
        admin = db.session.get(User, world.admin.id)
        owner = db.session.get(User, supervisor.id)
        new = corrective.NewAction(
            description="Fit a guard on the press",
            control_level="engineering",
            owner=owner,
            due_on=date.today() + timedelta(days=14),
        )
        action = corrective.add(report, admin, new)
        # a second action, done, with a photo of the fix (the closeout photo, verify, reopen)
        fix_name = f"fix-{nonce}.jpg"
        (upload_dir / fix_name).write_bytes(_jpeg())
        fix = corrective.NewAction(
            description="Paint the walkway lines",
            control_level="administrative",
            owner=owner,
            due_on=date.today() + timedelta(days=7),
        )
        done = corrective.add(report, admin, fix)
        photo_ref = corrective.PhotoRef(fix_name, 32, 24)
        corrective.complete(done, owner, note="Lines painted", photo=photo_ref)
        asset = Asset(location_id=location.id, name="Forklift FL-07")
        recipient = SiteRecipient(site_id=site_id, label="HR", target="hr@test.example")
        db.session.add_all([asset, recipient])
        db.session.commit()
        category = db.session.scalar(select(Category).order_by(Category.position).limit(1))
        photo = db.session.get(Report, report.id).photos[0]
        values: dict[str, Any] = {
            "report_id": report.id,
            "action_id": action.id,
            "done_action_id": done.id,  # not a URL argument: tables may point action_id at it
            "photo_id": photo.id,
            "asset_id": asset.id,
            "recipient_id": recipient.id,
            "category_id": category.id,
            "location_id": location.id,
            "site_id": site_id,
            "slug": slug,  # the site's slug (feed, wall display)
            "code": code,  # the location's poster code (report form, kiosk)
            "filename": "css/app.css",
            # any() converters: the first of their choices
            "action": "retire",
            "direction": "down",
        }
        return Samples(values=values, receipt=receipt)


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: two equal snapshots, nothing changed."""
    with app.app_context():
        db.session.remove()
        rows: dict[str, list[tuple[Any, ...]]] = {}
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                query = table.select().order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(row) for row in conn.execute(query)]
        return rows
