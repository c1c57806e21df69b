"""Access checks of the People page: each view calls one of these on its first line.

Staff who manage nobody (supervisors, viewers) get 403 on every page; a person the user does
not see (another site's) answers 404, so their existence does not leak; one they see but may
not manage (a safety manager looking at another safety manager) answers 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.domain import people as rules
from portal.domain import permissions
from portal.extensions import db
from portal.models import User


def require_manager() -> None:
    """Stop anyone who manages no one with 403."""
    if not rules.can_manage_people(current_user):
        abort(403)


def require_admin() -> None:
    """The change trail: admins only."""
    if not permissions.can_administer(current_user):
        abort(403)


def person_to_manage(user_id: int) -> User:
    """A person the user may change."""
    require_manager()
    person = db.get_or_404(User, user_id)
    if not rules.can_see(current_user, person):
        abort(404)
    if not rules.can_manage(current_user, person):
        abort(403)
    return person
