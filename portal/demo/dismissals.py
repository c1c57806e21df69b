"""Reports that turn out not to be near misses: an injury, damage, a test scan, a complaint.
Staff dismiss them with a reason and a note; they are kept, never deleted."""

from __future__ import annotations

from portal.demo.story import DAMAGE, MINOR, OTHER, S, Story
from portal.models import DismissReason

NOT_NEAR_MISSES = [
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
