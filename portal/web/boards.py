"""What the triage and closeout boards' columns share: a heading (label and hint) looked up
by the column's key, and how many cards lie beyond the column's cap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


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

    @property
    def more(self) -> int:
        """Cards beyond the cap, not shown: the filters narrow them down."""
        return max(self.count - self.limit, 0)
