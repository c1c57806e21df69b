"""Chart geometry for server-rendered SVG: pure numbers, drawn by templates/macros/charts.html.

Sizes are SVG user units in a viewBox (the page scales the drawing to its width). Text is
14 units high, so it reads at 12px or more wherever the chart is drawn 560px wide or wider;
narrow screens get larger text and fewer month labels from insights.css.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Formatter = Callable[[float], str]

FONT = 14.0
# average advance of a character of system-ui at FONT units, a little generous for digits
CHAR_WIDTH = 8.0
# narrow screens draw text at NARROW_FONT (insights.css), so the room kept for text beside
# the plot is measured at that size: WIDE_CHAR per character
NARROW_FONT = 20.0
WIDE_CHAR = CHAR_WIDTH * NARROW_FONT / FONT
MAX_TICKS = 5
NARROW_X_LABELS = 6  # month labels kept on a narrow screen
MARKER_SHAPES = ("circle", "square", "diamond")


def format_number(value: float) -> str:
    """A whole number without decimals, anything else with one decimal."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


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
class TableRow:
    label: str
    cells: list[str]


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
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class HBar:
    label: str  # full label (title, table)
    short: str  # label as drawn, shortened to fit its column
    y: float  # top of the bar
    text_y: float  # baseline of the row's text
    x: float
    w: float | None  # None: no bar, the caller's missing text instead
    value: float | None
    text: str
    text_x: float


@dataclass
class BarChart:
    width: int
    height: int
    bar_height: float
    origin: float  # x where bars start
    plot_right: float
    top: float
    bottom: float
    label_x: float
    bars: list[HBar]
    css: str = "series-0"
    marker_x: float | None = None
    marker_value: float | None = None
    marker_label: str = ""  # drawn as "<label>: <value>" (the template translates the pattern)
    marker_text: str = ""  # the marker's value, formatted
    marker_anchor: str = "middle"
    marker_text_y: float = 0.0
    rows: list[TableRow] = field(default_factory=list)
    footer: TableRow | None = None  # the marker, as the table's last line

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


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


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    width: int = 640,
    bar_height: int = 22,
    value_format: Formatter = format_number,
    missing_text: str = "",
    marker: float | None = None,
    marker_label: str = "",
    css: str = "series-0",
    label_share: float = 0.38,
) -> BarChart:
    """Horizontal bars, one per row, with an optional vertical reference line at `marker`."""
    texts = [missing_text if value is None else value_format(value) for _, value in rows]
    shown = [text for text, (_, value) in zip(texts, rows, strict=True) if value is not None]
    value_room = 8.0 + max((len(text) for text in shown), default=0) * WIDE_CHAR
    longest_label = max((len(label) for label, _ in rows), default=0)
    label_room = min(longest_label * WIDE_CHAR + 12.0, width * label_share)
    fit = max(4, round((label_room - 12.0) / WIDE_CHAR))
    origin = round(label_room, 2)
    plot_right = width - value_room - 4.0
    values = [value for _, value in rows if value is not None]
    if marker is not None:
        values.append(marker)
    scale = max([*values, 0.0]) or 1.0
    pitch = bar_height + 12.0
    top = 28.0 if marker is not None else 6.0

    def x_of(value: float) -> float:
        return origin + max(value, 0.0) / scale * (plot_right - origin)

    bars = []
    for index, ((label, value), text) in enumerate(zip(rows, texts, strict=True)):
        y = top + index * pitch
        end = origin if value is None else x_of(value)
        bars.append(
            HBar(
                label=label,
                short=label if len(label) <= fit else label[: fit - 1].rstrip() + "…",
                y=round(y, 2),
                text_y=round(y + bar_height / 2 + FONT * 0.35, 2),
                x=origin,
                w=None if value is None else round(end - origin, 2),
                value=value,
                text=text,
                text_x=round(end + 6.0, 2),
            )
        )
    chart = BarChart(
        width=width,
        height=math.ceil(top + len(rows) * pitch),
        bar_height=bar_height,
        origin=round(origin, 2),
        plot_right=round(plot_right, 2),
        top=top - 4.0,
        bottom=round(top + len(rows) * pitch - 8.0, 2),
        label_x=round(origin - 8.0, 2),
        bars=bars,
        css=css,
        rows=[TableRow(label, [text]) for (label, _), text in zip(rows, texts, strict=True)],
    )
    if marker is not None:
        chart.marker_value = marker
        chart.marker_x = round(x_of(marker), 2)
        chart.marker_label = marker_label
        chart.marker_text = value_format(marker)
        drawn = len(marker_label) + 2 + len(chart.marker_text) if marker_label else 0
        half = (drawn or len(chart.marker_text)) * WIDE_CHAR / 2
        if chart.marker_x + half > width:
            chart.marker_anchor = "end"
        elif chart.marker_x - half < 0:
            chart.marker_anchor = "start"
        chart.marker_text_y = FONT + 2.0
        chart.footer = TableRow(marker_label, [chart.marker_text])
    return chart
