"""The notes the portal itself writes on a report's timeline, in the reader's language.

A person's own words (a reason, a summary, a reply) are stored and shown as they were typed.
What the portal adds by itself ("Chemical, environmental, severity 3 x likelihood 3") is stored
as its facts, in JSON, and written in the reader's language each time it is shown — so a
Spanish safety manager reads the same timeline in Spanish. Notes stored as English text before
this (or by an older version) are shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

_KEY = "facts"


def facts(**values: Any) -> str:
    """A note made of facts, to be written in words when shown (see `words`)."""
    return json.dumps({_KEY: values}, ensure_ascii=False, sort_keys=True)


def _classified(
    category: str,
    domain: str,
    severity: int,
    likelihood: int,
    high_potential: bool = False,
    override: str | None = None,
) -> str:
    from portal.domain import labels  # labels reads the loop, which writes these notes

    text = _(
        "%(category)s, %(domain)s, severity %(severity)d x likelihood %(likelihood)d",
        category=category,
        domain=labels.label(labels.DOMAIN, domain),
        severity=severity,
        likelihood=likelihood,
    )
    if high_potential:
        text += ", " + _("high-potential")
    if override:
        text += " " + _("(flag overridden: %(reason)s)", reason=override)
    return text


def _assigned(owner: str | None, asset: str | None = None) -> str:
    text = _("owner: %(name)s", name=owner) if owner else _("no owner")
    if asset:
        text += ", " + _("asset: %(name)s", name=asset)
    return text


WRITERS: dict[str, Callable[..., str]] = {
    "submitted": lambda on_behalf: _("entered by staff on the reporter's behalf"),
    "classified": _classified,
    "assigned": _assigned,
    "merged": lambda into: _("into report #%(id)d", id=into),
    "merged_from": lambda report: _("report #%(id)d joined this one", id=report),
    "investigated": lambda steps: ngettext("%(num)d why-step", "%(num)d why-steps", steps),
    "doubt_answered": lambda new_action: _("a new action was added"),
    "summary": lambda not_public: _("not for public display"),
}


def words(kind: str, note: str | None) -> str | None:
    """A stored note as the reader reads it: facts written in the page's language, anything
    else (a person's words, an older note) as it is."""
    if not note or not note.startswith('{"' + _KEY + '"') or kind not in WRITERS:
        return note
    try:
        values = json.loads(note)[_KEY]
        return WRITERS[kind](**values)
    except (ValueError, TypeError, KeyError):  # someone's own words that look like JSON
        return note
