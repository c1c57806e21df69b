"""Sign in (the password, then the two-step code when the account has it) and out; company
sign-in (OpenID Connect) is in portal/auth/company.py."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.auth import bp
from portal.auth.forms import LoginForm, SecondStepForm
from portal.domain import company, two_factor
from portal.extensions import db, limiter
from portal.lib import passwords
from portal.lib.timeutil import utcnow
from portal.models import User
from portal.web.redirects import safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _burst_limit() -> str:
    return current_app.config["LOGIN_BURST_LIMIT"]


def _key_of(email: str) -> str:
    """Throttle failures per account too, so spreading guesses over addresses does not help.
    A keyed hash: the counters' storage (Redis) never holds a recoverable email address."""
    secret = current_app.config["SECRET_KEY"].encode()
    address = email.strip().lower().encode()
    return "account:" + hmac.new(secret, address, hashlib.sha256).hexdigest()[:24]


def _account_key() -> str:
    """The account a password is tried on: the email of the form."""
    return _key_of(request.form.get("email") or "")


def _pending_account_key() -> str:
    """The account a second-step code is tried on: the one whose password was right; the
    same key as its passwords', so guesses of both count together."""
    user = _pending_user()
    return _key_of(user.email if user is not None else "")


def _failed(response: Response) -> bool:
    return request.method == "POST" and response.status_code != 303


# A browser that signed in to an account before carries a signed cookie naming that account
# (by its keyed hash): the account-wide limits, which an attacker can fill from many addresses,
# do not apply to it, so guessing never locks the owner out of their own browser. The limit
# per client still does.
DEVICE_COOKIE = "closecall_device"
DEVICE_DAYS = 180


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _known_device_for(key: str) -> bool:
    """The request comes from a browser that signed in to this account before."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        account = _devices().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return hmac.compare_digest(str(account), key)


def _known_device() -> bool:
    return _known_device_for(_account_key())


def _known_device_pending() -> bool:
    return _known_device_for(_pending_account_key())


def _remember_device(response: Response, user: User) -> Response:
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(_key_of(user.email)),
        max_age=DEVICE_DAYS * 86400,
        path=url_for("auth.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


# -- the half-signed-in state between the password (or company sign-in) and the second step:
# the session names the account and its session token, until a deadline. It is not a sign-in:
# Flask-Login knows nobody, so every staff page still sends to the sign-in page.
PENDING = "second_step"
PENDING_SECONDS = 300


def begin_second_step(user: User, next_url: str) -> Response:
    """The password (or the company's sign-in) was right and the account asks for a code."""
    session.pop(PENDING, None)
    session[PENDING] = {
        "user": user.id,
        "token": user.session_token,
        "until": int(time.time()) + PENDING_SECONDS,
        "next": next_url,
    }
    return redirect(url_for("auth.second_step"), 303)


def _pending_state() -> dict[str, object] | None:
    state = session.get(PENDING)
    return state if isinstance(state, dict) else None


def _pending_user() -> User | None:
    """The account halfway signed in, while its deadline holds and nothing ended its
    sessions meanwhile (a new password, deactivation)."""
    state = _pending_state()
    if state is None or int(state.get("until", 0)) < time.time():  # type: ignore[call-overload]
        return None
    user = db.session.get(User, state.get("user"))
    if user is None or not user.active or not user.has_two_factor:
        return None
    if not hmac.compare_digest(user.session_token, str(state.get("token"))):
        return None
    return user


def finish_sign_in(user: User, next_url: str) -> Response:
    """Signed in: the session starts, the browser is remembered for the account."""
    session.pop(PENDING, None)
    user.last_login_at = utcnow()
    db.session.commit()
    login_user(user)
    return _remember_device(redirect(safe_next(next_url, url_for("staff.home")), 303), user)


# One set of counters for the password and the second step (shared limits): guessing codes
# spends the same allowance as guessing passwords, per client and per account.
_client_failures = limiter.shared_limit(
    _login_limit, scope="sign-in-client", methods=["POST"], deduct_when=_failed
)


def _account_limits(key: Callable[[], str], exempt: Callable[[], bool]) -> Callable[[Any], Any]:
    """The per-account counters of a sign-in step, shared by the password and the code.

    Failures are counted once known (after the password check), so guesses sent at the same
    instant all pass that check; every attempt on an account is also counted up front, against
    a higher cap, which bounds such a burst whatever the concurrency."""
    failures = limiter.shared_limit(
        _login_limit,
        scope="sign-in-account",
        methods=["POST"],
        key_func=key,
        deduct_when=_failed,
        exempt_when=exempt,
    )
    burst = limiter.shared_limit(
        _burst_limit, scope="sign-in-burst", methods=["POST"], key_func=key, exempt_when=exempt
    )
    return lambda view: _client_failures(failures(burst(view)))


@bp.route("/login", methods=["GET", "POST"])
@_account_limits(_account_key, _known_device)
def login() -> Response | tuple[str, int]:
    """Staff sign-in; failures are throttled per client and per account (but not for a browser
    that signed in to the account before). An account with two-step sign-in is asked for its
    code next."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"), 303)
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template(
            "auth/login.html", form=form
        ), 422 if request.method == "POST" else 200
    if company.password_off(form.email.data):
        form.email.errors = [
            _(
                "People at %(domain)s sign in with their company account: use the button below.",
                domain=form.email.data.rpartition("@")[2],
            )
        ]
        return render_template("auth/login.html", form=form), 403
    user = db.session.scalar(select(User).where(User.email == form.email.data))
    if user is None:
        passwords.burn_time(form.password.data)
    if user is None or not user.active or not user.check_password(form.password.data):
        form.password.errors = [_("The email or password is not right.")]
        return render_template("auth/login.html", form=form), 401
    next_url = safe_next(request.args.get("next"), url_for("staff.home"))
    if user.has_two_factor:
        db.session.commit()  # a rehashed password is kept
        return begin_second_step(user, next_url)
    return finish_sign_in(user, next_url)


@bp.route("/login/code", methods=["GET", "POST"])
@_account_limits(_pending_account_key, _known_device_pending)
def second_step() -> Response | tuple[str, int]:
    """The code from the authenticator app, or a recovery code, after a right password."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"), 303)
    user = _pending_user()
    if user is None:
        if _pending_state() is not None:
            session.pop(PENDING, None)
            flash(_("Your sign-in took too long. Please sign in again."), "info")
        return redirect(url_for("auth.login"), 303)
    recovery = request.args.get("recovery") == "1"
    form = SecondStepForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/second_step.html", form=form, recovery=recovery), status
    try:
        how = two_factor.verify(user, form.code.data)
    except two_factor.TwoFactorError as problem:
        db.session.rollback()
        form.code.errors = [str(problem)]
        return render_template("auth/second_step.html", form=form, recovery=recovery), 401
    state = _pending_state() or {}
    response = finish_sign_in(user, str(state.get("next") or ""))
    if how == "recovery":
        left = two_factor.recovery_codes_left(user)
        flash(
            _(
                "You signed in with a recovery code; %(count)d left. Each works once: get new "
                "ones on your profile when they run low.",
                count=left,
            ),
            "info",
        )
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out everywhere: the session token rotates, so no copied cookie stays valid."""
    current_user.revoke_sessions()
    db.session.commit()
    logout_user()
    session.pop("two_factor_setup", None)  # a set-up left unfinished (portal/account/views.py)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), 303)
