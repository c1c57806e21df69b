"""Creating staff accounts (used by the CLI and the admin pages)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from portal.extensions import db
from portal.lib.passwords import MIN_PASSWORD_LENGTH
from portal.models import Role, Site, User


class AccountError(ValueError):
    """The account cannot be created as asked."""


def create_user(
    *, email: str, name: str, role: str, password: str, site_slugs: Iterable[str] = ()
) -> User:
    """A new active staff account with a hashed password, linked to the given sites."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address")
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"a user with email {email} exists already")
    sites = []
    for slug in site_slugs:
        site = db.session.scalar(select(Site).where(Site.slug == slug))
        if site is None:
            raise AccountError(f"no site with slug {slug!r}")
        sites.append(site)
    if role == Role.SUPERVISOR and not sites:
        raise AccountError("a supervisor needs at least one --site")
    user = User(email=email, name=name.strip(), role=role, sites=sites)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
