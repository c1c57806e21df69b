"""What every form's text fields share: trimmed input, and one "too long" message."""

from __future__ import annotations

from typing import Any

from portal.lib.lazytext import lazy_gettext as _l


def strip(value: object) -> object:
    """Trim surrounding spaces so a blank answer counts as missing."""
    return value.strip() if isinstance(value, str) else value


def too_long(limit: int) -> Any:
    """The message of a Length validator at `limit` characters."""
    return _l("Please keep this under %(max)d characters.", max=limit)
