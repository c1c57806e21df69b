"""The report page (/reports/<id>): everything about one report, talking to the reporter,
the no-blame investigation, and staff entry of a report on someone's behalf."""

from flask import Blueprint

bp = Blueprint("report_page", __name__, url_prefix="/reports")

from portal.report_page import action_views, publish_views, views  # noqa: E402, F401
