"""Translated words that are text, never markup.

Flask-Babel's lazy strings tell Jinja they are already safe HTML (`__html__` returns them
as they are), so a lazy message filled with a value from the request — "“%(value)s” is not
valid" — printed that value unescaped: markup in a URL parameter became markup on the page.
Every lazy message of the portal comes from here instead: in HTML the message is ours and
stays as it is (the catalogue is checked to hold no markup), and every value it is filled
with is escaped.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup


class LazyText(LazyString):
    """A message translated when it is used; in HTML its values are escaped."""

    def __html__(self) -> Markup:
        string, variables = self._args[0], self._kwargs
        message = Markup(gettext(string))  # noqa: S704 - our catalogue's words, no markup
        return message % variables if variables else message


def lazy_gettext(string: str, **variables: Any) -> LazyText:
    """Like Flask-Babel's lazy_gettext, but the result is text, not markup."""
    return LazyText(gettext, string, **variables)
