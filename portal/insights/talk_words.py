"""The words of the toolbox-talk sheet, in English and Spanish: category names, potential
outcomes and control levels in plain words, and what to watch for in each default category.

Written for the crew: no blame, no jargon, short enough to read out at a pre-shift talk.
"""

from __future__ import annotations

from portal.lib.lazytext import LazyText
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ControlLevel, PotentialOutcome

# the default category names (portal.models.triage.DEFAULT_CATEGORIES), so the sheet shows
# them in the crew's language; categories an admin added show as typed
CATEGORY_NAMES: dict[str, LazyText] = {
    "Mechanical": _l("Mechanical"),
    "Procedural": _l("Procedural"),
    "Environmental": _l("Environmental"),
    "Human factors": _l("Human factors"),
    "Equipment": _l("Equipment"),
    "Vehicles and traffic": _l("Vehicles and traffic"),
    "Dropped objects": _l("Dropped objects"),
    "Electrical": _l("Electrical"),
    "Chemical": _l("Chemical"),
    "Ergonomics": _l("Ergonomics"),
}

# what the reporters said could have happened, in the order of the report form
OUTCOME_NAMES: dict[str, LazyText] = {
    PotentialOutcome.SERIOUS_INJURY.value: _l("Serious injury or worse"),
    PotentialOutcome.MINOR_INJURY.value: _l("Minor injury"),
    PotentialOutcome.DAMAGE_ONLY.value: _l("Damage or spill only"),
    PotentialOutcome.OTHER.value: _l("Something else"),
}

# the hierarchy of controls, strongest first, in words a crew uses
CONTROL_WORDS: dict[str, LazyText] = {
    ControlLevel.ELIMINATION.value: _l("Hazard removed (elimination)"),
    ControlLevel.SUBSTITUTION.value: _l("Safer way or material (substitution)"),
    ControlLevel.ENGINEERING.value: _l("Guard, barrier or physical change (engineering)"),
    ControlLevel.ADMINISTRATIVE.value: _l("Procedure, sign or training (administrative)"),
    ControlLevel.PPE.value: _l("Protective equipment (PPE)"),
}

# what to watch for, by default category: two or three things to say out loud
WATCH_FOR: dict[str, tuple[LazyText, ...]] = {
    "Mechanical": (
        _l("Keep every guard in place. Never reach past a guard into a moving machine."),
        _l("Stop the machine and lock it out before you clear a jam or adjust it."),
        _l("Report a loose, missing or damaged guard straight away."),
    ),
    "Procedural": (
        _l("Follow the written steps, even when the job is in a hurry."),
        _l("If a step cannot be done as written, stop and ask. Do not improvise."),
        _l("Tell your supervisor when the procedure does not match the real job."),
    ),
    "Environmental": (
        _l("Look for spills, poor light and clutter before you start. Clean up or report."),
        _l("Keep walkways, stairs and exits clear."),
        _l("Check the weather and the ground, and change the plan when they change."),
    ),
    "Human factors": (
        _l("Say so when you are tired, rushed or distracted, and take a short pause."),
        _l("At shift change, hand over anything unusual to the next crew."),
        _l("Rushing is a hazard: a minute saved is not worth an injury."),
    ),
    "Equipment": (
        _l("Check tools and equipment before use. Tag out anything damaged."),
        _l("Use each tool only for the job it was made for."),
        _l("Report faults so they get repaired, not worked around."),
    ),
    "Vehicles and traffic": (
        _l("Walk in the marked lanes. Make eye contact with the driver before you cross."),
        _l("Drivers: slow down at corners and doors, sound the horn, look before reversing."),
        _l("Keep traffic routes clear of pallets and loads."),
    ),
    "Dropped objects": (
        _l("Secure tools and materials when working at height."),
        _l("Stay out from under loads being lifted and work going on overhead."),
        _l("Stack loads stable and within the marked height."),
    ),
    "Electrical": (
        _l("Treat every wire as live until it is isolated and tested."),
        _l("Do not use damaged cables, plugs or panels. Tag them out and report them."),
        _l("Only qualified people open panels or repair electrical equipment."),
    ),
    "Chemical": (
        _l("Read the label and the safety data sheet before using a product."),
        _l("Wear the gloves and eye protection it asks for. Keep containers closed and labelled."),
        _l("Clean up small spills at once with the spill kit. Report larger ones."),
    ),
    "Ergonomics": (
        _l("Use the lifting aids, and ask for help with heavy or awkward loads."),
        _l("Work at waist height where you can. Do not twist while lifting."),
        _l("Take short breaks from repetitive work and switch tasks when you can."),
    ),
}
WATCH_FOR_ANY: tuple[LazyText, ...] = (
    _l("Before you start, stop and look: what could go wrong here?"),
    _l("Keep the area tidy and the guards, signs and barriers in place."),
    _l("If something looks wrong, stop the job and tell your supervisor."),
)

STRONGEST_CONTROL = _l("Can we remove the hazard rather than rely on care?")

QUESTIONS: tuple[LazyText, ...] = (
    _l("Where else could this happen?"),
    _l("What makes this hard to do safely on a busy shift?"),
    _l("What would remove the hazard for good?"),
)


def category_name(name: str) -> str | LazyText:
    """A category in the page's language when it is a default one, else as an admin typed it."""
    return CATEGORY_NAMES.get(name, name)


def watch_for(category: str | None) -> tuple[LazyText, ...]:
    """What to watch for in this category (a general set for categories of the site's own)."""
    return WATCH_FOR.get(category or "", WATCH_FOR_ANY)
