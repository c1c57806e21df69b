"""A public fix in plain words for the crew: the level of control and the days it took."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ControlLevel

# The hierarchy of controls as the crew would say it, not as a safety manual does.
CONTROL_WORDS = {
    ControlLevel.ELIMINATION.value: _l("The hazard was removed altogether"),
    ControlLevel.SUBSTITUTION.value: _l("Replaced with something safer"),
    ControlLevel.ENGINEERING.value: _l("A physical safeguard was added"),
    ControlLevel.ADMINISTRATIVE.value: _l("A procedure, sign or training was changed"),
    ControlLevel.PPE.value: _l("Protective equipment was provided"),
}


def control_words(level: str | None) -> str:
    """The strongest control of a fix in plain words ('' when it has none)."""
    return str(CONTROL_WORDS.get(level or "", ""))


def days_to_fix(days: int) -> str:
    """How long the fix took, counted from the report (plain gettext: no plural catalogue)."""
    if days <= 0:
        return _("Fixed the same day")
    if days == 1:
        return _("Fixed in 1 day")
    return _("Fixed in %(days)d days", days=days)
