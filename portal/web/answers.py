"""Applying one domain change and answering it: the same outcome gets the same status on every
surface (the triage and closeout boards' cards, the report page).

    saved                       the surface's `done()` (303, or the fragment for htmx)
    changed meanwhile           409, the fresh object and what the user typed (`conflict()`)
    not possible in this state  409, saying what the object is now (`refused(error, 409)`)
    input only the domain can judge   422, with the reason (`refused(error, 422)`)
    not this user's to change   403

The session is rolled back before any answer but `done()`, so the answer reads the object
as it is now (and a failed flush leaves nothing half-written).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal.domain.loop import Conflict, InvalidInput, PermissionDenied, TransitionError
from portal.extensions import db
from portal.models import User


def refused_status(error: Exception) -> int:
    """409 when the object's state no longer allows the step, 422 for input the domain refused."""
    return 409 if isinstance(error, TransitionError) else 422


class Answer(Protocol):
    """What a surface shows for each outcome of a change."""

    def done(self) -> ResponseReturnValue: ...

    def conflict(self) -> ResponseReturnValue: ...

    def refused(self, error: Exception, status: int) -> ResponseReturnValue: ...


def me() -> User:
    """The signed-in user itself: the domain stores it on reports and actions, so not the proxy."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def apply_change(
    change: Callable[[], object],
    answer: Answer,
    *,
    undo: Callable[[], object] | None = None,
) -> ResponseReturnValue:
    """Make one domain change and commit it, then answer; `undo` cleans up what the change
    left outside the database (stored photos) when it is not saved."""
    saved = False
    try:
        change()
        db.session.commit()
        saved = True
    except (Conflict, StaleDataError):  # StaleDataError: saved by another transaction meanwhile
        db.session.rollback()
        return answer.conflict()
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except (TransitionError, InvalidInput) as error:
        db.session.rollback()
        return answer.refused(error, refused_status(error))
    finally:
        if not saved and undo is not None:
            undo()
    return answer.done()
