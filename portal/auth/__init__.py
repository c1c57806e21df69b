"""Staff sign-in with Flask-Login."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, make_response, redirect, request, url_for
from flask_login import LoginManager
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.lib.lazytext import lazy_gettext as _l

bp = Blueprint("auth", __name__)


def load_user(identity: str) -> object | None:
    """The user behind a login cookie, if its session token is still the current one."""
    from portal.models import User

    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.user_loader(load_user)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please sign in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.unauthorized_handler(_unauthorized)
    app.before_request(_admins_set_up_two_factor_first)
    company.init_app(app)


# the staff pages an admin without two-step sign-in may still open while it is required:
# setting it up, signing out, and the pages reached through a one-time link
SETUP_ALLOWED = frozenset(
    {
        "account.two_factor_setup",
        "auth.logout",
        "account.welcome",
        "account.reset",
        "account.forgot",
    }
)
STAFF_BLUEPRINTS = frozenset(
    {"staff", "admin", "report_page", "triage", "closeout", "insights", "people", "account"}
)


def _admins_set_up_two_factor_first() -> Response | None:
    """PORTAL_REQUIRE_ADMIN_2FA: a signed-in admin without two-step sign-in is sent to set it
    up before any staff page (the public pages never look at the session)."""
    if not current_app.config.get("REQUIRE_ADMIN_2FA"):
        return None
    if request.blueprint not in STAFF_BLUEPRINTS or request.endpoint in SETUP_ALLOWED:
        return None
    from flask_login import current_user

    from portal.domain import two_factor

    if not current_user.is_authenticated or not two_factor.missing(current_user):
        return None
    target = url_for("account.two_factor_setup")
    if request.headers.get("HX-Request"):
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def _unauthorized() -> Response:
    """Send to sign-in; an htmx request is told to load the page whole, not a card-sized login."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request"):
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


from portal.auth import company, views  # noqa: E402, F401
