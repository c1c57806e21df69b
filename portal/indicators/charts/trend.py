"""Monthly trends: columns for the first series, lines for the others, on one y axis."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from portal.indicators.charts.scale import (
    CHAR_WIDTH,
    WIDE_CHAR,
    Formatter,
    TableRow,
    format_number,
    nice_ticks,
)

NARROW_X_LABELS = 6  # month labels kept on a narrow screen
MARKER_SHAPES = ("circle", "square", "diamond")


@dataclass
class Series:
    """One named row of numbers, one per label; None is a month without data (a gap)."""

    name: str
    values: list[float | None]
    kind: str = "columns"  # "columns" | "line": only the first series can be columns
    css: str = ""  # colour class (e.g. "hipo"); default "series-<index>"


@dataclass(frozen=True)
class Tick:
    y: float
    value: float
    text: str


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str
    lines: list[str]  # "Jan 2026" is drawn on two lines, "Jan" over "2026"
    shown: bool  # drawn at all (every label up to 12 months, then every 2nd, 3rd...)
    narrow: bool  # still drawn on a narrow screen


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    w: float
    h: float
    value: float
    text: str
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    text: str
    label: str


@dataclass
class Line:
    name: str
    css: str
    shape: str  # marker drawn at each point: circle, square or diamond
    segments: list[str]  # polyline "points" strings, split at gaps
    points: list[Point]


@dataclass
class TrendChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    ticks: list[Tick]
    x_labels: list[XLabel]
    columns: list[Column]
    column_series: Series | None
    column_css: str
    lines: list[Line]
    series: list[Series]
    legend: list[tuple[str, str, str]]  # (name, css, "columns" | shape)
    rows: list[TableRow]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def trend_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 240,
    value_format: Formatter = format_number,
    missing_text: str = "—",
) -> TrendChart:
    """Monthly columns (first series) and lines (the others) on a y axis from 0."""
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(
                f"series {item.name!r} has {len(item.values)} values for {len(labels)} labels"
            )
    present = [value for item in series for value in item.values if value is not None]
    whole = all(float(value).is_integer() for value in present)
    tick_values = nice_ticks(max(present, default=0.0), whole=whole)
    tick_texts = [value_format(value) for value in tick_values]
    longest = max(len(text) for text in tick_texts)
    left = 10.0 + longest * WIDE_CHAR
    # room under the plot for two lines of x labels at the narrow screens' larger font
    top, right, bottom = 12.0, width - 10.0, height - 50.0
    plot_height = bottom - top
    top_value = tick_values[-1]

    def y_of(value: float) -> float:
        return bottom - max(value, 0.0) / top_value * plot_height

    band = (right - left) / max(len(labels), 1)
    centres = [left + band * (index + 0.5) for index in range(len(labels))]
    ticks = [
        Tick(y=round(y_of(value), 2), value=value, text=text)
        for value, text in zip(tick_values, tick_texts, strict=True)
    ]
    chart = TrendChart(
        width=width,
        height=height,
        left=round(left, 2),
        top=top,
        right=right,
        bottom=bottom,
        ticks=ticks,
        x_labels=_x_labels(labels, centres, band),
        columns=[],
        column_series=None,
        column_css="",
        lines=[],
        series=list(series),
        legend=[],
        rows=[
            TableRow(
                label,
                [
                    missing_text if item.values[index] is None else value_format(item.values[index])
                    for item in series
                ],
            )
            for index, label in enumerate(labels)
        ],
    )
    for index, item in enumerate(series):
        css = item.css or f"series-{index}"
        if index == 0 and item.kind == "columns":
            chart.column_series, chart.column_css = item, css
            chart.columns = _columns(item, labels, centres, band, y_of, bottom, value_format)
            chart.legend.append((item.name, css, "columns"))
        else:
            shape = MARKER_SHAPES[len(chart.lines) % len(MARKER_SHAPES)]
            chart.lines.append(_line(item, css, shape, labels, centres, y_of, value_format))
            chart.legend.append((item.name, css, shape))
    return chart


def _x_labels(labels: Sequence[str], centres: list[float], band: float) -> list[XLabel]:
    lines = [text.rsplit(" ", 1) if " " in text else [text] for text in labels]
    room = max((len(part) for parts in lines for part in parts), default=1) * CHAR_WIDTH + 8.0
    # every label while they fit side by side, and never more than 12 of them
    step = max(math.ceil(room / band), math.ceil(len(labels) / 12), 1)
    narrow_step = max(step, math.ceil(len(labels) / NARROW_X_LABELS))
    # count from the last month: the latest month is the one people look for
    last = len(labels) - 1
    return [
        XLabel(
            x=round(centres[index], 2),
            text=text,
            lines=parts,
            shown=(last - index) % step == 0,
            narrow=(last - index) % narrow_step == 0,
        )
        for index, (text, parts) in enumerate(zip(labels, lines, strict=True))
    ]


def _columns(
    item: Series,
    labels: Sequence[str],
    centres: list[float],
    band: float,
    y_of: Callable[[float], float],
    bottom: float,
    value_format: Formatter,
) -> list[Column]:
    column_width = min(band * 0.6, 56.0)
    columns = []
    for value, label, centre in zip(item.values, labels, centres, strict=True):
        if value is None:
            continue
        y = y_of(value)
        columns.append(
            Column(
                x=round(centre - column_width / 2, 2),
                y=round(y, 2),
                w=round(column_width, 2),
                h=round(bottom - y, 2),
                value=value,
                text=value_format(value),
                label=label,
            )
        )
    return columns


def _line(
    item: Series,
    css: str,
    shape: str,
    labels: Sequence[str],
    centres: list[float],
    y_of: Callable[[float], float],
    value_format: Formatter,
) -> Line:
    points: list[Point] = []
    segments: list[list[Point]] = [[]]
    for value, label, centre in zip(item.values, labels, centres, strict=True):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        point = Point(round(centre, 2), round(y_of(value), 2), value, value_format(value), label)
        points.append(point)
        segments[-1].append(point)
    return Line(
        name=item.name,
        css=css,
        shape=shape,
        segments=[" ".join(f"{p.x},{p.y}" for p in segment) for segment in segments if segment],
        points=points,
    )
