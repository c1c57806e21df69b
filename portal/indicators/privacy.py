"""Small groups stay hidden: a split of reports (by role, shift, channel, place...) never shows
a group of 1 to 4 reports, which could point at the one contractor or the one night-shift
worker who reported. Such a group reads "fewer than 5"; an empty group (0) shows nothing of
anyone and is shown as 0. Counts stay exact in the domain; this applies where they are shown.
"""

from __future__ import annotations

from portal.lib.lazytext import lazy_gettext as _l

MIN_GROUP = 5
FEWER = _l("fewer than 5")


def shown(count: int) -> int | None:
    """The count when it may be shown, None when it is a small group."""
    return None if 0 < count < MIN_GROUP else count


def group(count: int) -> str:
    """The count as a page shows it: the number, or "fewer than 5"."""
    value = shown(count)
    return str(FEWER) if value is None else str(value)
