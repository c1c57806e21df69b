"""Staff accounts: admin, safety_manager, supervisor (scoped to sites), viewer."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib import passwords
from portal.lib.timeutil import utcnow

if TYPE_CHECKING:
    from portal.models.site import Site


class Role(StrEnum):
    ADMIN = "admin"
    SAFETY_MANAGER = "safety_manager"
    SUPERVISOR = "supervisor"
    VIEWER = "viewer"


user_sites = Table(
    "user_sites",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.VIEWER.value)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie; rotating it revokes every session of the user server-side.
    session_token: Mapped[str] = mapped_column(String(64), default=_new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # chosen on the profile page: the staff pages' language (None: the browser's), and
    # whether the morning digest of one's corrective actions is wanted
    language: Mapped[str | None] = mapped_column(String(5))
    wants_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    # two-step sign-in (portal/domain/two_factor.py): the TOTP secret, sealed with a key
    # derived from the secret key (None: off), when it was turned on, and the time step of the
    # last code accepted (a code works once: that step and every earlier one are refused)
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    two_factor_since: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # company sign-in (portal/domain/company.py): the provider's subject ("sub") of the person,
    # bound at their first company sign-in; a later one must bring the same
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)

    sites: Mapped[list[Site]] = relationship(secondary=user_sites, back_populates="members")

    def get_id(self) -> str:
        """Flask-Login identity: the user id with the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        """Hash and store a new password, revoking every existing session."""
        self.password_hash = passwords.hash_password(password)
        self.revoke_sessions()

    def check_password(self, password: str) -> bool:
        """True when the password matches; rehashes when the parameters got stronger."""
        ok = passwords.verify_password(self.password_hash, password)
        if ok and passwords.needs_rehash(self.password_hash):
            self.password_hash = passwords.hash_password(password)
        return ok

    def deactivate(self) -> None:
        """No more access: sign-in refused and every session ended for good (reactivating the
        account later does not bring an old cookie back to life)."""
        self.active = False
        self.revoke_sessions()

    def revoke_sessions(self) -> None:
        """Invalidate every login cookie issued so far."""
        self.session_token = _new_session_token()

    @property
    def has_two_factor(self) -> bool:
        """Sign-in asks for a code from an authenticator app after the password."""
        return self.totp_secret is not None

    @property
    def site_ids(self) -> set[int]:
        return {site.id for site in self.sites}

    def sees_all_sites(self) -> bool:
        """Admins see every site; everyone else the sites they belong to."""
        return self.role == Role.ADMIN

    def can_see_site(self, site_id: int) -> bool:
        return self.sees_all_sites() or site_id in self.site_ids

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
