"""A believable demo company: two sites, a dozen QR locations, staff, ~300 reports over 6 months.

The reports travel the loop as real ones do, through the functions of portal/loop.py only:
most are acknowledged, classified under the category their story belongs to and owned by the
site's supervisor or the safety manager; some are investigated, merged as duplicates, dismissed
with a reason, or carry a question to the anonymous reporter and the answer. The newest ones
are still waiting, a few of them past the acknowledgement deadline.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal import accounts, codes, loop
from portal.extensions import db
from portal.models import (
    Asset,
    Category,
    Channel,
    DismissReason,
    Domain,
    Location,
    PotentialOutcome,
    Report,
    ReporterRole,
    RootCause,
    Site,
    User,
)
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

# The machines and vehicles staff keep per location; retired ones stay on old reports.
ASSETS = {
    "Press line 2": ["Press P2", "Overhead hoist H2", "Die cart DC-1"],
    "Dock 3": ["Forklift FL-07", "Dock leveller 3"],
    "Paint booth": ["Exhaust fan EF-1", "Paint mixer M1"],
    "Maintenance shop": ["Bench grinder G1", "Step ladder L-4"],
    "Chemical store": ["Eyewash station EW-2", "Solvent cabinet SC-1"],
    "Forklift charging": ["Charger C3", "Forklift FL-03"],
    "Inbound dock A": ["Forklift FL-12", "Dock leveller A2"],
    "Racking aisle 14": ["Reach truck RT-4", "Rack bay 14-07"],
    "Pick tower level 2": ["Conveyor CV-2", "Order picker OP-1"],
    "Yard gate": ["Sliding gate G-1"],
    "Battery room": ["Charger C3", "Eyewash station EW-5"],
    "Mezzanine stairs": ["Goods lift GL-1"],
}
RETIRED_ASSETS = {"Dock 3": ["Forklift FL-02"]}

S = Domain.SAFETY
Q = Domain.QUALITY
E = Domain.ENVIRONMENTAL
SEC = Domain.SECURITY
SERIOUS = PotentialOutcome.SERIOUS_INJURY
MINOR = PotentialOutcome.MINOR_INJURY
DAMAGE = PotentialOutcome.DAMAGE_ONLY
OTHER = PotentialOutcome.OTHER


@dataclass(frozen=True)
class Story:
    """One kind of near miss: the worker's words, and how staff triage it."""

    what: str
    outcome: PotentialOutcome
    words: str | None
    places: tuple[str, ...]
    category: str
    domain: Domain
    severity: tuple[int, int]
    likelihood: tuple[int, int]
    weight: int = 5  # how often it happens: most near misses are minor housekeeping
    assets: tuple[str, ...] = ()  # the first of these found at the location is linked
    whys: tuple[tuple[str, str], ...] = ()
    root_cause: RootCause | None = None
    factors: str | None = None
    hazard: bool = False  # a condition without an event: sometimes dismissed as a hazard
    # a written reason to override the automatic high-potential flag, sometimes used
    override: tuple[bool, str] | None = None
    # stories that are never near misses: dismissed with this reason and note
    dismiss: tuple[DismissReason, str] | None = None


STORIES = [
    Story(
        "A forklift reversed out of aisle 14 without sounding the horn "
        "and missed a picker by about a metre.",
        SERIOUS,
        "could have been run over",
        ("Racking aisle 14", "Inbound dock A"),
        "Vehicles and traffic",
        S,
        (4, 5),
        (3, 4),
        weight=2,
        assets=("Reach truck RT-4", "Forklift FL-12"),
        whys=(
            (
                "Why did the truck reverse without a warning?",
                "The horn is not used in the aisles at night so as not to startle pickers.",
            ),
            (
                "Why is there no other warning?",
                "The reversing alarm was disconnected after complaints about the noise.",
            ),
            (
                "Why was that not noticed?",
                "The pre-use check list does not include the reversing alarm.",
            ),
        ),
        root_cause=RootCause.EQUIPMENT,
        factors="Night shift; poor sightlines at the aisle end; trucks and pickers share aisles.",
    ),
    Story(
        "A pallet on the top rack level was leaning out over the aisle; nobody was under it.",
        SERIOUS,
        "load falling on someone",
        ("Racking aisle 14",),
        "Dropped objects",
        S,
        (4, 4),
        (2, 3),
        weight=1,
        assets=("Rack bay 14-07",),
        whys=(
            ("Why was the pallet leaning?", "It was put away with a broken bottom board."),
            (
                "Why was a broken pallet put away?",
                "Pallets are only checked at goods-in, not at put-away.",
            ),
        ),
        root_cause=RootCause.PROCEDURE,
        hazard=True,
        override=(False, "The pallet held empty cartons only: no credible serious injury."),
    ),
    Story(
        "Oil on the floor next to the press, no spill kit nearby. I almost slipped carrying dies.",
        MINOR,
        "fall",
        ("Press line 2",),
        "Environmental",
        S,
        (2, 3),
        (3, 4),
        weight=6,
        assets=("Press P2",),
        whys=(
            ("Why was there oil on the floor?", "A hydraulic fitting on press P2 weeps."),
            (
                "Why had nobody fixed it?",
                "The leak was reported by word of mouth and never got a work order.",
            ),
        ),
        root_cause=RootCause.EQUIPMENT,
        factors="No spill kit at the press line.",
    ),
    Story(
        "The light curtain on press 2 was bypassed with tape to speed up the changeover.",
        SERIOUS,
        "hand in the press",
        ("Press line 2",),
        "Mechanical",
        S,
        (5, 5),
        (2, 3),
        weight=1,
        assets=("Press P2",),
        whys=(
            (
                "Why was the light curtain taped over?",
                "With it active the changeover takes twice as long.",
            ),
            (
                "Why does the curtain slow the changeover?",
                "It trips every time the die cart passes through it.",
            ),
            (
                "Why does the die cart pass through it?",
                "The cart path was not changed when the curtain was fitted.",
            ),
        ),
        root_cause=RootCause.DESIGN,
        factors="Month-end output pressure.",
    ),
    Story(
        "Ladder in the maintenance shop wobbles, one foot is missing its rubber.",
        MINOR,
        None,
        ("Maintenance shop",),
        "Equipment",
        S,
        (2, 3),
        (2, 3),
        assets=("Step ladder L-4",),
        hazard=True,
    ),
    Story(
        "Lockout was skipped on the conveyor because the shift was behind; "
        "it was restarted while a guard was off.",
        SERIOUS,
        "amputation",
        ("Pick tower level 2", "Press line 2"),
        "Procedural",
        S,
        (5, 5),
        (2, 3),
        weight=1,
        assets=("Conveyor CV-2", "Press P2"),
        whys=(
            (
                "Why was lockout skipped?",
                "The shift was behind and the lock station is at the far end of the line.",
            ),
            (
                "Why is the lock station so far away?",
                "It was placed for the old layout and never moved.",
            ),
        ),
        root_cause=RootCause.DESIGN,
        factors="Shift behind schedule; personal locks shared between crews.",
    ),
    Story(
        "Wrong paint recipe loaded for batch 4471, caught by the line lead before spraying.",
        DAMAGE,
        "bad product shipped",
        ("Paint booth",),
        "Procedural",
        Q,
        (1, 2),
        (2, 3),
        assets=("Paint mixer M1",),
    ),
    Story(
        "A drum of solvent was stored next to the charging station.",
        DAMAGE,
        "fire",
        ("Forklift charging", "Battery room"),
        "Chemical",
        S,
        (3, 4),
        (2, 3),
        weight=2,
        hazard=True,
    ),
    Story(
        "A truck pulled away from dock 3 while the forklift was still on the trailer plate.",
        SERIOUS,
        "forklift falling off the dock",
        ("Dock 3", "Inbound dock A"),
        "Vehicles and traffic",
        S,
        (5, 5),
        (2, 3),
        weight=1,
        assets=("Forklift FL-07", "Forklift FL-12"),
        whys=(
            ("Why did the truck leave during loading?", "The driver thought loading was done."),
            (
                "Why did he think so?",
                "Nothing tells the cab that a forklift is on the trailer; drivers wait for a wave.",
            ),
            ("Why is there no signal?", "The dock lights were never fitted at this door."),
        ),
        root_cause=RootCause.EQUIPMENT,
        factors="Visiting driver; no keys-in-the-office rule at this dock.",
    ),
    Story(
        "Extension cord run across the walkway at the mezzanine stairs.",
        MINOR,
        "trip on the stairs",
        ("Mezzanine stairs",),
        "Environmental",
        S,
        (2, 3),
        (3, 4),
        hazard=True,
        override=(
            True,
            "A trip at the top of a full flight of stairs: a fall down it is a credible "
            "serious injury.",
        ),
    ),
    Story(
        "Box fell from the pick tower conveyor onto the walkway below.",
        MINOR,
        "hit someone on the head",
        ("Pick tower level 2",),
        "Dropped objects",
        S,
        (3, 4),
        (3, 3),
        assets=("Conveyor CV-2",),
        whys=(
            ("Why did the box fall?", "It rode over the side guide where the conveyor curves."),
            ("Why there?", "The side guide is lower on the curve than on the straight."),
        ),
        root_cause=RootCause.DESIGN,
    ),
    Story(
        "Battery acid drip under charger 3, no one had noticed.",
        DAMAGE,
        "burns or a spill to the drain",
        ("Forklift charging", "Battery room"),
        "Chemical",
        E,
        (2, 3),
        (2, 3),
        assets=("Charger C3",),
    ),
    Story(
        "Se quedó abierta la puerta del patio y un camión entró sin señalero.",
        SERIOUS,
        "atropello",
        ("Yard gate",),
        "Vehicles and traffic",
        S,
        (4, 5),
        (2, 3),
        weight=1,
        assets=("Sliding gate G-1",),
    ),
    Story(
        "Gate at the yard closed on a car while the guard was away.",
        DAMAGE,
        None,
        ("Yard gate",),
        "Equipment",
        SEC,
        (2, 2),
        (2, 3),
        weight=2,
        assets=("Sliding gate G-1",),
    ),
    Story(
        "Emergency eyewash in the chemical store has no water pressure.",
        SERIOUS,
        "eye injury without first aid",
        ("Chemical store", "Battery room"),
        "Equipment",
        S,
        (4, 4),
        (1, 2),
        weight=1,
        assets=("Eyewash station EW-2", "Eyewash station EW-5"),
        hazard=True,
    ),
    Story(
        "Guard rail at the mezzanine edge is loose at one bolt.",
        SERIOUS,
        "fall from height",
        ("Mezzanine stairs",),
        "Mechanical",
        S,
        (5, 5),
        (1, 2),
        weight=1,
        hazard=True,
    ),
    Story(
        "Heavy dies lifted by hand because the hoist was broken.",
        MINOR,
        "back injury",
        ("Press line 2", "Maintenance shop"),
        "Ergonomics",
        S,
        (2, 3),
        (3, 4),
        assets=("Overhead hoist H2",),
        whys=(
            ("Why were the dies lifted by hand?", "The overhead hoist H2 was out of service."),
            (
                "Why was the press run without it?",
                "There is no rule to stop die changes when the hoist is down.",
            ),
        ),
        root_cause=RootCause.PROCEDURE,
    ),
    Story(
        "Sparks from grinding landed near cardboard in the shop.",
        DAMAGE,
        "fire",
        ("Maintenance shop",),
        "Procedural",
        S,
        (3, 4),
        (2, 3),
        weight=2,
        assets=("Bench grinder G1",),
    ),
    Story(
        "La carga del montacargas iba demasiado alta y no se veía el pasillo.",
        SERIOUS,
        None,
        ("Inbound dock A", "Dock 3"),
        "Vehicles and traffic",
        S,
        (4, 4),
        (3, 3),
        weight=1,
        assets=("Forklift FL-12", "Forklift FL-07"),
    ),
    Story(
        "Cable insulation damaged on the paint booth fan; it smelled hot.",
        SERIOUS,
        "electric shock or fire",
        ("Paint booth",),
        "Electrical",
        S,
        (4, 5),
        (2, 2),
        weight=1,
        assets=("Exhaust fan EF-1",),
    ),
    Story(
        "Shrink-wrap and pallet offcuts piled in the walkway by the dock door.",
        MINOR,
        "trip while carrying a load",
        ("Inbound dock A", "Dock 3"),
        "Environmental",
        S,
        (2, 2),
        (3, 4),
        weight=6,
    ),
    Story(
        "Rain blew in through the open dock door and the floor was wet; no sign was out.",
        MINOR,
        "slip",
        ("Inbound dock A", "Dock 3"),
        "Environmental",
        S,
        (2, 2),
        (3, 3),
    ),
    Story(
        "A picker reached over the conveyor side to clear a jam instead of stopping it.",
        MINOR,
        "fingers caught in the rollers",
        ("Pick tower level 2",),
        "Procedural",
        S,
        (3, 4),
        (2, 3),
        weight=2,
        assets=("Conveyor CV-2",),
    ),
    Story(
        "Heavy cartons are stored on the top shelf of the pick tower; "
        "I had to lift them above my shoulders.",
        MINOR,
        "strained shoulder",
        ("Pick tower level 2",),
        "Ergonomics",
        S,
        (2, 2),
        (4, 4),
    ),
    Story(
        "The extraction in the paint booth was off while we sprayed; strong smell of thinners.",
        MINOR,
        "dizziness, headache",
        ("Paint booth",),
        "Chemical",
        S,
        (3, 3),
        (2, 3),
        weight=2,
        assets=("Exhaust fan EF-1",),
    ),
    Story(
        "Spray bottle of degreaser with no label on the shop bench.",
        OTHER,
        "someone using the wrong product",
        ("Maintenance shop", "Chemical store"),
        "Chemical",
        S,
        (2, 2),
        (2, 2),
        hazard=True,
    ),
    Story(
        "Third step of the mezzanine stairs has a loose nosing; my heel caught on it.",
        MINOR,
        "fall down the stairs",
        ("Mezzanine stairs",),
        "Environmental",
        S,
        (3, 3),
        (3, 3),
    ),
    Story(
        "Reach truck driver on a second shift in a row nodded off while waiting at the rack.",
        SERIOUS,
        "crash into the racking",
        ("Racking aisle 14",),
        "Human factors",
        S,
        (4, 4),
        (2, 2),
        weight=1,
        assets=("Reach truck RT-4",),
        whys=(
            ("Why was the driver so tired?", "He covered an absent colleague's shift."),
            (
                "Why did he cover two shifts?",
                "Only two people on nights are licensed for the reach truck.",
            ),
        ),
        root_cause=RootCause.STAFFING,
        factors="Overtime not tracked against rest hours.",
    ),
    Story(
        "Cartons crushed on a pallet that was double-stacked despite the do-not-stack label.",
        DAMAGE,
        "customer gets damaged goods",
        ("Inbound dock A",),
        "Procedural",
        Q,
        (1, 1),
        (3, 3),
        weight=2,
    ),
    Story(
        "The walkway paint at the dock is worn away; drivers and walkers use the same lane.",
        SERIOUS,
        "pedestrian hit by a forklift",
        ("Dock 3", "Inbound dock A"),
        "Vehicles and traffic",
        S,
        (3, 4),
        (3, 3),
        weight=2,
        hazard=True,
    ),
    # Reports that turn out not to be near misses: dismissed with a reason, never deleted.
    Story(
        "Cut my hand on a strapping band while opening a pallet; first aid gave me a plaster.",
        MINOR,
        None,
        ("Inbound dock A", "Dock 3"),
        "Dropped objects",
        S,
        (1, 1),
        (1, 1),
        weight=1,
        dismiss=(
            DismissReason.INCIDENT,
            "An injury happened, however small: it is in the first-aid book and the incident "
            "log now. Thank you for reporting it.",
        ),
    ),
    Story(
        "Forklift FL-03 clipped the post of the charging bay and bent it; nobody was near.",
        DAMAGE,
        None,
        ("Forklift charging",),
        "Vehicles and traffic",
        S,
        (1, 1),
        (1, 1),
        weight=1,
        dismiss=(
            DismissReason.INCIDENT,
            "Damage happened: logged as a property-damage incident; the post is on a work order.",
        ),
    ),
    Story(
        "Test from the new poster, please ignore.",
        OTHER,
        None,
        ("Yard gate", "Dock 3"),
        "Procedural",
        S,
        (1, 1),
        (1, 1),
        weight=1,
        dismiss=(DismissReason.SPAM, "A test scan of the poster."),
    ),
    Story(
        "The vending machine in the break room kept my coins again.",
        OTHER,
        None,
        ("Battery room", "Maintenance shop"),
        "Procedural",
        S,
        (1, 1),
        (1, 1),
        weight=1,
        dismiss=(DismissReason.NOT_A_NEAR_MISS, "Not a safety matter: passed to facilities."),
    ),
]

HAZARD_NOTE = (
    "A condition without an event: logged as a hazard observation for the weekly walk-round "
    "and passed to maintenance."
)
QUESTIONS = [
    (
        "Thank you for this. Roughly what time was it, and was it the day or the night shift?",
        "Night shift, around 2 am, just after the break.",
    ),
    (
        "Which door or bay exactly? We want to put the fix in the right place.",
        "The second door from the yard side, by the blue racking.",
    ),
    (
        "Has this happened before, as far as you know?",
        "Yes, a few times this month. Usually when the shift is busy.",
    ),
    (
        "Would a barrier or a marked walkway have helped here?",
        "A barrier, the paint is gone after a week.",
    ),
]
NOTES = [
    "Talked it through at the shift start; toolbox talk booked for Thursday.",
    "Maintenance has a work order for this; parts expected next week.",
    "Same area as a report last month: checking whether the fix held.",
    "Photos taken on the walk-round; the area is taped off until repaired.",
    "Asked the contractor's supervisor to brief their crew as well.",
]
NAMES = ["Ana", "Luis", "Marcus", "Priya", "Tom", "Grace", "Diego", "Ken"]
MINUTE = timedelta(minutes=1)


@dataclass
class Plan:
    """One report to invent: what, where, when, and what staff will do with it."""

    story: Story
    location: Location
    at: datetime
    named: bool
    merge_into: Plan | None = None
    keep_open: bool = False  # another report merges into this one
    forgotten: bool = False  # days old and still not acknowledged
    report: Report | None = field(default=None, repr=False)


class Company:
    """The sites, locations, staff, categories and assets the reports refer to."""

    def __init__(self) -> None:
        self.locations: list[Location] = []
        self.staff: dict[str, User] = {}
        self.assets: dict[tuple[int, str], Asset] = {}
        self.categories: dict[str, Category] = {}
        self.supervisors: dict[int, User] = {}

    @property
    def safety(self) -> User:
        return self.staff["safety@closecall.example"]

    def location(self, name: str) -> Location:
        return next(location for location in self.locations if location.name == name)

    def asset_for(self, story: Story, location: Location) -> Asset | None:
        for name in story.assets:
            asset = self.assets.get((location.id, name))
            if asset is not None:
                return asset
        return None

    def category(self, name: str) -> Category:
        """The category of that name; the migrations seed them, an edited list may lack one."""
        if name not in self.categories:
            category = Category(name=name, position=len(self.categories) + 100, active=True)
            db.session.add(category)
            self.categories[name] = category
        return self.categories[name]


def _build_company() -> Company:
    company = Company()
    sites: dict[str, Site] = {}
    for name, slug, timezone, location_names in SITES:
        site = Site(name=name, slug=slug, timezone=timezone)
        sites[slug] = site
        db.session.add(site)
        for location_name in location_names:
            location = Location(site=site, name=location_name)
            db.session.add(location)
            company.locations.append(location)
    db.session.flush()
    for location in company.locations:
        for asset_name in ASSETS.get(location.name, []):
            asset = Asset(location=location, name=asset_name, active=True)
            company.assets[(location.id, asset_name)] = asset
            db.session.add(asset)
        for asset_name in RETIRED_ASSETS.get(location.name, []):
            db.session.add(Asset(location=location, name=asset_name, active=False))

    for email, label in DEMO_LOGINS:
        role = label.split(" ")[0]
        slugs = {"supervisor.riverside": ["riverside"], "supervisor.north": ["north-dc"]}
        slugs_for = slugs.get(
            email.split("@")[0], [] if role == "admin" else ["riverside", "north-dc"]
        )
        company.staff[email] = accounts.create_user(
            email=email,
            name=email.split("@")[0].replace(".", " ").title(),
            role=role,
            password=DEMO_PASSWORD,
            site_slugs=slugs_for,
        )
    company.supervisors = {
        sites["riverside"].id: company.staff["supervisor.riverside@closecall.example"],
        sites["north-dc"].id: company.staff["supervisor.north@closecall.example"],
    }
    company.categories = {c.name: c for c in db.session.scalars(select(Category))}
    return company


def _plans(rng: random.Random, company: Company, count: int, now: datetime) -> list[Plan]:
    """When and where each report happens, oldest first; a handful repeat an earlier one."""
    weights = [story.weight for story in STORIES]
    recent = max(5, count // 8)  # the last two days: the board's New column
    forgotten = max(2, count // 75)  # a few days old and never acknowledged: overdue
    plans = []
    for index in range(count):
        story = rng.choices(STORIES, weights)[0]
        location = company.location(rng.choice(story.places))
        if index < recent:
            days_ago = rng.uniform(0, 2)
        elif index < recent + forgotten:
            days_ago = rng.uniform(2, 5)
        else:
            days_ago = rng.uniform(5, 182)
        at = now - timedelta(days=days_ago, minutes=rng.randint(0, 60))
        overdue = recent <= index < recent + forgotten
        plans.append(Plan(story, location, at, rng.random() < 0.35, forgotten=overdue))
    plans.sort(key=lambda plan: plan.at)
    # Duplicates: a second worker reports the same thing a few hours later; merged.
    old = [p for p in plans if now - p.at > timedelta(days=3) and p.story.dismiss is None]
    pairs = rng.sample(range(len(old) - 1), min(max(2, count // 60), len(old) // 2))
    for index in pairs:
        original, duplicate = old[index], old[index + 1]
        if original.merge_into or original.keep_open or duplicate.keep_open:
            continue
        duplicate.story, duplicate.location = original.story, original.location
        duplicate.at = original.at + timedelta(hours=rng.uniform(1, 20))
        duplicate.merge_into, original.keep_open = original, True
    plans.sort(key=lambda plan: plan.at)
    return plans


def _submit(rng: random.Random, plan: Plan, secret: str) -> str:
    """The worker's report, as the form would file it; the receipt code shown to them."""
    what = plan.story.what
    named = plan.named and plan.story.dismiss is None
    answers = loop.NewReport(
        what_happened=what,
        where_text=plan.location.name,
        potential_outcome=plan.story.outcome.value,
        potential_text=plan.story.words,
        reporter_name=rng.choice(NAMES) if named else None,
        reporter_role=rng.choice(list(ReporterRole)).value if named or rng.random() < 0.5 else None,
        channel=rng.choice([Channel.QR.value] * 4 + [Channel.KIOSK.value]),
        language="es" if what[:2] in {"Se", "La"} else "en",
    )
    receipt = codes.random_code(codes.RECEIPT_LENGTH)
    plan.report = loop.submit(
        plan.location,
        answers,
        receipt_hash=codes.receipt_hash(secret, receipt),
        submission_key=codes.submission_key(secrets.token_urlsafe(16)),
        at=plan.at,
    )
    return receipt


Step = tuple[datetime, int, Callable[[], None]]


class Triage:
    """What staff do with the reports, as time-stamped steps run in time order.

    loop.py stamps staff actions with the present; the demo moves each step's timeline event
    (and message) back to when it "happened", so every report reads as a plausible history.
    """

    def __init__(self, rng: random.Random, company: Company, now: datetime) -> None:
        self.rng, self.company, self.now = rng, company, now
        self.steps: list[Step] = []

    def later(self, moment: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment some hours after another, never in the future."""
        return min(moment + timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.now)

    def add(self, moment: datetime, step: Callable[[], None]) -> None:
        self.steps.append((moment, len(self.steps), step))

    def run(self) -> None:
        for _moment, _order, step in sorted(self.steps, key=lambda item: item[:2]):
            step()

    def plan(self, plan: Plan) -> None:
        """Decide, for one report, every step staff take and when."""
        rng, story, report = self.rng, plan.story, plan.report
        assert report is not None
        age = self.now - plan.at
        site_supervisor = self.company.supervisors[plan.location.site_id]
        if plan.merge_into is not None:
            target = plan.merge_into.report
            merged_at = self.later(plan.at, 0.5, 6)
            self.add(merged_at, lambda: self._merge(report, site_supervisor, target, merged_at))
            return
        if self._stays_new(plan, age):
            return
        actor = site_supervisor if rng.random() < 0.7 else self.company.safety
        acknowledged_at = self.later(plan.at, 0.3, 20 if age > timedelta(days=2) else 6)
        self.add(acknowledged_at, lambda: loop.acknowledge(report, actor, at=acknowledged_at))
        moment = acknowledged_at
        if story.dismiss is not None or (
            story.hazard and not plan.keep_open and rng.random() < 0.1
        ):
            reason, note = story.dismiss or (DismissReason.HAZARD, HAZARD_NOTE)
            moment = self.later(moment, 0.1, 3)
            self.add(moment, lambda at=moment: self._dismiss(report, actor, reason, note, at))
            return
        asking = 0.5 if age < timedelta(days=7) else 0.06  # recent answers still flag the card
        if report.is_anonymous and rng.random() < asking:
            moment = self._question(report, actor, moment)
        if age < timedelta(days=1) and rng.random() < 0.5:
            return  # acknowledged today; triage later
        self._work(plan, actor, site_supervisor, moment)

    def _work(self, plan: Plan, actor: User, site_supervisor: User, moment: datetime) -> None:
        """Classify, assign, maybe investigate and note: the acknowledged report becomes work."""
        rng, story, report = self.rng, plan.story, plan.report
        moment = self.later(moment, 0.1, 4)
        high = self._classify(plan, actor, moment)
        if rng.random() < 0.85:
            moment = self.later(moment, 0.05, 2)
            owner = self._owner(site_supervisor, high)
            asset = self.company.asset_for(story, plan.location) if rng.random() < 0.8 else None
            self.add(moment, lambda at=moment: self._assign(report, actor, owner, asset, at))
        if story.whys and rng.random() < (0.7 if high else 0.3):
            moment = self.later(moment, 24, 24 * 6)
            investigator = self.company.safety if high else site_supervisor
            self.add(moment, lambda at=moment: self._investigate(report, investigator, story, at))
        if rng.random() < 0.07:
            note = rng.choice(NOTES)
            moment = self.later(moment, 1, 48)
            self.add(moment, lambda at=moment: self._note(report, actor, note, at))

    def _stays_new(self, plan: Plan, age: timedelta) -> bool:
        """The newest reports wait for acknowledgement; a few older ones were missed (overdue)."""
        if plan.keep_open:
            return False
        if age < timedelta(hours=8):
            return self.rng.random() < 0.9
        if age < timedelta(days=2):
            return self.rng.random() < 0.65
        return plan.forgotten

    def _owner(self, supervisor: User, high_potential: bool) -> User:
        if high_potential:
            return self.company.safety if self.rng.random() < 0.7 else supervisor
        return supervisor if self.rng.random() < 0.8 else self.company.safety

    def _classify(self, plan: Plan, actor: User, at: datetime) -> bool:
        """Schedule the classification; whether it will be high-potential."""
        story, rng = plan.story, self.rng
        severity = rng.randint(*story.severity)
        likelihood = rng.randint(*story.likelihood)
        flag, reason = None, None
        if story.override and rng.random() < 0.15:
            flag, reason = story.override
        high = flag if flag is not None else loop.auto_high_potential(severity)
        category = self.company.category(story.category)
        report = plan.report

        def step() -> None:
            loop.classify(
                report,
                actor,
                category=category,
                domain=story.domain.value,
                severity=severity,
                likelihood=likelihood,
                high_potential=flag,
                override_reason=reason,
            )
            _backdate(report, at)

        self.add(at, step)
        return high

    def _question(self, report: Report, actor: User, moment: datetime) -> datetime:
        question, answer = self.rng.choice(QUESTIONS)
        asked = self.later(moment, 1, 24)
        self.add(
            asked, lambda: _backdate(report, asked, loop.ask_reporter(report, actor, question))
        )
        answered = asked + timedelta(hours=self.rng.uniform(2, 40))
        if self.rng.random() < 0.7 and answered < self.now:

            def step() -> None:
                _backdate(report, answered, loop.reporter_answers(report, answer))
                if self.now - answered > timedelta(days=4):
                    loop.mark_answers_read(report, actor)  # older answers have been read

            self.add(answered, step)
            return answered
        return asked

    @staticmethod
    def _merge(report: Report, actor: User, into: Report | None, at: datetime) -> None:
        assert into is not None
        db.session.flush()  # the timeline notes name both report numbers
        loop.merge(report, actor, into=into)
        _backdate(report, at)
        _backdate(into, at)

    @staticmethod
    def _dismiss(report: Report, actor: User, reason: str, note: str, at: datetime) -> None:
        loop.dismiss(report, actor, reason=reason, note=note)
        _backdate(report, at)

    @staticmethod
    def _assign(
        report: Report, actor: User, owner: User, asset: Asset | None, at: datetime
    ) -> None:
        loop.assign(report, actor, owner=owner, asset=asset)
        _backdate(report, at)

    @staticmethod
    def _investigate(report: Report, actor: User, story: Story, at: datetime) -> None:
        loop.investigate(
            report,
            actor,
            whys=story.whys[:3],
            root_cause=story.root_cause.value if story.root_cause else None,
            contributing_factors=story.factors,
        )
        _backdate(report, at)

    @staticmethod
    def _note(report: Report, actor: User, body: str, at: datetime) -> None:
        _backdate(report, at, loop.add_note(report, actor, body))


def _backdate(report: Report, at: datetime, message: object | None = None) -> None:
    """Move the step loop.py just recorded (its event, message) to when it happened."""
    report.events[-1].created_at = at
    report.updated_at = at
    if message is not None:
        message.created_at = at  # type: ignore[attr-defined]


def seed(report_count: int = 300, seed: int = 7) -> str:
    """Create the demo company in the current transaction; returns a one-line summary."""
    rng = random.Random(seed)
    now = utcnow() - MINUTE
    company = _build_company()
    secret = current_app.config["SECRET_KEY"]
    plans = _plans(rng, company, report_count, now)
    receipts = [_submit(rng, plan, secret) for plan in plans]
    db.session.flush()
    triage = Triage(rng, company, now)
    for plan in plans:
        triage.plan(plan)
    triage.run()
    db.session.flush()
    return (
        f"Demo data: {len(SITES)} sites, {len(company.locations)} locations, "
        f"{len(company.staff)} staff, {report_count} reports.\n"
        f"Receipt of the newest demo report, to try on /followup: {codes.group(receipts[-1])}"
    )
