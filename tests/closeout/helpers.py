"""Reading the closeout board's HTML (the builders are in tests/factories)."""

from __future__ import annotations

import re

from flask import Flask

from tests.factories import fetch_action


def version(app: Flask, action_id: int) -> int:
    return fetch_action(app, action_id).version


def cards(html: str) -> list[int]:
    """The action ids of the cards in a piece of HTML, in order."""
    return [int(found) for found in re.findall(r'<article[^>]*id="action-(\d+)"', html)]


def column(html: str, key: str) -> str:
    """The HTML of one column of the board."""
    start = html.index(f'class="column column-{key}"')
    end = html.find('<section class="column', start + 1)
    return html[start : end if end != -1 else len(html)]


def count(html: str, key: str) -> int:
    match = re.search(rf'id="title-{key}">[^<]*<span class="count">(\d+)</span>', html)
    assert match, f"no count for {key}"
    return int(match.group(1))
