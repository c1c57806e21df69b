"""The worker's report path: /r/<code> (QR poster) and /kiosk/<code> (shared tablet)."""

from flask import Blueprint

bp = Blueprint("report_form", __name__)

from portal.report_form import views  # noqa: E402, F401
