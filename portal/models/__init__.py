"""SQLAlchemy 2.0 models, one module per aggregate."""

from portal.models.report import (
    BOARD_STATES,
    HIGH_POTENTIAL_SEVERITY,
    Channel,
    DismissReason,
    Domain,
    Photo,
    PotentialOutcome,
    Report,
    ReporterRole,
    ReportEvent,
    ReportStatus,
    RootCause,
)
from portal.models.site import Location, Site
from portal.models.triage import DEFAULT_CATEGORIES, Asset, Category, Message
from portal.models.user import Role, User, user_sites

__all__ = [
    "BOARD_STATES",
    "DEFAULT_CATEGORIES",
    "HIGH_POTENTIAL_SEVERITY",
    "Asset",
    "Category",
    "Channel",
    "DismissReason",
    "Domain",
    "Location",
    "Message",
    "Photo",
    "PotentialOutcome",
    "Report",
    "ReportEvent",
    "ReportStatus",
    "ReporterRole",
    "Role",
    "RootCause",
    "Site",
    "User",
    "user_sites",
]
