"""Admin pages: sites, locations, QR codes, posters, report categories and assets."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

import portal.admin.recipients  # noqa: E402, F401
from portal.admin import assets, categories, exposure, posters, views  # noqa: E402, F401
