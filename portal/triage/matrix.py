"""The 5x5 risk matrix and the plain words of its scales and bands (pure helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.lib.lazytext import lazy_gettext as _l

SCALE = (1, 2, 3, 4, 5)

SEVERITY_LABELS = {
    1: _l("1 — Negligible: first aid at most"),
    2: _l("2 — Minor: medical treatment"),
    3: _l("3 — Moderate: lost time"),
    4: _l("4 — Major: serious injury"),
    5: _l("5 — Catastrophic: fatality or life-changing injury"),
}
LIKELIHOOD_LABELS = {
    1: _l("1 — Rare"),
    2: _l("2 — Unlikely"),
    3: _l("3 — Possible"),
    4: _l("4 — Likely"),
    5: _l("5 — Almost certain"),
}
BAND_LABELS = {
    "low": _l("low"),
    "medium": _l("medium"),
    "high": _l("high"),
    "extreme": _l("extreme"),
}


def band(risk: int) -> str:
    """The usual bands of a 5x5 matrix: 1-4 low, 5-9 medium, 10-16 high, 20-25 extreme."""
    if risk >= 20:
        return "extreme"
    if risk >= 10:
        return "high"
    if risk >= 5:
        return "medium"
    return "low"


@dataclass(frozen=True)
class Cell:
    severity: int
    likelihood: int
    chosen: bool

    @property
    def risk(self) -> int:
        return self.severity * self.likelihood

    @property
    def band(self) -> str:
        return band(self.risk)


def rows(severity: Any, likelihood: Any) -> list[list[Cell]]:
    """The matrix, severity 5 at the top, likelihood 1-5 left to right; the chosen cell marked."""
    return [
        [Cell(s, ll, s == severity and ll == likelihood) for ll in SCALE] for s in reversed(SCALE)
    ]
