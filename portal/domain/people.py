"""Staff accounts run from the portal: who may see and manage whom, and every change to an
account (invite, role, sites, deactivate, reactivate), each recorded in the staff change trail.

The rules:
- admins see and manage everyone, and may give any role;
- a safety manager sees the staff of their own sites, and manages only supervisors and viewers
  whose every site is one of theirs; they never give a role above supervisor, nor a site that
  is not theirs;
- nobody deactivates or demotes the last active admin, nor deactivates or demotes themselves
  (no one locks themselves out).

Each function checks the actor, changes the account, appends StaffChange rows and writes its
email to the outbox, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, exists, func, or_, select, true

from portal.domain import links
from portal.domain.loop import InvalidInput, PermissionDenied
from portal.extensions import db
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.passwords import MIN_PASSWORD_LENGTH
from portal.lib.timeutil import utcnow
from portal.models import LinkPurpose, Role, Site, StaffChange, User, user_sites
from portal.notify import account_mail

# a password nobody can type: argon2 refuses it as a hash, so sign-in fails until the invitee
# chooses their own
NO_PASSWORD = "!invited"  # noqa: S105 - a marker, not a password
SITE_ROLES = {Role.SAFETY_MANAGER, Role.SUPERVISOR, Role.VIEWER}
SAFETY_MANAGER_GIVES = {Role.SUPERVISOR, Role.VIEWER}


class PeopleError(InvalidInput):
    """The change is refused as asked (the message says why, in the user's words)."""


class NotAllowed(PermissionDenied):
    """The actor may not manage this person, or give this role or these sites."""


# -- who sees and manages whom


def can_manage_people(actor: User) -> bool:
    """The People page: admins and safety managers."""
    return actor.is_active and actor.role in (Role.ADMIN, Role.SAFETY_MANAGER)


def roles_given_by(actor: User) -> list[Role]:
    """The roles the actor may give, highest first."""
    if not can_manage_people(actor):
        return []
    if actor.role == Role.ADMIN:
        return list(Role)
    return [role for role in Role if role in SAFETY_MANAGER_GIVES]


def visible_people(actor: User) -> ColumnElement[bool]:
    """The SQL condition "the actor sees this account": admins everyone, safety managers the
    people of their sites (and themselves)."""
    if actor.role == Role.ADMIN:
        return true()
    shared = exists().where(
        user_sites.c.user_id == User.id, user_sites.c.site_id.in_(actor.site_ids or {-1})
    )
    return or_(User.id == actor.id, shared)


def can_see(actor: User, person: User) -> bool:
    """Admins see everyone; a safety manager the people of their sites."""
    if not can_manage_people(actor):
        return False
    return actor.is_admin or person.id == actor.id or bool(person.site_ids & actor.site_ids)


def can_manage(actor: User, person: User) -> bool:
    """Admins manage everyone; a safety manager the supervisors and viewers whose every site
    is one of theirs."""
    if not can_manage_people(actor):
        return False
    if actor.is_admin:
        return True
    return (
        person.role in SAFETY_MANAGER_GIVES
        and bool(person.site_ids)
        and person.site_ids <= actor.site_ids
    )


def _check_manage(actor: User, person: User) -> None:
    if not can_manage(actor, person):
        raise NotAllowed(f"{actor.email} may not manage {person.email}")


def check_access(actor: User, role: str, sites: list[Site]) -> None:
    """The role and sites the actor asks to give: allowed, and sensible together."""
    if role not in {r.value for r in Role}:
        raise PeopleError(_l("Choose a role."))
    if Role(role) not in roles_given_by(actor):
        raise NotAllowed(f"{actor.email} may not give the role {role}")
    if not actor.is_admin and not {site.id for site in sites} <= actor.site_ids:
        raise NotAllowed(f"{actor.email} may not give sites that are not theirs")
    if role in SITE_ROLES and not sites:
        raise PeopleError(_l("Choose at least one site: this role sees only its sites."))


def sites_by_id(site_ids: Iterable[int]) -> list[Site]:
    """The sites with these ids, in name order (an unknown id is refused)."""
    wanted = set(site_ids)
    if not wanted:
        return []
    found = list(db.session.scalars(select(Site).where(Site.id.in_(wanted)).order_by(Site.name)))
    if len(found) != len(wanted):
        raise PeopleError(_l("Choose sites from the list."))
    return found


def sites_offered(actor: User) -> list[Site]:
    """The sites the actor may give: every site for admins, their own for safety managers."""
    query = select(Site).order_by(Site.name)
    if not actor.is_admin:
        query = query.where(Site.id.in_(actor.site_ids or {-1}))
    return list(db.session.scalars(query))


def _active_admins() -> int:
    """How many active admins who can sign in there are, the rows locked until commit where
    the database can (PostgreSQL): two admins demoting each other at once cannot both pass."""
    query = select(User.id).where(
        User.role == Role.ADMIN.value,
        User.active.is_(True),
        User.password_hash != NO_PASSWORD,  # an invitee who never joined cannot step in
    )
    return len(db.session.scalars(query.with_for_update()).all())


def _check_not_locking_out(actor: User, person: User, *, keeps_admin: bool) -> None:
    """Refuse to take the actor's own access, or the last active admin's."""
    if person.id == actor.id:
        raise PeopleError(_l("You cannot take away your own access: ask another admin to do it."))
    if person.is_admin and person.active and not keeps_admin and _active_admins() <= 1:
        raise PeopleError(_l("This is the last active admin: make someone else admin first."))


# -- the trail


def record(
    actor: User | None, person: User, what: str, before: str | None, after: str | None
) -> StaffChange:
    """Append one change to the staff change trail."""
    change = StaffChange(
        actor_id=actor.id if actor is not None else None,
        subject_id=person.id,
        what=what,
        before=before,
        after=after,
        at=utcnow(),
    )
    db.session.add(change)
    return change


def site_names(sites: Iterable[Site]) -> str:
    return ", ".join(sorted(site.name for site in sites))


def describe(user: User) -> str:
    """An account as the trail shows it on creation: role, sites."""
    sites = site_names(user.sites)
    return f"{user.role}; {sites}" if sites else user.role


# -- changes


@dataclass(frozen=True)
class Invited:
    user: User
    link: str  # the one-time link, in clear: shown to the inviter once, and in the email


def normalize_email(email: str) -> str:
    return email.strip().lower()


def invite(actor: User, *, name: str, email: str, role: str, sites: list[Site]) -> Invited:
    """A new account that cannot sign in until its owner chooses a password through the
    one-time link emailed to them (through the outbox)."""
    if not can_manage_people(actor):
        raise NotAllowed(f"{actor.email} may not invite")
    email = normalize_email(email)
    name = name.strip()
    if "@" not in email or not name:
        raise PeopleError(_l("Enter a name and an email address."))
    check_access(actor, role, sites)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise PeopleError(_l("Someone has this email address already: search for them."))
    user = User(
        email=email,
        name=name,
        role=role,
        sites=[] if role == Role.ADMIN else sites,
        password_hash=NO_PASSWORD,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, user, "invited", None, describe(user))
    return Invited(user, _send_invitation(actor, user))


def _send_invitation(actor: User, user: User) -> str:
    account_mail.forget_links(user, account_mail.INVITATION)
    token = links.issue(user, LinkPurpose.INVITATION)
    account_mail.invitation(user, token, actor, current_app.config["INVITE_HOURS"])
    return account_mail.invitation_link(token)


def is_invited(user: User) -> bool:
    """Invited, and has not chosen a password yet."""
    return user.password_hash == NO_PASSWORD


def renew_invitation(actor: User, person: User) -> Invited:
    """A new invitation link for someone who has not joined yet; the earlier link stops
    working and the earlier emails lose it."""
    _check_manage(actor, person)
    if not is_invited(person):
        raise PeopleError(_l("%(name)s has joined already.", name=person.name))
    if not person.active:
        raise PeopleError(_l("Reactivate %(name)s first.", name=person.name))
    record(actor, person, "invitation_renewed", None, None)
    return Invited(person, _send_invitation(actor, person))


def change_access(actor: User, person: User, *, name: str, role: str, sites: list[Site]) -> bool:
    """Give the person a new name, role and sites; True when anything changed."""
    _check_manage(actor, person)
    check_access(actor, role, sites)
    sites = [] if role == Role.ADMIN else sites
    name = name.strip()
    if not name:
        raise PeopleError(_l("Enter a name."))
    changed = False
    if role != person.role:
        if person.id == actor.id:
            raise PeopleError(_l("You cannot change your own role: ask another admin to do it."))
        _check_not_locking_out(actor, person, keeps_admin=role == Role.ADMIN)
        record(actor, person, "role", person.role, role)
        person.role = role
        changed = True
    if {site.id for site in sites} != person.site_ids:
        record(actor, person, "sites", site_names(person.sites), site_names(sites))
        person.sites = sites
        changed = True
    if name != person.name:
        record(actor, person, "name", person.name, name)
        person.name = name
        changed = True
    return changed


def deactivate(actor: User, person: User) -> None:
    """No more access: sign-in refused and every session of the person ended at once."""
    _check_manage(actor, person)
    if not person.active:
        return
    _check_not_locking_out(actor, person, keeps_admin=False)
    person.deactivate()
    record(actor, person, "deactivated", "active", "inactive")


def reactivate(actor: User, person: User) -> None:
    """Access back (their old sessions stay ended: they sign in again)."""
    _check_manage(actor, person)
    if person.active:
        return
    person.active = True
    record(actor, person, "reactivated", "inactive", "active")


# -- a person's own account, through a one-time link


def check_new_password(password: str, again: str) -> None:
    """The same rule as every password: long enough, typed the same twice."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PeopleError(_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    if password != again:
        raise PeopleError(_l("The two passwords are not the same."))


def _spend_for_password(
    link_token: str, purpose: LinkPurpose, password: str, again: str
) -> User | None:
    """Spend a one-time link on a new password (which ends every session of the account).
    None when the link does not work (forged, replaced, used, expired, account deactivated)."""
    link = links.find(link_token, purpose)
    if link is None:
        return None
    check_new_password(password, again)
    user = link.user
    if not links.use(link):
        return None
    user.set_password(password)
    return user


def join(link_token: str, password: str, again: str) -> User | None:
    """The invitee chooses their password: the link is spent and the account can sign in."""
    user = _spend_for_password(link_token, LinkPurpose.INVITATION, password, again)
    if user is None:
        return None
    user.last_login_at = utcnow()
    account_mail.forget_links(user, account_mail.INVITATION)
    record(user, user, "joined", None, None)
    return user


def request_reset(email: str) -> None:
    """Email a password reset link to the account with this address, if there is an active
    one that has joined; otherwise do nothing (the visitor is told the same either way)."""
    from portal.domain import company

    if company.password_off(email):  # company sign-in only: no password to reset
        return
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.active or is_invited(user):
        return
    account_mail.forget_links(user, account_mail.PASSWORD_RESET)
    token = links.issue(user, LinkPurpose.RESET)
    account_mail.password_reset(user, token, current_app.config["RESET_MINUTES"])
    record(user, user, "reset_requested", None, None)


def reset_password(link_token: str, password: str, again: str) -> User | None:
    """A new password through a reset link: the link is spent and every session of the
    account ends. None when the link does not work."""
    user = _spend_for_password(link_token, LinkPurpose.RESET, password, again)
    if user is None:
        return None
    account_mail.forget_links(user, account_mail.PASSWORD_RESET)
    record(user, user, "password_reset", None, None)
    return user
