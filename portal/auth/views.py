"""Sign in and out."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.auth import bp
from portal.auth.forms import LoginForm
from portal.extensions import db, limiter
from portal.lib import passwords
from portal.lib.timeutil import utcnow
from portal.models import User
from portal.web.redirects import safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _burst_limit() -> str:
    return current_app.config["LOGIN_BURST_LIMIT"]


def _account_key() -> str:
    """Throttle failures per account too, so spreading guesses over addresses does not help.
    A keyed hash: the counters' storage (Redis) never holds a recoverable email address."""
    email = (request.form.get("email") or "").strip().lower()
    secret = current_app.config["SECRET_KEY"].encode()
    return "account:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:24]


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


def _known_device() -> bool:
    """The request comes from a browser that signed in to this account before."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        account = _devices().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return hmac.compare_digest(str(account), _account_key())


def _remember_device(response: Response) -> Response:
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(_account_key()),
        max_age=DEVICE_DAYS * 86400,
        path=url_for("auth.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,
    exempt_when=_known_device,
)
# Failures are counted once known (after the password check), so guesses sent at the same
# instant all pass that check; every attempt on an account is also counted up front, against a
# higher cap, which bounds such a burst whatever the concurrency.
@limiter.limit(_burst_limit, methods=["POST"], key_func=_account_key, exempt_when=_known_device)
def login() -> Response | tuple[str, int]:
    """Staff sign-in; failures are throttled per client and per account (but not for a browser
    that signed in to the account before)."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"), 303)
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template(
            "auth/login.html", form=form
        ), 422 if request.method == "POST" else 200
    user = db.session.scalar(select(User).where(User.email == form.email.data))
    if user is None:
        passwords.burn_time(form.password.data)
    if user is None or not user.active or not user.check_password(form.password.data):
        form.password.errors = [_("The email or password is not right.")]
        return render_template("auth/login.html", form=form), 401
    user.last_login_at = utcnow()
    db.session.commit()
    login_user(user)
    return _remember_device(
        redirect(safe_next(request.args.get("next"), url_for("staff.home")), 303)
    )


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out everywhere: the session token rotates, so no copied cookie stays valid."""
    current_user.revoke_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), 303)
