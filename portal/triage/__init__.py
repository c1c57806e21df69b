"""The triage board: new reports acknowledged, classified, assigned, merged or dismissed."""

from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/triage")

from portal.triage import views  # noqa: E402, F401
