"""Corrective actions the demo's staff take, by category: what they change, how strong a
control it is, and what they tell the crew once it is checked."""

from __future__ import annotations

from portal.models import ControlLevel

E, S, G, A, P = (
    ControlLevel.ELIMINATION,
    ControlLevel.SUBSTITUTION,
    ControlLevel.ENGINEERING,
    ControlLevel.ADMINISTRATIVE,
    ControlLevel.PPE,
)

# category -> [(action, level, what the crew is told once it is verified)]
FIXES: dict[str, list[tuple[str, ControlLevel, str]]] = {
    "Vehicles and traffic": [
        (
            "Install a physical barrier between the pedestrian walkway and the forklift lane",
            G,
            "A steel barrier now separates the walkway from the forklift lane.",
        ),
        (
            "Fit blue-spot warning lights and reversing alarms to the site's forklifts",
            G,
            "Every forklift now has a blue warning light and a reversing alarm.",
        ),
        (
            "Repaint the crossing and add a stop line with a convex mirror at the aisle end",
            A,
            "The crossing is repainted, with a stop line and a mirror at the aisle end.",
        ),
    ],
    "Dropped objects": [
        (
            "Fit mesh back-guards to the top beams of the racking bays",
            G,
            "The top racking beams have mesh guards: nothing can fall into the next aisle.",
        ),
        (
            "Add toe boards along the open edge of the mezzanine",
            G,
            "The mezzanine edge has toe boards now.",
        ),
    ],
    "Chemical": [
        (
            "Replace the solvent degreaser with a water-based cleaner",
            S,
            "We switched to a water-based cleaner: the solvent is gone from the line.",
        ),
        (
            "Move the drums into a bunded cabinet with spill kit beside it",
            G,
            "The drums now sit in a bunded cabinet with a spill kit next to it.",
        ),
        (
            "Issue chemical goggles at the decanting point and add a sign",
            P,
            "Goggles hang at the decanting point, with a sign.",
        ),
    ],
    "Procedural": [
        (
            "Rewrite the lockout steps as a one-page card posted at the machine",
            A,
            "The lockout steps are on a card at the machine; every shift was briefed.",
        ),
        (
            "Toolbox talk on the permit-to-work process for all shifts",
            A,
            "All shifts had a toolbox talk on permits to work.",
        ),
    ],
    "Environmental": [
        (
            "Repair the roof drain and regrade the floor so water runs to the gully",
            E,
            "The roof drain is repaired and the floor regraded: no more standing water.",
        ),
        (
            "Replace the failed lights with LED fittings on their own circuit",
            G,
            "The area has new LED lights on their own circuit.",
        ),
    ],
    "Equipment": [
        (
            "Fit an interlocked guard on the feed side of the machine",
            G,
            "The machine's feed side has an interlocked guard: it stops when opened.",
        ),
        (
            "Take the damaged ladder out of use and replace it with a platform step",
            E,
            "The damaged ladder is gone; a platform step replaced it.",
        ),
    ],
    "Ergonomics": [
        (
            "Install a lift table so cartons are picked at waist height",
            G,
            "A lift table keeps the cartons at waist height now.",
        ),
    ],
    "Mechanical": [
        (
            "Replace the worn hoist chain and add it to the monthly inspection",
            G,
            "The hoist chain is new and checked every month.",
        ),
    ],
    "Electrical": [
        (
            "Replace the damaged cable and fit a cable ramp across the walkway",
            G,
            "The damaged cable is replaced and runs under a ramp.",
        ),
    ],
    "Human factors": [
        (
            "Rebalance the shift rota so nobody covers two lines at the break",
            A,
            "The rota changed: nobody covers two lines at the break any more.",
        ),
    ],
}
GENERAL = [
    ("Review the area with the crew and agree a fix", A, "The crew agreed a fix and it is in."),
]
COMPLETION_NOTES = [
    "Done by maintenance; photos on the work order.",
    "Fitted and tested with the area supervisor.",
    "Completed on the night shift; area reopened.",
]
VERIFICATION_NOTES = [
    "Walked the area: the control is in place and used.",
    "Checked on the next shift; works as intended.",
    "Verified with the crew at the toolbox talk; no gaps seen.",
]
DUE_DATE_REASONS = [
    "Parts on back order from the supplier.",
    "Needs a line shutdown; moved to the planned stop.",
]
DOUBT = "The barrier is there but people still walk round the end of it."
DOUBT_REPLY = "We looked again with the crew: the barrier now runs to the wall and there is a sign."
# What was reported, in the neutral words staff publish (never the worker's own text).
PUBLIC_WHAT = {
    "Vehicles and traffic": "A forklift and a person on foot came too close in a shared area.",
    "Dropped objects": "Something fell, or nearly fell, from height into a walkway.",
    "Chemical": "A chemical was handled or stored in a way that could have hurt someone.",
    "Procedural": "A job was done without a step that keeps people safe.",
    "Environmental": "Water, poor light or a damaged floor made a slip or trip likely.",
    "Equipment": "A machine or tool was missing a guard or was damaged.",
    "Ergonomics": "A lift or reach put strain on someone's back or shoulders.",
    "Mechanical": "A worn part on lifting gear could have failed.",
    "Electrical": "A damaged cable or fitting could have given someone a shock.",
    "Human factors": "Too much to do at once led to a close call.",
}
GENERAL_PUBLIC_WHAT = "A close call was reported in this area."
