"""Join through an invitation link, ask for a password reset, reset through its link.

A link that does not work (forged, replaced, used, expired, or its account deactivated) gets
one calm page, whatever the reason: the visitor learns nothing about the account.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from portal.account import bp
from portal.account.forms import ForgotForm, PasswordForm
from portal.domain import links
from portal.domain import people as rules
from portal.extensions import db, limiter
from portal.models import LinkPurpose

Page = str | tuple[str, int] | Response


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _account_key() -> str:
    """Reset requests are also counted per address asked for (a keyed hash: the counters'
    storage never holds a recoverable email address)."""
    email = (request.form.get("email") or "").strip().lower()
    secret = current_app.config["SECRET_KEY"].encode()
    return "reset:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:24]


def _private(page: Page, status: int = 200) -> Response:
    """Pages reached by a secret link are never cached."""
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_gone() -> Response:
    return _private(render_template("account/link_gone.html"), 404)


def _password_page(template: str, form: PasswordForm, token: str, **context: object) -> Response:
    status = 422 if request.method == "POST" else 200
    return _private(render_template(template, form=form, token=token, **context), status)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> Response:
    """The invitee chooses a password and lands on the triage board, signed in."""
    link = links.find(token, LinkPurpose.INVITATION)
    if link is None:
        return _link_gone()
    form = PasswordForm()
    if form.validate_on_submit():
        user = rules.join(token, form.password.data, form.again.data)
        if user is None:
            return _link_gone()
        db.session.commit()
        login_user(user)
        flash(_("Welcome, %(name)s: your account is ready.", name=user.name), "info")
        return redirect(url_for("triage.board"), 303)
    return _password_page("account/welcome.html", form, token, person=link.user)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_account_key)
def forgot() -> Page:
    """Ask for a reset link: the same answer whether or not the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        rules.request_reset(form.email.data)
        db.session.commit()
        return render_template("account/forgot_sent.html")
    page = render_template("account/forgot.html", form=form)
    return (page, 422) if request.method == "POST" else page


@bp.route("/reset/<reset_token>", methods=["GET", "POST"])
def reset(reset_token: str) -> Response:
    """A new password through the emailed link; every session of the account ends."""
    token = reset_token
    if links.find(token, LinkPurpose.RESET) is None:
        return _link_gone()
    form = PasswordForm()
    if form.validate_on_submit():
        if rules.reset_password(token, form.password.data, form.again.data) is None:
            return _link_gone()
        db.session.commit()
        flash(_("Your password is changed. Sign in with it."), "info")
        return redirect(url_for("auth.login"), 303)
    return _password_page("account/reset.html", form, token)
