"""Company sign-in (OpenID Connect): who may come in with the company's account.

The rules, applied to the claims of an ID token whose signature, issuer, audience, nonce and
expiry were checked already (portal/auth/company.py):
- the email must be there, not marked unverified, and at one of PORTAL_OIDC_ALLOWED_DOMAINS;
- it must belong to an account of the portal (invited or joined), unless
  PORTAL_OIDC_CREATE_ACCOUNTS is on: then a first sign-in makes one, with
  PORTAL_OIDC_NEW_ACCOUNT_ROLE (never admin) and no sites (a manager gives them);
- a deactivated account stays out;
- the first company sign-in binds the provider's subject ("sub") to the account; later ones
  must bring the same subject (an address given to someone else at the company does not open
  the former owner's account);
- an invited person who signs in this way has joined: their invitation link stops working.

People at PORTAL_OIDC_PASSWORD_OFF_DOMAINS cannot sign in with a password (nor ask for a
password reset): company sign-in only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.domain import links, people
from portal.extensions import db
from portal.lib.lazytext import LazyText
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import LinkPurpose, User
from portal.notify import account_mail

# the password of an account that joined through company sign-in: like the invitation's
# marker, no password matches it (argon2 refuses it as a hash), but the person has joined
COMPANY_ONLY = "!company"


@dataclass
class Refused(Exception):
    """The company account may not sign in here; the message says why, calmly."""

    message: LazyText
    reason: str  # for the log: never the address

    def __str__(self) -> str:
        return str(self.message)


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def password_off(email: str) -> bool:
    """Company sign-in only for this address: password sign-in and resets are turned off."""
    return enabled() and _domain(email) in current_app.config["OIDC_PASSWORD_OFF_DOMAINS"]


def allowed_domains() -> str:
    return ", ".join(sorted(current_app.config["OIDC_ALLOWED_DOMAINS"]))


def account_for(claims: Mapping[str, object]) -> User:
    """The account these (checked) claims sign in to, made or bound as the rules say; the
    caller commits. Raises Refused."""
    subject = str(claims.get("sub") or "")
    email = people.normalize_email(str(claims.get("email") or ""))
    if not subject or "@" not in email:
        raise Refused(
            _l("Your company account did not give us an email address: we cannot sign you in."),
            "no email",
        )
    if claims.get("email_verified") is False:
        raise Refused(
            _l("Your company account's email address is not verified yet: we cannot sign you in."),
            "email not verified",
        )
    if _domain(email) not in current_app.config["OIDC_ALLOWED_DOMAINS"]:
        raise Refused(
            _l(
                "Company sign-in is for addresses at %(domains)s; %(email)s is not one of them.",
                domains=allowed_domains(),
                email=email,
            ),
            "domain not allowed",
        )
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        if not current_app.config["OIDC_CREATE_ACCOUNTS"]:
            raise Refused(
                _l(
                    "There is no Closecall account for %(email)s yet. Ask your safety manager "
                    "or an admin to invite you, then sign in again.",
                    email=email,
                ),
                "no account",
            )
        return _create(email, subject, claims)
    if not user.active:
        raise Refused(
            _l("The Closecall account of %(email)s is deactivated. Ask an admin.", email=email),
            "deactivated",
        )
    if user.oidc_subject is None:
        _bind(user, subject)
    elif user.oidc_subject != subject:
        raise Refused(
            _l(
                "The Closecall account of %(email)s belongs to another company account. "
                "Ask an admin.",
                email=email,
            ),
            "another subject",
        )
    return user


def _create(email: str, subject: str, claims: Mapping[str, object]) -> User:
    taken = db.session.scalar(select(User.id).where(User.oidc_subject == subject))
    if taken is not None:
        raise Refused(
            _l("Your company account signs in to another Closecall account. Ask an admin."),
            "subject taken",
        )
    name = " ".join(str(claims.get("name") or "").split())[:120] or email.partition("@")[0]
    user = User(
        email=email,
        name=name,
        role=current_app.config["OIDC_NEW_ACCOUNT_ROLE"],
        password_hash=COMPANY_ONLY,
        oidc_subject=subject,
        last_login_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    people.record(None, user, "company_created", None, user.role)
    return user


def _bind(user: User, subject: str) -> None:
    taken = db.session.scalar(select(User.id).where(User.oidc_subject == subject))
    if taken is not None:
        raise Refused(
            _l("Your company account signs in to another Closecall account. Ask an admin."),
            "subject taken",
        )
    user.oidc_subject = subject
    people.record(user, user, "company_linked", None, None)
    if people.is_invited(user):
        # joined without choosing a password: the invitation link stops working
        link = links.pending(user.id, LinkPurpose.INVITATION)
        if link is not None and link.used_at is None:
            links.use(link)
        account_mail.forget_links(user, account_mail.INVITATION)
        user.password_hash = COMPANY_ONLY
        people.record(user, user, "joined", None, "company sign-in")
