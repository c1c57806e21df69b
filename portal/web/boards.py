"""What the triage and closeout boards' columns share: a heading (label and hint) looked up
by the column's key, how many cards lie beyond the column's cap, and "Show more"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import render_template, url_for

from portal.web.pages import is_fragment_request


@dataclass(frozen=True)
class More:
    """A column's cards not shown yet: after the `shown` first, `remaining` more, brought
    `step` at a time from `endpoint` (which takes the column key as `state` and `shown`)."""

    endpoint: str
    key: str
    shown: int
    remaining: int
    step: int

    @property
    def next(self) -> int:
        """How many the next "Show more" brings."""
        return min(self.remaining, self.step)


class ColumnHeading:
    """For a column dataclass with `count` and `limit` that names its key field in KEY_FIELD;
    LABELS maps the key to (label, hint)."""

    LABELS: ClassVar[Mapping[str, tuple[Any, Any]]]
    KEY_FIELD: ClassVar[str]
    count: int
    limit: int

    @property
    def label(self) -> Any:
        return self.LABELS[getattr(self, self.KEY_FIELD)][0]

    @property
    def hint(self) -> Any:
        return self.LABELS[getattr(self, self.KEY_FIELD)][1]

    MORE_ENDPOINT: ClassVar[str]
    cards: list[Any]

    @property
    def more(self) -> int:
        """Cards beyond the column's cap."""
        return max(self.count - self.limit, 0)

    @property
    def below(self) -> More:
        """The cards below the first ones shown, to load in place."""
        key, shown = getattr(self, self.KEY_FIELD), len(self.cards)
        return More(self.MORE_ENDPOINT, key, shown, max(self.count - shown, 0), self.limit)


def more_cards_response(
    surface: str,
    label: Any,
    shown: int,
    cards: Sequence[Any],
    more: More,
    filters: Any,
    can_act: bool,
) -> str:
    """A column's next cards after the `shown` first: `<surface>/_more_cards.html` in place
    of the "Show more" link for htmx, `<surface>/column.html` (a page of its own) otherwise."""
    context = {
        "label": label,
        "first": shown + 1,
        "cards": cards,
        "more": more,
        "filters": filters,
        "next_url": url_for(f"{surface}.board", **filters.args()),
        "can_act": can_act,
        "inline": True,
    }
    page = "_more_cards.html" if is_fragment_request() else "column.html"
    return render_template(f"{surface}/{page}", **context)
