"""The closeout board: corrective actions completed, verified by someone else, or sent back."""

from flask import Blueprint

bp = Blueprint("closeout", __name__, url_prefix="/closeout")

from portal.closeout import views  # noqa: E402, F401
