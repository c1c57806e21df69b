"""The demo company's material: sites, locations, assets, staff logins and the near-miss
stories workers tell, with how staff triage each one."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import DismissReason, Domain, PotentialOutcome, RootCause

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
