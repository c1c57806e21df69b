"""Chart geometry (portal/indicators/charts/) and its SVG and table (macros/charts.html)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from portal.indicators.charts import (
    Series,
    bar_chart,
    format_number,
    labels,
    nice_ticks,
    trend_chart,
)

MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]


def month_labels(count: int) -> list[str]:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [f"{names[index % 12]} {2024 + index // 12}" for index in range(count)]


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (37, [0, 10, 20, 30, 40]),
        (40, [0, 10, 20, 30, 40]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (100, [0, 50, 100]),
        (1234, [0, 500, 1000, 1500]),
        (0.37, [0, 0.1, 0.2, 0.3, 0.4]),
        (0, [0, 1]),
    ],
)
def test_ticks_are_one_two_or_five_times_a_power_of_ten_from_zero(
    maximum: float, ticks: list[float]
) -> None:
    assert nice_ticks(maximum) == ticks


def test_whole_number_data_gets_no_half_ticks() -> None:
    assert nice_ticks(1, whole=True) == [0, 1]
    assert nice_ticks(1) == [0, 0.5, 1]


def test_numbers_show_decimals_only_when_they_have_them() -> None:
    assert format_number(4.0) == "4"
    assert format_number(2.25) == "2.2" or format_number(2.25) == "2.3"
    assert format_number(0.5) == "0.5"


# --- trend chart ---------------------------------------------------------------------------


def test_column_heights_are_proportional_to_values() -> None:
    chart = trend_chart(MONTHS, [Series("Reports", [10, 20, 37, 0])])
    heights = [column.h for column in chart.columns]
    assert [tick.text for tick in chart.ticks] == ["0", "10", "20", "30", "40"]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    assert heights[0] == pytest.approx(chart.plot_height * 10 / 40, abs=0.02)
    assert heights[3] == 0
    # every column stands on the baseline, ticks run from the bottom of the plot to its top
    assert all(column.y + column.h == pytest.approx(chart.bottom) for column in chart.columns)
    assert chart.ticks[0].y == chart.bottom
    assert chart.ticks[-1].y == chart.top


def test_columns_sit_in_month_order_inside_the_plot() -> None:
    chart = trend_chart(MONTHS, [Series("Reports", [1, 2, 3, 4])])
    xs = [column.x for column in chart.columns]
    assert xs == sorted(xs)
    assert chart.columns[0].x > chart.left
    assert chart.columns[-1].x + chart.columns[-1].w < chart.right
    assert [label.x for label in chart.x_labels] == [c.x + c.w / 2 for c in chart.columns]


def test_all_zero_data_draws_an_axis_from_zero_to_one() -> None:
    chart = trend_chart(MONTHS, [Series("Reports", [0, 0, 0, 0]), Series("Closed", [0] * 4)])
    assert [tick.value for tick in chart.ticks] == [0, 1]
    assert all(column.h == 0 for column in chart.columns)
    assert all(point.y == chart.bottom for point in chart.lines[0].points)


def test_a_single_month_is_one_centred_column_and_one_label() -> None:
    chart = trend_chart(["Mar 2026"], [Series("Reports", [5]), Series("Closed", [3], kind="line")])
    (column,) = chart.columns
    assert column.x + column.w / 2 == pytest.approx((chart.left + chart.right) / 2, abs=0.02)
    assert [(label.lines, label.shown) for label in chart.x_labels] == [(["Mar", "2026"], True)]
    assert len(chart.lines[0].points) == 1


def test_a_missing_month_leaves_a_gap_in_columns_and_lines() -> None:
    chart = trend_chart(
        MONTHS,
        [Series("Reports", [4, None, 6, 8]), Series("Rate", [1.5, None, 2.0, 2.5], kind="line")],
    )
    assert [column.label for column in chart.columns] == ["Jan 2026", "Mar 2026", "Apr 2026"]
    line = chart.lines[0]
    assert len(line.segments) == 2
    assert len(line.segments[0].split()) == 1
    assert len(line.segments[1].split()) == 2
    assert [row.cells for row in chart.rows][1] == ["—", "—"]


def test_first_series_is_columns_and_the_others_lines_with_their_own_marker_shape() -> None:
    chart = trend_chart(
        MONTHS,
        [
            Series("All", [1, 2, 3, 4]),
            Series("HiPo", [0, 1, 0, 1], css="hipo"),
            Series("X", [1] * 4),
        ],
    )
    assert chart.column_series is not None and chart.column_series.name == "All"
    assert chart.column_css == "series-0"
    assert [(line.name, line.css, line.shape) for line in chart.lines] == [
        ("HiPo", "hipo", "circle"),
        ("X", "series-2", "square"),
    ]
    assert chart.legend[0] == ("All", "series-0", "columns")


def test_line_points_are_higher_for_larger_values() -> None:
    chart = trend_chart(MONTHS, [Series("Rate", [1, 2, 3, 4], kind="line")])
    assert chart.columns == []
    ys = [point.y for point in chart.lines[0].points]
    assert ys == sorted(ys, reverse=True)
    assert chart.lines[0].segments[0].split()[0] == f"{chart.lines[0].points[0].x},{ys[0]}"


def test_twelve_months_all_get_a_label_and_longer_runs_are_thinned() -> None:
    year = trend_chart(month_labels(12), [Series("Reports", [1] * 12)])
    assert all(label.shown for label in year.x_labels)
    two_years = trend_chart(month_labels(24), [Series("Reports", [1] * 24)])
    shown = [label for label in two_years.x_labels if label.shown]
    assert 6 <= len(shown) <= 12
    assert two_years.x_labels[-1].shown, "the latest month always keeps its label"
    narrow = [label for label in two_years.x_labels if label.narrow]
    assert len(narrow) <= 6
    assert all(label.shown for label in narrow)


def test_series_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError, match="3 values for 4 labels"):
        trend_chart(MONTHS, [Series("Reports", [1, 2, 3])])


def test_the_table_formats_numbers_with_the_callers_formatter() -> None:
    chart = trend_chart(
        MONTHS[:2], [Series("Rate", [1.25, 2.0])], value_format=lambda value: f"{value:.2f}"
    )
    assert [(row.label, row.cells) for row in chart.rows] == [
        ("Jan 2026", ["1.25"]),
        ("Feb 2026", ["2.00"]),
    ]


# --- bar chart -----------------------------------------------------------------------------


def test_bar_lengths_are_proportional_and_share_one_origin() -> None:
    chart = bar_chart([("North", 10), ("South", 5), ("East", 0)])
    north, south, east = chart.bars
    assert north.w == pytest.approx(2 * south.w, abs=0.02)
    assert north.x == south.x == east.x == chart.origin
    assert north.x + north.w == pytest.approx(chart.plot_right)
    assert east.w == 0
    assert north.y < south.y < east.y
    assert [bar.text for bar in chart.bars] == ["10", "5", "0"]


def test_a_row_without_a_value_has_no_bar_and_shows_the_callers_text() -> None:
    chart = bar_chart([("North", 2.5), ("South", None)], missing_text="no hours entered")
    south = chart.bars[1]
    assert south.w is None
    assert south.text == "no hours entered"
    assert [row.cells for row in chart.rows] == [["2.5"], ["no hours entered"]]


def test_the_marker_is_drawn_at_its_value_with_its_label() -> None:
    chart = bar_chart([("North", 4), ("South", 2)], marker=3, marker_label="Average of the others")
    assert chart.marker_x == pytest.approx(
        chart.origin + 0.75 * (chart.plot_right - chart.origin), abs=0.02
    )
    assert (chart.marker_label, chart.marker_text) == ("Average of the others", "3")
    assert chart.footer is not None and chart.footer.cells == ["3"]


def test_a_marker_beyond_every_bar_sets_the_scale() -> None:
    chart = bar_chart([("North", 1)], marker=4, marker_label="Average of the others")
    assert chart.marker_x == pytest.approx(chart.plot_right)
    assert chart.bars[0].w == pytest.approx((chart.plot_right - chart.origin) / 4, abs=0.02)
    assert chart.marker_anchor == "end", "a label at the right edge ends there, not past it"


def test_long_labels_are_shortened_in_the_drawing_but_kept_whole_in_the_table() -> None:
    name = "Riverside distribution centre, cold store extension"
    chart = bar_chart([(name, 3)])
    assert chart.bars[0].short.endswith("…")
    assert len(chart.bars[0].short) < len(name)
    assert chart.rows[0].label == name


PLACES = ["Inbound dock A", "Racking aisle 14", "Pick tower level 2", "Yard gate", "Battery room"]
NORTH = [f"North Distribution Center — {place}" for place in PLACES]


@pytest.mark.parametrize("label_share", [0.25, 0.38, 0.5])
def test_bar_labels_sharing_a_long_beginning_stay_distinct(label_share: float) -> None:
    chart = bar_chart([(name, n) for n, name in enumerate(NORTH, 1)], label_share=label_share)
    drawn = [bar.lines for bar in chart.bars]
    assert len(set(drawn)) == len(NORTH), drawn
    assert all(len(lines) <= 2 for lines in drawn)
    for bar, place in zip(chart.bars, PLACES, strict=True):
        assert place[:6] in bar.short, "the part that tells them apart is drawn"
    assert [row.label for row in chart.rows] == NORTH, "the table keeps the full names"


def test_a_label_that_fits_on_two_lines_is_wrapped_whole_and_rows_make_room() -> None:
    one_line = bar_chart([("North", 1), ("South", 2)])
    chart = bar_chart([("North Distribution Center", 1), ("South", 2)])
    assert chart.bars[0].lines == ("North Distribution", "Center")
    assert chart.bars[0].short == "North Distribution Center" and chart.bars[1].lines == ("South",)
    assert chart.bars[1].y - chart.bars[0].y > one_line.bars[1].y - one_line.bars[0].y
    assert chart.bars[0].spans == [("-0.575em", "North Distribution"), ("1.15em", "Center")]


@pytest.mark.parametrize("width", [8, 12, 20, 27])
def test_fitted_labels_keep_to_their_lines_and_never_repeat(width: int) -> None:
    names = [*NORTH, "North Distribution Center", "North Distribution Centre — Yard gate", "B"]
    fitted = labels.fit(names, width)
    assert len(set(fitted)) == len(names)
    assert all(len(lines) <= 2 and all(len(line) <= width for line in lines) for lines in fitted)


def test_wrapping_breaks_at_spaces_and_cuts_only_words_longer_than_a_line() -> None:
    assert labels.wrap("Press line 2", 8) == ["Press", "line 2"]
    assert labels.wrap("Supercalifragilistic", 8) == ["Supercal", "ifragili", "stic"]
    assert labels.wrap("", 8) == [""]


def test_a_long_label_is_shortened_in_its_middle_when_it_differs_at_its_end() -> None:
    fitted = labels.fit(NORTH, 20)
    assert fitted[0] == ("North Distribution…", "Inbound dock A")


# --- rendering -----------------------------------------------------------------------------

MACROS = '{% from "macros/charts.html" import trend, bars %}'


def render(app: Flask, source: str, **context: object) -> str:
    with app.test_request_context():
        return app.jinja_env.from_string(MACROS + source).render(**context)


def assert_csp_safe(html: str) -> None:
    assert "<script" not in html
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "no event handler attributes"


def table_cells(html: str) -> list[str]:
    table = html[html.index("<table") : html.index("</table>")]
    return re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table)


def test_trend_renders_an_accessible_svg_and_a_table_with_every_value(app: Flask) -> None:
    chart = trend_chart(
        MONTHS,
        [
            Series("Reports", [12, None, 7, 30]),
            Series("High potential", [1, 0, 2.5, 3], css="hipo"),
        ],
    )
    html = render(
        app,
        '{{ trend(chart, "Reports per month", "Reports rose to 30 in April.",'
        ' ["Month", "Reports", "High potential"], "reports-trend") }}',
        chart=chart,
    )
    assert '<figure class="chart chart-trend" id="reports-trend">' in html
    assert 'role="img"' in html
    assert 'aria-labelledby="reports-trend-t reports-trend-d"' in html
    assert 'viewBox="0 0 640 240"' in html
    assert '<title id="reports-trend-t">Reports per month</title>' in html
    assert '<desc id="reports-trend-d">Reports rose to 30 in April.</desc>' in html
    assert html.count("<rect x=") == 3, "one column per month with a value"
    assert "<title>Reports, Apr 2026: 30</title>" in html
    assert "<title>High potential, Mar 2026: 2.5</title>" in html
    assert 'class="line hipo shape-circle"' in html
    assert "<summary>Show as a table</summary>" in html
    assert "<caption>Reports per month</caption>" in html
    assert table_cells(html) == [
        "Month", "Reports", "High potential",
        "Jan 2026", "12", "1",
        "Feb 2026", "—", "0",
        "Mar 2026", "7", "2.5",
        "Apr 2026", "30", "3",
    ]  # fmt: skip
    assert ">High potential" in html.split('class="chart-legend"')[1], "a legend names each series"
    assert_csp_safe(html)


def test_bars_render_values_missing_text_marker_and_table(app: Flask) -> None:
    chart = bar_chart(
        [("North", 4.5), ("South", None), ("East", 2)],
        missing_text="no hours entered",
        marker=3.25,
        marker_label="Average of the others",
        value_format=lambda value: f"{value:.2f}",
    )
    html = render(
        app,
        '{{ bars(chart, "Rate per site", "North is above the average.",'
        ' ["Site", "Rate"], "rates") }}',
        chart=chart,
    )
    assert 'role="img"' in html and 'aria-labelledby="rates-t rates-d"' in html
    assert '<title id="rates-t">Rate per site</title>' in html
    assert '<desc id="rates-d">North is above the average.</desc>' in html
    assert html.count('<rect class="bar') == 2
    assert '<text class="bar-missing"' in html and ">no hours entered</text>" in html
    assert "<title>North: 4.50</title>" in html
    assert 'class="marker"' in html and ">Average of the others: 3.25</text>" in html
    assert table_cells(html) == [
        "Site", "Rate",
        "North", "4.50",
        "South", "no hours entered",
        "East", "2.00",
        "Average of the others", "3.25",
    ]  # fmt: skip
    assert_csp_safe(html)


def test_a_wrapped_label_is_drawn_line_by_line_with_its_full_name(app: Flask) -> None:
    chart = bar_chart([(name, n) for n, name in enumerate(NORTH, 1)], label_share=0.38)
    html = render(
        app,
        '{{ bars(chart, "Places", "Reports per place", ["Place", "Reports"], "p") }}',
        chart=chart,
    )
    assert html.count("<tspan") == 2 * len(NORTH)
    assert f'<tspan x="{chart.label_x}" dy="-0.575em">North Distribution…</tspan>' in html
    for bar, name in zip(chart.bars, NORTH, strict=True):
        assert f"<title>{name}: " in html, "each bar's accessible name holds the whole name"
        if bar.short != name:
            assert f"<title>{name}</title>" in html, "a shortened label carries the whole name"
    assert_csp_safe(html)


def test_two_charts_on_one_page_have_distinct_ids(app: Flask) -> None:
    chart = trend_chart(MONTHS, [Series("Reports", [1, 2, 3, 4])])
    html = render(
        app,
        '{{ trend(chart, "A", "a", ["Month", "Reports"], "one") }}'
        '{{ trend(chart, "B", "b", ["Month", "Reports"], "two") }}',
        chart=chart,
    )
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 6
    assert "chart-legend" not in html, "one series needs no legend"


def test_chart_text_is_escaped(app: Flask) -> None:
    chart = bar_chart([("<b>Dock</b>", 1)])
    html = render(app, '{{ bars(chart, "<i>t</i>", "d", ["Site", "Reports"], "x") }}', chart=chart)
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;Dock&lt;/b&gt;" in html


def test_long_runs_draw_only_the_kept_month_labels_and_mark_the_ones_phones_hide(
    app: Flask,
) -> None:
    chart = trend_chart(month_labels(24), [Series("Rate", [1.5] * 24, kind="line")])
    html = render(app, '{{ trend(chart, "Rate", "d", ["Month", "Rate"], "r") }}', chart=chart)
    drawn = re.findall(r'<text class="x-label( minor)?"', html)
    assert len(drawn) == sum(label.shown for label in chart.x_labels)
    assert 0 < sum(1 for minor in drawn if not minor) <= 6
    assert html.count('<th scope="row">') == 24, "the table keeps every month"
