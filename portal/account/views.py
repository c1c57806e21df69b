"""Join through an invitation link, ask for a password reset, reset through its link.

A link that does not work (forged, replaced, used, expired, or its account deactivated) gets
one calm page, whatever the reason: the visitor learns nothing about the account.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.account import bp
from portal.account.forms import (
    ChangePasswordForm,
    ForgotForm,
    PasswordForm,
    ProfileForm,
    RecoveryCodesForm,
    TwoFactorOffForm,
    TwoFactorSetupForm,
)
from portal.domain import company, links, two_factor
from portal.domain import people as rules
from portal.domain import profile as profile_rules
from portal.domain.loop import InvalidInput
from portal.extensions import db, limiter
from portal.lib import qr
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
    if company.password_off(link.user.email):  # no password here: company sign-in only
        page = render_template("account/welcome_company.html", person=link.user)
        return _private(page, 403 if request.method == "POST" else 200)
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


def _profile_page(status: int = 200, **forms: object) -> Page:
    """The profile page, with the forms given (those that were posted, with their errors) and
    blank ones for the rest."""
    me = current_user
    context = {
        "form": ProfileForm(formdata=None, obj=me, language=me.language or ""),
        "password_form": ChangePasswordForm(formdata=None),
        "off_form": TwoFactorOffForm(formdata=None),
        "codes_form": RecoveryCodesForm(formdata=None),
        **forms,
        "codes_left": two_factor.recovery_codes_left(me) if me.has_two_factor else 0,
        "two_factor_required": two_factor.required(me),
    }
    page = render_template("account/profile.html", **context)
    return (page, status) if status != 200 else page


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile() -> Page:
    """Name, language and the morning digest; a new password; two-step sign-in."""
    form = ProfileForm(obj=current_user, language=current_user.language or "")
    if form.validate_on_submit():
        try:
            changed = profile_rules.update(
                current_user,
                name=form.name.data,
                language=form.language.data or None,
                wants_digest=form.wants_digest.data,
            )
        except InvalidInput as problem:
            form.name.errors = [*form.name.errors, str(problem)]
        else:
            db.session.commit()
            flash(_("Your profile is saved.") if changed else _("Nothing changed."), "info")
            return redirect(url_for("account.profile"), 303)
    return _profile_page(422 if request.method == "POST" else 200, form=form)


@bp.post("/account/profile/password")
@login_required
def change_password() -> Page:
    """A new password: the current one first; every other session ends, this one stays."""
    password_form = ChangePasswordForm()
    if password_form.validate_on_submit():
        try:
            profile_rules.change_password(
                current_user,
                current=password_form.current.data,
                password=password_form.password.data,
                again=password_form.again.data,
            )
        except InvalidInput as problem:
            password_form.current.errors = [*password_form.current.errors, str(problem)]
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this browser stays signed in
            flash(
                _("Your password is changed; other places you were signed in are signed out."),
                "info",
            )
            return redirect(url_for("account.profile"), 303)
    return _profile_page(422, password_form=password_form)


# -- two-step sign-in (portal/domain/two_factor.py)

SETUP = "two_factor_setup"  # a set-up in progress: whose, and the sealed secret (session)


def _codes_page(fresh: list[str]) -> Response:
    """The recovery codes, shown this once."""
    return _private(render_template("account/recovery_codes.html", codes=fresh))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> Page | Response:
    """Set up two-step sign-in: the QR code of a new secret (and the secret to type), then
    the password and the app's first code turn it on and show the recovery codes once."""
    me = current_user._get_current_object()
    if me.has_two_factor:
        return redirect(url_for("account.profile", _anchor="two-step"), 303)
    # the same QR code until it is confirmed, for this person only (a browser shared with
    # someone who started a set-up and left never hands their secret on)
    started = session.get(SETUP)
    mine = isinstance(started, dict) and started.get("user") == me.id
    secret = two_factor.setup_secret(started.get("secret") if mine else None)
    session[SETUP] = {"user": me.id, "secret": two_factor.seal(secret)}
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            fresh = two_factor.turn_on(me, secret, password=form.password.data, code=form.code.data)
        except two_factor.WrongPassword as problem:
            db.session.rollback()
            form.password.errors = [str(problem)]
        except two_factor.TwoFactorError as problem:
            db.session.rollback()
            form.code.errors = [str(problem)]
        else:
            me.revoke_sessions()  # any other browser signed in as this person signs in again
            db.session.commit()
            session.pop(SETUP, None)
            login_user(me)  # this browser stays signed in
            return _codes_page(fresh)
    uri = two_factor.provisioning_uri(secret, me.email)
    page = render_template(
        "account/two_factor.html",
        form=form,
        uri=uri,
        qr_svg=Markup(qr.svg(uri).decode()),  # noqa: S704 - drawn here from our own data
        secret=two_factor.grouped(secret),
        required=two_factor.missing(me),
    )
    return _private(page, 422 if request.method == "POST" else 200)


@bp.post("/account/two-factor/off")
@login_required
def two_factor_off() -> Page | Response:
    """Turn two-step sign-in off: the password first."""
    off_form = TwoFactorOffForm()
    if off_form.validate_on_submit():
        try:
            two_factor.turn_off(current_user, off_form.off_password.data)
        except two_factor.TwoFactorError as problem:
            db.session.rollback()
            off_form.off_password.errors = [str(problem)]
        else:
            db.session.commit()
            flash(_("Two-step sign-in is off: your password alone signs you in."), "info")
            return redirect(url_for("account.profile"), 303)
    return _profile_page(422, off_form=off_form)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def recovery_codes() -> Page | Response:
    """Ten new recovery codes, shown once; the earlier ones stop working."""
    codes_form = RecoveryCodesForm()
    if codes_form.validate_on_submit():
        try:
            fresh = two_factor.renew_recovery_codes(current_user, codes_form.codes_password.data)
        except two_factor.TwoFactorError as problem:
            db.session.rollback()
            codes_form.codes_password.errors = [str(problem)]
        else:
            db.session.commit()
            return _codes_page(fresh)
    return _profile_page(422, codes_form=codes_form)
