"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238, with pyotp) after the
password, or one of ten recovery codes.

The rules:
- any staff member turns it on from their profile: the app reads a QR code (or the secret
  typed in), and the first code it shows confirms that it works; ten recovery codes are then
  shown once;
- the secret is kept sealed (Fernet, with a key derived from the secret key): a copy of the
  database alone cannot make codes;
- a code is accepted during its 30-second step and the steps on either side (a phone clock a
  little off); each step's code works once: after a code is accepted, that step and every
  earlier one are refused ("used already"), also by a second request racing the first;
- a recovery code works once, instead of a code from the app; only a keyed hash is kept;
- turning it off, or asking for new recovery codes, needs the password; admins cannot turn it
  off while PORTAL_REQUIRE_ADMIN_2FA is on. Whoever manages a person on the People page may
  turn it off for them (a lost phone and lost codes);
- every change goes on the staff change trail.

Functions change the user in the caller's transaction; the caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from portal.domain import people
from portal.domain.loop import InvalidInput
from portal.extensions import db
from portal.lib import codes
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import RecoveryCode, User

ISSUER = "Closecall"  # the name the authenticator app shows above the codes
STEP_SECONDS = 30
CODE_DIGITS = 6
DRIFT_STEPS = 1  # the step before and after the current one are accepted too
EXPIRED_STEPS = 20  # a code up to ten minutes old is told apart from a wrong one
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # Crockford base 32: 50 bits, shown as XXXXX-XXXXX


class TwoFactorError(InvalidInput):
    """The code or the change is refused (the message says why, in the user's words)."""


class WrongCode(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(
            _l(
                "That code is not right. Type the 6-digit code your authenticator app shows "
                "now for Closecall (check that the phone's clock is right)."
            )
        )


class ExpiredCode(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(
            _l("That code has expired. Type the newest code your authenticator app shows.")
        )


class ReusedCode(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(
            _l("That code was used already. Wait for the next code in your authenticator app.")
        )


class BadRecoveryCode(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(_l("That recovery code is not right, or it was used already."))


class WrongPassword(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(_l("That is not your current password."))


class UnreadableSecret(TwoFactorError):
    def __init__(self) -> None:
        super().__init__(
            _l(
                "Your two-step sign-in cannot be checked on this server. Ask an admin to turn "
                "it off for you, then set it up again."
            )
        )


# -- the secret


def _sealer() -> Fernet:
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"totp-secret-seal", hashlib.sha256
    ).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """The secret as stored (and as carried in the session during set-up)."""
    return _sealer().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _sealer().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise UnreadableSecret() from exc


def new_secret() -> str:
    """A fresh TOTP secret: 32 base-32 characters, 160 bits."""
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """ABCDEFGH... -> ABCD EFGH ..., for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


# -- codes from the app


def _step(now: datetime) -> int:
    return int(now.replace(tzinfo=UTC).timestamp()) // STEP_SECONDS


def code_at(secret: str, now: datetime) -> str:
    """The app's code at this moment (tests and the set-up page's own checks)."""
    return pyotp.TOTP(secret).generate_otp(_step(now))


def clean(text: str) -> str:
    """What was typed, without spaces and dashes."""
    return "".join(ch for ch in (text or "") if not ch.isspace() and ch != "-")


def looks_like_app_code(text: str) -> bool:
    code = clean(text)
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def _matching_step(secret: str, code: str, now: datetime, steps: range) -> int | None:
    totp = pyotp.TOTP(secret)
    current = _step(now)
    found = None
    for offset in steps:
        # compare every candidate: the time taken does not tell which step matched
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            found = current + offset
    return found


def _check_app_code(secret: str, text: str, now: datetime) -> int:
    """The time step of a code that is right now; WrongCode or ExpiredCode otherwise."""
    code = clean(text)
    if not looks_like_app_code(code):
        raise WrongCode()
    step = _matching_step(secret, code, now, range(-DRIFT_STEPS, DRIFT_STEPS + 1))
    if step is not None:
        return step
    if _matching_step(secret, code, now, range(-EXPIRED_STEPS, -DRIFT_STEPS)) is not None:
        raise ExpiredCode()
    raise WrongCode()


def _spend_step(user: User, step: int) -> None:
    """Accept the step once: a conditional update, so two requests with the same code (or a
    code of an earlier step) cannot both pass, whatever the timing."""
    spent = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise ReusedCode()
    user.totp_last_step = step


# -- recovery codes


def _recovery_hash(user_id: int, code: str) -> str:
    return codes.keyed_hash(current_app.config["SECRET_KEY"], f"recovery-code|{user_id}", code)


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Ten new codes in place of any earlier ones; returned in clear (the only time)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    fresh = [codes.random_code(RECOVERY_CODE_LENGTH) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, code), created_at=now)
        for code in fresh
    )
    db.session.flush()
    return [codes.group(code, 5) for code in fresh]


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _use_recovery_code(user: User, text: str, now: datetime) -> None:
    code = codes.normalize(text or "")
    if len(code) != RECOVERY_CODE_LENGTH or any(ch not in codes.ALPHABET for ch in code):
        raise BadRecoveryCode()
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise BadRecoveryCode()
    people.record(user, user, "recovery_code_used", None, str(recovery_codes_left(user)))


# -- turning it on and off


def required(user: User) -> bool:
    """Admins must use it when PORTAL_REQUIRE_ADMIN_2FA is on."""
    return bool(current_app.config.get("REQUIRE_ADMIN_2FA")) and user.is_admin


def missing(user: User) -> bool:
    """The user must set it up before going anywhere else."""
    return required(user) and not user.has_two_factor


def turn_on(
    user: User, secret: str, *, password: str, code: str, now: datetime | None = None
) -> list[str]:
    """Confirm the set-up with the password and the app's first code: two-step sign-in is on,
    and the ten recovery codes are returned (shown once). The password keeps someone who
    found a signed-in browser from locking its owner out with their own phone."""
    now = now or utcnow()
    if user.has_two_factor:
        raise TwoFactorError(_l("Two-step sign-in is on already."))
    if not user.check_password(password):
        raise WrongPassword()
    step = _check_app_code(secret, code, now)
    user.totp_secret = seal(secret)
    user.totp_last_step = step  # the confirming code does not work again at sign-in
    user.two_factor_since = now
    fresh = _new_recovery_codes(user, now)
    people.record(user, user, "2fa_on", "off", "on")
    return fresh


def verify(user: User, code: str, now: datetime | None = None) -> str:
    """The second step of signing in: a code from the app ("app") or a recovery code
    ("recovery"), each working once. Raises a TwoFactorError that says what is wrong."""
    now = now or utcnow()
    if not user.has_two_factor:
        raise WrongCode()
    if looks_like_app_code(code):
        secret = unseal(user.totp_secret or "")
        _spend_step(user, _check_app_code(secret, code, now))
        return "app"
    _use_recovery_code(user, code, now)
    return "recovery"


def _off(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.two_factor_since = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, password: str) -> None:
    """Off, once the password is given (admins keep it while it is required)."""
    if not user.has_two_factor:
        raise TwoFactorError(_l("Two-step sign-in is off already."))
    if required(user):
        raise TwoFactorError(_l("Admins must keep two-step sign-in on here."))
    if not user.check_password(password):
        raise WrongPassword()
    _off(user)
    people.record(user, user, "2fa_off", "on", "off")


def reset_for(actor: User, person: User) -> None:
    """Turned off by someone who manages the person (a lost phone and lost recovery codes):
    they set it up again at their next sign-in if it is required, or from their profile."""
    if not people.can_manage(actor, person) or actor.id == person.id:
        raise people.NotAllowed(f"{actor.email} may not reset {person.email}'s two-step sign-in")
    if not person.has_two_factor:
        raise TwoFactorError(_l("Two-step sign-in is off already."))
    _off(person)
    people.record(actor, person, "2fa_reset", "on", "off")


def renew_recovery_codes(user: User, password: str, now: datetime | None = None) -> list[str]:
    """Ten new recovery codes, once the password is given; the earlier ones stop working."""
    if not user.has_two_factor:
        raise TwoFactorError(_l("Turn on two-step sign-in first."))
    if not user.check_password(password):
        raise WrongPassword()
    fresh = _new_recovery_codes(user, now or utcnow())
    people.record(user, user, "recovery_codes_renewed", None, None)
    return fresh


def setup_secret(sealed: str | None) -> str:
    """The secret of a set-up in progress (kept sealed in the session), or a new one."""
    if sealed:
        try:
            return unseal(sealed)
        except UnreadableSecret:
            pass
    return new_secret()
