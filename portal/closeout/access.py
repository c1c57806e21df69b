"""Access checks for the closeout board: each view calls one of these on its first line.

An action at a site the user cannot see answers 404, so its existence does not leak; one
they see without a triage role (viewers) answers 403 for every change.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.closeout.board import CARD_LOADS
from portal.domain import permissions
from portal.extensions import db
from portal.models import CorrectiveAction


def action_to_view(action_id: int) -> CorrectiveAction:
    """An action the user may see, with what its card shows."""
    action = db.session.get(CorrectiveAction, action_id, options=CARD_LOADS)
    if action is None or not permissions.can_view_site(current_user, action.site_id):
        abort(404)
    return action


def action_to_work_on(action_id: int) -> CorrectiveAction:
    """An action the user may verify, reassign, re-date or cancel: triage staff of its site."""
    action = action_to_view(action_id)
    if not permissions.can_work_on(current_user, action.report):
        abort(403)
    return action


def action_to_complete(action_id: int) -> CorrectiveAction:
    """An action the user may mark done: its owner, or triage staff of its site."""
    action = action_to_view(action_id)
    if not permissions.can_complete(current_user, action):
        abort(403)
    return action


def may_act() -> bool:
    """Whether the user acts on cards at all (every card on the board is at a site they see)."""
    return current_user.is_active and current_user.role in permissions.TRIAGE_ROLES


def reload(action_id: int) -> CorrectiveAction:
    """The action as it is now in the database, after a failed write."""
    db.session.rollback()  # expires every loaded object: the next read is fresh
    return action_to_view(action_id)
