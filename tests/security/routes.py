"""Every route of the app, read from its url_map, with a real object behind each URL argument.

The security tests walk these lists instead of naming routes by hand, so a route added later is
checked without anyone remembering to add it. A route whose argument has no sample here makes
`url_of` fail loudly: give the new argument a real object in `build_samples`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

from flask import Flask
from sqlalchemy import select
from werkzeug.routing import AnyConverter, Rule

from portal.domain import corrective, links, loop, people
from portal.extensions import db
from portal.models import Category, LinkPurpose, Role, Site, User
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
    values = {name: samples.values[name] for name in rule.arguments}
    for name, converter in rule._converters.items():
        choices = getattr(converter, "items", None)
        if isinstance(converter, AnyConverter) and values[name] not in choices:
            values[name] = sorted(choices)[0]  # another board's column names: one of this one's
    built = rule.build(values, False)
    assert built is not None, f"{rule.rule} did not build"
    return built[1]


def _site_of(world: factories.World, site: str) -> tuple[int, str, str, factories.Persona]:
    """The world's site "a" or "b": its id, its location's code, its slug, its supervisor."""
    if site == "a":
        return world.site_a, world.location_a, "alpha", world.supervisor_a
    if site == "b":
        return world.site_b, world.location_b, "bravo", world.supervisor_b
    raise ValueError(f"the world has sites 'a' and 'b', not {site!r}")


def _sample_person(site_id: int, site: str, label: str) -> User:
    """A viewer of the site, invited and not joined yet."""
    person = User(
        email=f"{label}.{site}.{uuid4().hex[:8]}@test.example",
        name=f"Sample {label} {site.upper()}",
        role=Role.VIEWER.value,
        password_hash=people.NO_PASSWORD,
        sites=[db.session.get(Site, site_id)],
    )
    db.session.add(person)
    db.session.flush()
    return person


def _sample_people(site_id: int, site: str) -> tuple[int, str, str]:
    """A person to manage, and the invitation and reset tokens of another (so deactivating
    or re-inviting the first leaves the links working)."""
    person = _sample_person(site_id, site, "person")
    holder = _sample_person(site_id, site, "invitee")
    invitation = links.issue(holder, LinkPurpose.INVITATION)
    reset = links.issue(holder, LinkPurpose.RESET)
    db.session.commit()
    return person.id, invitation, reset


def build_samples(app: Flask, world: factories.World, site: str = "a") -> Samples:
    """A report with a photo, an open and a done action on it (owned by the site's supervisor,
    the done one with a photo of the fix), an asset and a recipient, at the world's site A, or
    B with `site="b"`."""
    site_id, code, slug, supervisor = _site_of(world, site)
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    photo_name, fix_name = f"sample-{uuid4().hex}.jpg", f"fix-{uuid4().hex}.jpg"
    for name in (photo_name, fix_name):
        (upload_dir / name).write_bytes(factories.jpeg((32, 24)))
    with app.app_context():
        photos = [loop.StoredPhoto(photo_name, 32, 24, 1000)]
        report, receipt = factories.submit(code, "A pallet leaned over the walkway.", photos=photos)
        db.session.commit()
        report_id, photo_id, location_id = report.id, report.photos[0].id, report.location_id
    admin = world.admin
    action_id = factories.add_action(app, report_id, admin, supervisor, days=14)
    # a second action, done, with a photo of the fix (the closeout photo, verify, reopen)
    done_id = factories.add_action(
        app,
        report_id,
        admin,
        supervisor,
        days=7,
        description="Paint the walkway lines",
        level="administrative",
    )
    fix = corrective.PhotoRef(fix_name, 32, 24)
    factories.change(app, done_id, supervisor, "complete", note="Lines painted", photo=fix)
    with app.app_context():
        asset = factories.make_asset(location_id, "Forklift FL-07")
        recipient = factories.make_recipient(site_id, "hr@test.example")
        db.session.commit()
        person_id, invitation, reset = _sample_people(site_id, site)
        category = db.session.scalar(select(Category).order_by(Category.position).limit(1))
        values: dict[str, Any] = {
            "report_id": report_id,
            "action_id": action_id,
            "done_action_id": done_id,  # not a URL argument: tables may point action_id at it
            "photo_id": photo_id,
            "asset_id": asset.id,
            "recipient_id": recipient.id,
            "category_id": category.id,
            "user_id": person_id,  # a viewer of the site, invited, not joined yet
            "token": invitation,  # an invitation link's token (of another invited viewer)
            "reset_token": reset,  # a reset link's token (of the same)
            "location_id": location_id,
            "site_id": site_id,
            "slug": slug,  # the site's slug (feed, wall display)
            "code": code,  # the location's poster code (report form, kiosk)
            "filename": "css/app.css",
            # any() converters: the first of their choices
            "action": "retire",
            "direction": "down",
            "step": "deactivate",
            "state": "new",  # a board column
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
