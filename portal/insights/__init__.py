"""Insights: the leadership and supervisor views, the monthly review, toolbox-talk sheets and
CSV exports. The figures come from portal/indicators; these views only choose and render."""

from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/insights")

from portal.insights import details, exports, review, supervisor, talks, views  # noqa: E402, F401
