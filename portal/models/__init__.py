"""SQLAlchemy 2.0 models, one module per aggregate."""

from portal.models.report import (
    Channel,
    Photo,
    PotentialOutcome,
    Report,
    ReporterRole,
    ReportEvent,
    ReportStatus,
)
from portal.models.site import Location, Site
from portal.models.user import Role, User, user_sites

__all__ = [
    "Channel",
    "Location",
    "Photo",
    "PotentialOutcome",
    "Report",
    "ReportEvent",
    "ReportStatus",
    "ReporterRole",
    "Role",
    "Site",
    "User",
    "user_sites",
]
