"""Bar labels that fit their column and stay distinct.

A label is drawn on up to LINES lines, broken at spaces. One too long even so is shortened —
at its end when what sets it apart from the chart's other labels is still shown, else in its
middle, keeping the part that differs: five bars of "North Distribution Center — <place>" read
"North Distribution… / Inbound dock A", never five times "North Distribution Center…". The
full label stays in the table and in each bar's accessible name.
"""

from __future__ import annotations

from collections.abc import Sequence

LINES = 2
ELLIPSIS = "…"


def wrap(label: str, width: int) -> list[str]:
    """Greedy word wrap at `width` characters (a word longer than that is cut)."""
    lines: list[str] = []
    line = ""
    for word in label.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _shared(one: str, other: str) -> int:
    """How many characters two labels share from their start."""
    return next(
        (n for n, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )


def _differs_at(label: str, others: Sequence[str]) -> int:
    """Where the label first differs from the other label most like it."""
    return max((_shared(label, other) for other in others), default=0)


def _shortened(label: str, budget: int, differs: int) -> str:
    """The label in at most `budget` characters, still showing the character at `differs`
    (from the start of its word on, when the middle has to go)."""
    if differs < budget // 2:  # an early difference: cutting the end keeps it in sight
        return _head(label, budget - 1) + ELLIPSIS
    tail = label[label.rfind(" ", 0, differs) + 1 :]
    if len(tail) > budget // 2 + 1:  # the differing part itself is long: keep its beginning
        tail = tail[: budget // 2].rstrip() + ELLIPSIS
    return f"{_head(label, budget - len(tail) - 2)}{ELLIPSIS} {tail}"


def _head(label: str, room: int) -> str:
    """The label's beginning in `room` characters, ended at a whole word when one fits."""
    head = label[: max(room, 1)]
    if len(head) < len(label) and label[len(head)] != " " and " " in head:
        head = head[: head.rfind(" ")]
    return head.rstrip(" -,;:\N{EM DASH}\N{EN DASH}")


def _fitted(text: str, width: int, lines: int) -> tuple[str, ...] | None:
    wrapped = wrap(text, width)
    return tuple(wrapped) if len(wrapped) <= lines else None


def _first_fit(label: str, others: Sequence[str], width: int, lines: int) -> tuple[str, ...]:
    """The label whole if it fits, else shortened keeping where it differs from the others."""
    whole = _fitted(label, width, lines)
    if whole is not None:
        return whole
    differs = _differs_at(label, others)
    budget = width * lines
    while budget > 2:  # words do not fill every line to the brim: shorten until it fits
        shortened = _fitted(_shortened(label, budget, differs), width, lines)
        if shortened is not None:
            return shortened
        budget -= 1
    return (*wrap(label, width)[: lines - 1], ELLIPSIS)


def _ends(label: str, width: int, lines: int):  # type: ignore[no-untyped-def]
    """Shortenings that keep more and more of the label's end: "North Di… aisle 14"."""
    budget = width * lines
    for tail in range(1, budget - 2):
        text = f"{_head(label, budget - tail - 2)}{ELLIPSIS} {label[-tail:].lstrip()}"
        fitted = _fitted(text, width, lines)
        if fitted is not None:
            yield fitted


def fit(labels: Sequence[str], width: int, lines: int = LINES) -> list[tuple[str, ...]]:
    """Each label as at most `lines` lines of `width` characters, shortened where it must be,
    every label distinct from the others."""
    fitted = [
        _first_fit(label, [other for n, other in enumerate(labels) if n != index], width, lines)
        for index, label in enumerate(labels)
    ]
    for index, label in enumerate(labels):
        if fitted.count(fitted[index]) == 1:
            continue
        taken = set(fitted[:index] + fitted[index + 1 :])
        fitted[index] = next(
            (text for text in _ends(label, width, lines) if text not in taken),
            (*fitted[index][:-1], f"{fitted[index][-1]} ({index + 1})"),  # never met in practice
        )
    return fitted
