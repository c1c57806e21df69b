"""The breakroom display: /display/<site-slug>, a full-screen page that refreshes itself."""

from flask import Blueprint

bp = Blueprint("display", __name__)

from portal.display import views  # noqa: E402, F401
