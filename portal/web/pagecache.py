"""Pages that are the same for everyone but for a value or two, rendered once per key.

The public report form and its receipt cost milliseconds of Jinja and WTForms to render, and
for one location, channel and language they differ only in the one-time token, or the receipt
code and its QR. They are rendered with placeholder slots, kept in the PAGES cache
(portal/web/cache.py), and each request fills the slots with its escaped values. The key must
hold everything else the page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from markupsafe import escape

from portal.web import cache


def slot(name: str) -> str:
    """The placeholder a cached page carries where `name` goes."""
    return f"__closecall_slot_{name}__"


def render(key: Hashable, build: Callable[[], str], **values: str) -> str:
    """The page for `key` (built by `build()` on a miss) with each slot filled by its value."""
    html = cache.remember(cache.PAGES, key, build)
    for name, value in values.items():
        html = html.replace(slot(name), str(escape(value)))
    return html
