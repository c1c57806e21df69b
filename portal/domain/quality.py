"""The report quality score: can staff act on this report as it was written?

One point for each of four things a safety manager coaches on (docs/insights.md):

- enough words: "what happened" has at least QUALITY_MIN_WORDS words;
- a photo: at least one photo came with the report;
- the potential outcome in the reporter's own words (the outcome choice itself is required,
  so it tells nothing; the optional words do);
- location detail: "where" says more than the name of the QR point it was sent from.
"""

from __future__ import annotations

QUALITY_MIN_WORDS = 10
POTENTIAL_MIN_WORDS = 3
QUALITY_MAX = 4


def word_count(text: str | None) -> int:
    return len((text or "").split())


def quality_score(
    *,
    what_happened: str,
    photo_count: int,
    potential_text: str | None,
    where_text: str,
    location_name: str,
) -> int:
    """0-4: one point each for enough words, a photo, own-words potential, location detail."""
    score = 0
    if word_count(what_happened) >= QUALITY_MIN_WORDS:
        score += 1
    if photo_count > 0:
        score += 1
    if word_count(potential_text) >= POTENTIAL_MIN_WORDS:
        score += 1
    if _adds_detail(where_text, location_name):
        score += 1
    return score


def _adds_detail(where_text: str, location_name: str) -> bool:
    """The reporter edited or extended the pre-filled place name."""
    where = " ".join(where_text.split()).casefold()
    return bool(where) and where != " ".join(location_name.split()).casefold()
