"""Small groups stay hidden: a split of reports (by role, shift, channel, place...) never shows
a group of 1 to 4 reports, which could point at the one contractor or the one night-shift
worker who reported. Such a group reads "fewer than 5"; an empty group (0) shows nothing of
anyone and is shown as 0. Counts stay exact in the domain; this applies where they are shown.

A hidden group must not come back by subtraction: the total of a split is on the page too, so
when a split hides exactly one group it hides a second one (the smallest other group) as well
(`split`): the total then gives only the sum of two hidden groups. A hidden group of zero
reads "fewer than 5" (true); a hidden group of 5 or more reads "not shown".
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.lib.lazytext import lazy_gettext as _l

MIN_GROUP = 5
FEWER = _l("fewer than 5")
WITHHELD = _l("not shown")


def shown(count: int) -> int | None:
    """The count when it may be shown, None when it is a small group."""
    return None if 0 < count < MIN_GROUP else count


def group(count: int) -> str:
    """The count as a page shows it: the number, or "fewer than 5"."""
    value = shown(count)
    return str(FEWER) if value is None else str(value)


def split(counts: Sequence[int]) -> list[tuple[int | None, str]]:
    """Each group of one split (its groups add up to a total shown elsewhere) as (the count
    or None when hidden, the words shown): never exactly one hidden group."""
    hidden = {i for i, count in enumerate(counts) if shown(count) is None}
    if len(hidden) == 1 and len(counts) > 1:
        others = [i for i in range(len(counts)) if i not in hidden]
        hidden.add(min(others, key=lambda i: counts[i]))
    return [
        (None, str(FEWER if count < MIN_GROUP else WITHHELD))
        if i in hidden
        else (count, str(count))
        for i, count in enumerate(counts)
    ]


def split_words(counts: Sequence[int]) -> list[str]:
    """The words of `split` alone, for tables."""
    return [words for _count, words in split(counts)]
