"""What every chart shares: text sizes, number formats, the y axis's ticks, table rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

Formatter = Callable[[float], str]

FONT = 14.0
# average advance of a character of system-ui at FONT units, a little generous for digits
CHAR_WIDTH = 8.0
# narrow screens draw text at NARROW_FONT (insights.css), so the room kept for text beside
# the plot is measured at that size: WIDE_CHAR per character
NARROW_FONT = 20.0
WIDE_CHAR = CHAR_WIDTH * NARROW_FONT / FONT
MAX_TICKS = 5


def format_number(value: float) -> str:
    """A whole number without decimals, anything else with one decimal."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


@dataclass
class TableRow:
    label: str
    cells: list[str]


def nice_ticks(maximum: float, *, whole: bool = False, max_ticks: int = MAX_TICKS) -> list[float]:
    """Ticks from 0 past `maximum` in steps of 1, 2 or 5 x 10^n, at most `max_ticks` of them."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    step = _nice_step(maximum, max_ticks - 1, whole)
    count = math.ceil(maximum / step - 1e-9)
    digits = max(0, -math.floor(math.log10(step)))
    return [round(index * step, digits) for index in range(count + 1)]


def _nice_step(maximum: float, intervals: int, whole: bool) -> float:
    exponent = math.floor(math.log10(maximum / intervals))
    while True:
        for mantissa in (1, 2, 5):
            step = mantissa * 10.0**exponent
            if whole and step < 1:
                continue
            if math.ceil(maximum / step - 1e-9) <= intervals:
                return step
        exponent += 1
