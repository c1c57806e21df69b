"""The no-blame investigations the demo's staff write for some stories: up to five
"Why? — Because …" steps, the root cause and contributing factors. Each is named for what it
found and belongs to the story quoted above it (portal/demo/stories.py links them)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import RootCause


@dataclass(frozen=True)
class Investigation:
    """What staff found out about one kind of near miss."""

    whys: tuple[tuple[str, str], ...]
    root_cause: RootCause
    factors: str | None = None


# A forklift reversed out of aisle 14 without sounding the horn and missed a picker by about a …
REVERSING_ALARM = Investigation(
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
)

# A pallet on the top rack level was leaning out over the aisle; nobody was under it.
BROKEN_PALLET = Investigation(
    whys=(
        ("Why was the pallet leaning?", "It was put away with a broken bottom board."),
        (
            "Why was a broken pallet put away?",
            "Pallets are only checked at goods-in, not at put-away.",
        ),
    ),
    root_cause=RootCause.PROCEDURE,
)

# Oil on the floor next to the press, no spill kit nearby. I almost slipped carrying dies.
HYDRAULIC_LEAK = Investigation(
    whys=(
        ("Why was there oil on the floor?", "A hydraulic fitting on press P2 weeps."),
        (
            "Why had nobody fixed it?",
            "The leak was reported by word of mouth and never got a work order.",
        ),
    ),
    root_cause=RootCause.EQUIPMENT,
    factors="No spill kit at the press line.",
)

# The light curtain on press 2 was bypassed with tape to speed up the changeover.
LIGHT_CURTAIN = Investigation(
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
)

# Lockout was skipped on the conveyor because the shift was behind; it was restarted while a …
LOCK_STATION = Investigation(
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
)

# A truck pulled away from dock 3 while the forklift was still on the trailer plate.
DOCK_LIGHTS = Investigation(
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
)

# Box fell from the pick tower conveyor onto the walkway below.
CONVEYOR_GUIDE = Investigation(
    whys=(
        ("Why did the box fall?", "It rode over the side guide where the conveyor curves."),
        ("Why there?", "The side guide is lower on the curve than on the straight."),
    ),
    root_cause=RootCause.DESIGN,
)

# Heavy dies lifted by hand because the hoist was broken.
HOIST_DOWN = Investigation(
    whys=(
        ("Why were the dies lifted by hand?", "The overhead hoist H2 was out of service."),
        (
            "Why was the press run without it?",
            "There is no rule to stop die changes when the hoist is down.",
        ),
    ),
    root_cause=RootCause.PROCEDURE,
)

# Reach truck driver on a second shift in a row nodded off while waiting at the rack.
NIGHT_LICENCES = Investigation(
    whys=(
        ("Why was the driver so tired?", "He covered an absent colleague's shift."),
        (
            "Why did he cover two shifts?",
            "Only two people on nights are licensed for the reach truck.",
        ),
    ),
    root_cause=RootCause.STAFFING,
    factors="Overtime not tracked against rest hours.",
)
