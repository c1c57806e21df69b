"""Numbers that say nothing about order: a report's (and a photo's) id is drawn at random.

A sequential number would place an anonymous report between its named neighbours, whose
minutes are known (named #302 at 19:13, anonymous #303, named #304 at 19:14). Staff still
read and type a short number ("#482913"); the database only ever sees it as the primary key.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

LOWEST = 100_000
HIGHEST = 999_999
# a draw that hits a used number draws again; at a million reports the space would need a digit
TRIES = 50


def unused_number(table: str) -> Callable[[Any], int]:
    """A column default: a random six-digit number not yet used as `table`'s id."""
    exists = text(f"SELECT 1 FROM {table} WHERE id = :id")  # noqa: S608 - a fixed table name

    def draw(context: Any) -> int:
        for _ in range(TRIES):
            number = LOWEST + secrets.randbelow(HIGHEST - LOWEST + 1)
            if context.connection.execute(exists, {"id": number}).first() is None:
                return number
        raise RuntimeError(f"no unused number left in {table}: widen portal/models/numbers.py")

    return draw
