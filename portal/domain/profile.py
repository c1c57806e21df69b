"""What staff change about themselves on the profile page: name, language, the morning
digest, and their password. Each change goes on the staff change trail."""

from __future__ import annotations

from flask import current_app

from portal.domain import people
from portal.domain.loop import InvalidInput
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import User


def languages() -> list[str]:
    """The languages the staff pages speak (PORTAL_LANGUAGES)."""
    return list(current_app.config["LANGUAGES"])


def update(user: User, *, name: str, language: str | None, wants_digest: bool) -> list[str]:
    """Save the profile; what changed, as trail codes."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_l("Please write your name."))
    if language is not None and language not in languages():
        raise InvalidInput(_l("Choose one of the languages offered."))
    changed = []
    for what, before, after in (
        ("name", user.name, name),
        ("language", user.language, language),
        ("digest", user.wants_digest, wants_digest),
    ):
        if before != after:
            changed.append(what)
            people.record(user, user, what, _shown(before), _shown(after))
    user.name, user.language, user.wants_digest = name, language, wants_digest
    return changed


def change_password(user: User, *, current: str, password: str, again: str) -> None:
    """A new password, once the current one is given; every other session ends."""
    if not user.check_password(current):
        raise InvalidInput(_l("That is not your current password."))
    people.check_new_password(password, again)
    user.set_password(password)
    people.record(user, user, "password_changed", None, None)


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)
