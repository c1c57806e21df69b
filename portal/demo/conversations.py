"""What the demo's people say besides the stories: the note on a dismissed hazard, the
questions staff ask anonymous reporters (with their answers), internal notes, and the names
some reporters give."""

from __future__ import annotations

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
