"""The reporter's follow-up page: reached with the receipt code only."""

from flask import Blueprint

bp = Blueprint("followup", __name__)

from portal.followup import views  # noqa: E402, F401
