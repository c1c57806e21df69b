"""Translated words that are text, never markup.

Flask-Babel's lazy strings tell Jinja they are already safe HTML (`__html__` returns them
as they are), so a lazy message filled with a value from the request — "“%(value)s” is not
valid" — printed that value unescaped: markup in a URL parameter became markup on the page.
Every lazy message of the portal comes from here instead, and escapes itself, values and all,
wherever it meets HTML. (Our messages hold no markup; the catalogue is checked for it.)
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


class LazyText(LazyString):
    """A message translated when it is used; in HTML it is escaped like any text."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables: Any) -> LazyText:
    """Like Flask-Babel's lazy_gettext, but the result is text, not markup."""
    return LazyText(gettext, string, **variables)
