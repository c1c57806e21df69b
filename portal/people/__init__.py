"""The People page: staff accounts run from the portal (admins everyone, a site's safety
managers the supervisors and viewers of their sites), and the trail of every change."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from portal.people import trail, views  # noqa: E402, F401
