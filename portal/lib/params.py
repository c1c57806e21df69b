"""Board filters read from URL parameters: a wrong value is ignored with a note, never a 400."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.lib.lazytext import lazy_gettext as _l


def number(args: Mapping[str, str], name: str, notes: list[Any], label: Any) -> int | None:
    """A positive whole number (an id), or None; an invalid value adds a note saying so."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    notes.append(
        _l("Ignored the %(filter)s filter: “%(value)s” is not valid.", filter=label, value=raw[:40])
    )
    return None


def flag(args: Mapping[str, str], name: str, notes: list[Any], note: Any) -> bool:
    """A 0/1 switch; anything else is ignored with the given note."""
    raw = (args.get(name) or "").strip()
    if raw not in ("", "0", "1"):
        notes.append(note)
    return raw == "1"
