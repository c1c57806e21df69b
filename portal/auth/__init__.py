"""Staff sign-in with Flask-Login."""

from __future__ import annotations

from flask import Blueprint, Flask, make_response, redirect, request, url_for
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


def _unauthorized() -> Response:
    """Send to sign-in; an htmx request is told to load the page whole, not a card-sized login."""
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request"):
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


from portal.auth import views  # noqa: E402, F401
