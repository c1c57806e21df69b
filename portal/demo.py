"""A believable demo company: two sites, a dozen QR locations, staff, ~300 reports over 6 months."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from flask import current_app

from portal import accounts, codes, loop
from portal.extensions import db
from portal.models import Channel, Location, PotentialOutcome, ReporterRole, Site
from portal.timeutil import utcnow

DEMO_PASSWORD = "closecall-demo"  # noqa: S105 - demo data only, printed by `make run`
DEMO_LOGINS = [
    ("admin@closecall.example", "admin"),
    ("safety@closecall.example", "safety_manager"),
    ("supervisor.riverside@closecall.example", "supervisor (Riverside Plant)"),
    ("supervisor.north@closecall.example", "supervisor (North Distribution Center)"),
    ("viewer@closecall.example", "viewer (both sites)"),
]

SITES = [
    (
        "Riverside Plant",
        "riverside",
        "America/Chicago",
        [
            "Press line 2",
            "Dock 3",
            "Paint booth",
            "Maintenance shop",
            "Chemical store",
            "Forklift charging",
        ],
    ),
    (
        "North Distribution Center",
        "north-dc",
        "America/Los_Angeles",
        [
            "Inbound dock A",
            "Racking aisle 14",
            "Pick tower level 2",
            "Yard gate",
            "Battery room",
            "Mezzanine stairs",
        ],
    ),
]

# (what happened, potential outcome, worker's words on what could have happened)
STORIES = [
    (
        "A forklift reversed out of aisle 14 without sounding the horn "
        "and missed a picker by about a metre.",
        PotentialOutcome.SERIOUS_INJURY,
        "could have been run over",
    ),
    (
        "A pallet on the top rack level was leaning out over the aisle; nobody was under it.",
        PotentialOutcome.SERIOUS_INJURY,
        "load falling on someone",
    ),
    (
        "Oil on the floor next to the press, no spill kit nearby. I almost slipped carrying dies.",
        PotentialOutcome.MINOR_INJURY,
        "fall",
    ),
    (
        "The light curtain on press 2 was bypassed with tape to speed up the changeover.",
        PotentialOutcome.SERIOUS_INJURY,
        "hand in the press",
    ),
    (
        "Ladder in the maintenance shop wobbles, one foot is missing its rubber.",
        PotentialOutcome.MINOR_INJURY,
        None,
    ),
    (
        "Lockout was skipped on the conveyor because the shift was behind; "
        "it was restarted while a guard was off.",
        PotentialOutcome.SERIOUS_INJURY,
        "amputation",
    ),
    (
        "Wrong paint recipe loaded for batch 4471, caught by the line lead before spraying.",
        PotentialOutcome.DAMAGE_ONLY,
        "bad product shipped",
    ),
    (
        "A drum of solvent was stored next to the charging station.",
        PotentialOutcome.DAMAGE_ONLY,
        "fire",
    ),
    (
        "A truck pulled away from dock 3 while the forklift was still on the trailer plate.",
        PotentialOutcome.SERIOUS_INJURY,
        "forklift falling off the dock",
    ),
    (
        "Extension cord run across the walkway at the mezzanine stairs.",
        PotentialOutcome.MINOR_INJURY,
        "trip on the stairs",
    ),
    (
        "Box fell from the pick tower conveyor onto the walkway below.",
        PotentialOutcome.MINOR_INJURY,
        "hit someone on the head",
    ),
    (
        "Battery acid drip under charger 3, no one had noticed.",
        PotentialOutcome.DAMAGE_ONLY,
        "burns or a spill to the drain",
    ),
    (
        "Se quedó abierta la puerta del patio y un camión entró sin señalero.",
        PotentialOutcome.SERIOUS_INJURY,
        "atropello",
    ),
    (
        "Gate at the yard closed on a car while the guard was away.",
        PotentialOutcome.DAMAGE_ONLY,
        None,
    ),
    (
        "Emergency eyewash in the chemical store has no water pressure.",
        PotentialOutcome.SERIOUS_INJURY,
        "eye injury without first aid",
    ),
    (
        "Guard rail at the mezzanine edge is loose at one bolt.",
        PotentialOutcome.SERIOUS_INJURY,
        "fall from height",
    ),
    (
        "Heavy dies lifted by hand because the hoist was broken.",
        PotentialOutcome.MINOR_INJURY,
        "back injury",
    ),
    (
        "Sparks from grinding landed near cardboard in the shop.",
        PotentialOutcome.DAMAGE_ONLY,
        "fire",
    ),
    (
        "La carga del montacargas iba demasiado alta y no se veía el pasillo.",
        PotentialOutcome.SERIOUS_INJURY,
        None,
    ),
    (
        "Cable insulation damaged on the paint booth fan; it smelled hot.",
        PotentialOutcome.SERIOUS_INJURY,
        "electric shock or fire",
    ),
]
NAMES = ["Ana", "Luis", "Marcus", "Priya", "Tom", "Grace", "Diego", "Ken"]


def seed(report_count: int = 300, seed: int = 7) -> str:
    """Create the demo company in the current transaction; returns a one-line summary."""
    rng = random.Random(seed)
    locations: list[Location] = []
    for name, slug, timezone, location_names in SITES:
        site = Site(name=name, slug=slug, timezone=timezone)
        db.session.add(site)
        for location_name in location_names:
            location = Location(site=site, name=location_name)
            db.session.add(location)
            locations.append(location)
    db.session.flush()

    staff = {}
    for email, label in DEMO_LOGINS:
        role = label.split(" ")[0]
        slugs = {"supervisor.riverside": ["riverside"], "supervisor.north": ["north-dc"]}
        slugs_for = slugs.get(
            email.split("@")[0], [] if role == "admin" else ["riverside", "north-dc"]
        )
        staff[email] = accounts.create_user(
            email=email,
            name=email.split("@")[0].replace(".", " ").title(),
            role=role,
            password=DEMO_PASSWORD,
            site_slugs=slugs_for,
        )

    now = utcnow()
    secret = current_app.config["SECRET_KEY"]
    newest = (now - timedelta(days=365), "")
    acknowledger = staff["safety@closecall.example"]
    recent = max(5, report_count // 20)  # the last two days: what a triage board shows as new
    for index in range(report_count):
        location = rng.choice(locations)
        what, outcome, words = rng.choice(STORIES)
        days_ago = rng.uniform(0, 2) if index < recent else rng.uniform(2, 182)
        at = now - timedelta(days=days_ago, minutes=rng.randint(0, 60))
        named = rng.random() < 0.35
        answers = loop.NewReport(
            what_happened=what,
            where_text=location.name,
            potential_outcome=outcome.value,
            potential_text=words,
            reporter_name=rng.choice(NAMES) if named else None,
            reporter_role=rng.choice(list(ReporterRole)).value
            if named or rng.random() < 0.5
            else None,
            channel=rng.choice([Channel.QR.value] * 4 + [Channel.KIOSK.value]),
            language="es" if what[:2] in {"Se", "La"} else "en",
        )
        nonce = secrets.token_urlsafe(16)
        receipt = codes.random_code(codes.RECEIPT_LENGTH)
        newest = max(newest, (at, receipt))
        report = loop.submit(
            location,
            answers,
            receipt_hash=codes.receipt_hash(secret, receipt),
            submission_key=codes.submission_key(nonce),
            at=at,
        )
        age = now - at
        if age > timedelta(days=2) or (age > timedelta(hours=8) and rng.random() < 0.4):
            loop.acknowledge(report, acknowledger, at=at + timedelta(hours=rng.uniform(0.5, 30)))
    db.session.flush()
    return (
        f"Demo data: {len(SITES)} sites, {len(locations)} locations, {len(staff)} staff, "
        f"{report_count} reports.\nReceipt of the newest demo report, to try on /followup: "
        f"{codes.group(newest[1])}"
    )
