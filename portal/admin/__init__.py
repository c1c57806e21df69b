"""Admin pages: sites, locations, QR codes and posters."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import posters, views  # noqa: E402, F401
