"""Cells for CSV files that a spreadsheet opens as data, never as a formula.

A cell that starts with =, +, -, @, a tab or a carriage return may be run as a formula by
Excel or LibreOffice ("=HYPERLINK(...)" sends the row to a stranger's server), and report text
comes from anyone who scans a poster. Such text gets a leading apostrophe, which spreadsheets
read as "this is text" (OWASP's advice for CSV injection). Numbers stay numbers: -3 days
overdue is data, not a formula.
"""

from __future__ import annotations

from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of one CSV cell: "" for None, numbers as written, risky text neutralised."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)  # also lazy translations, which are not str
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
