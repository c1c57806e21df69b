"""Horizontal bars, one per row, with an optional reference line (e.g. the all-sites rate)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from portal.indicators.charts import labels as fitting
from portal.indicators.charts.scale import (
    CHAR_WIDTH,
    FONT,
    WIDE_CHAR,
    Formatter,
    TableRow,
    format_number,
)

LINE_SPACING = 1.15  # em, between the lines of a wrapped label


@dataclass(frozen=True)
class HBar:
    label: str  # full label (title, table)
    lines: tuple[str, ...]  # the label as drawn: wrapped, shortened to fit its column
    y: float  # top of the bar
    text_y: float  # baseline of the row's text
    x: float
    w: float | None  # None: no bar, the caller's missing text instead
    value: float | None
    text: str
    text_x: float

    @property
    def short(self) -> str:
        """The label as drawn, on one line."""
        return " ".join(self.lines)

    @property
    def spans(self) -> list[tuple[str, str]]:
        """(dy, text) of each drawn line: the lines centred on the bar's text baseline."""
        first = -(len(self.lines) - 1) * LINE_SPACING / 2
        return [
            (f"{first:g}em" if index == 0 else f"{LINE_SPACING:g}em", line)
            for index, line in enumerate(self.lines)
        ]


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


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    width: int = 640,
    bar_height: int = 22,
    value_format: Formatter = format_number,
    missing_text: str = "",
    missing_texts: Sequence[str] | None = None,
    marker: float | None = None,
    marker_label: str = "",
    css: str = "series-0",
    label_share: float = 0.38,
    char_width: float = WIDE_CHAR,
    label_lines: int = fitting.LINES,
) -> BarChart:
    """Horizontal bars, one per row, with an optional vertical reference line at `marker`.
    A row without a value has no bar, only `missing_text` (or its own of `missing_texts`).
    Labels wrap on `label_lines` lines and are shortened, each still distinct, when longer
    (portal/indicators/charts/labels.py). Text is measured at `char_width` a character: the
    larger text of narrow screens (WIDE_CHAR) unless the page keeps the chart's text at its
    own size there (CHAR_WIDTH, e.g. the review's summary)."""
    missing = list(missing_texts) if missing_texts is not None else [missing_text] * len(rows)
    texts = [
        gap if value is None else value_format(value)
        for (_, value), gap in zip(rows, missing, strict=True)
    ]
    shown = [text for text, (_, value) in zip(texts, rows, strict=True) if value is not None]
    value_room = 8.0 + max((len(text) for text in shown), default=0) * char_width
    longest_label = max((len(label) for label, _ in rows), default=0)
    label_room = min(longest_label * char_width + 12.0, width * label_share)
    fit = max(4, round((label_room - 12.0) / char_width))
    drawn = fitting.fit([label for label, _ in rows], fit, label_lines)
    # the room of each line more, at the size the text is drawn
    line_pitch = FONT * char_width / CHAR_WIDTH * LINE_SPACING
    extra = (max((len(lines) for lines in drawn), default=1) - 1) * line_pitch
    origin = round(label_room, 2)
    plot_right = width - value_room - 4.0
    values = [value for _, value in rows if value is not None]
    if marker is not None:
        values.append(marker)
    scale = max([*values, 0.0]) or 1.0
    pitch = bar_height + 12.0 + extra
    top = 28.0 if marker is not None else 6.0

    def x_of(value: float) -> float:
        return origin + max(value, 0.0) / scale * (plot_right - origin)

    bars = []
    for index, ((label, value), text, lines) in enumerate(zip(rows, texts, drawn, strict=True)):
        y = top + index * pitch + extra / 2
        end = origin if value is None else x_of(value)
        bars.append(
            HBar(
                label=label,
                lines=lines,
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
