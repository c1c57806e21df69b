"""The staff home (recent reports at the user's sites) and staff-only photo delivery."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.staff import views  # noqa: E402, F401
