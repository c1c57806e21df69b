"""Chart geometry for server-rendered SVG: pure numbers, drawn by templates/macros/charts.html.

Sizes are SVG user units in a viewBox (the page scales the drawing to its width). Text is
14 units high, so it reads at 12px or more wherever the chart is drawn 560px wide or wider;
narrow screens get larger text and fewer month labels from insights.css.

scale.py holds what both kinds share (text sizes, number formats, ticks), trend.py the
monthly columns and lines, bars.py the horizontal bars.
"""

from portal.indicators.charts.bars import BarChart, HBar, bar_chart
from portal.indicators.charts.scale import (
    CHAR_WIDTH,
    Formatter,
    TableRow,
    format_number,
    nice_ticks,
)
from portal.indicators.charts.trend import Series, TrendChart, trend_chart

__all__ = [
    "CHAR_WIDTH",
    "BarChart",
    "Formatter",
    "HBar",
    "Series",
    "TableRow",
    "TrendChart",
    "bar_chart",
    "format_number",
    "nice_ticks",
    "trend_chart",
]
