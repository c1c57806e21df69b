"""SQLAlchemy 2.0 models, one module per aggregate."""

from portal.models.action import ActionStatus, ControlLevel, CorrectiveAction
from portal.models.insights import ExposureHours
from portal.models.outbox import Delivery, OutboxMessage, OutboxStatus, SiteRecipient
from portal.models.people import AccountLink, LinkPurpose, RecoveryCode, StaffChange
from portal.models.report import (
    HIGH_POTENTIAL_SEVERITY,
    Channel,
    DismissReason,
    Domain,
    Photo,
    PotentialOutcome,
    Report,
    ReporterRole,
    ReporterVerdict,
    ReportEvent,
    ReportStatus,
    RootCause,
    status_values,
)
from portal.models.site import Location, Site
from portal.models.triage import DEFAULT_CATEGORIES, Asset, Category, Message
from portal.models.user import Role, User, user_sites

__all__ = [
    "DEFAULT_CATEGORIES",
    "HIGH_POTENTIAL_SEVERITY",
    "AccountLink",
    "ActionStatus",
    "Asset",
    "Category",
    "Channel",
    "ControlLevel",
    "CorrectiveAction",
    "Delivery",
    "DismissReason",
    "Domain",
    "ExposureHours",
    "LinkPurpose",
    "Location",
    "Message",
    "OutboxMessage",
    "OutboxStatus",
    "Photo",
    "PotentialOutcome",
    "RecoveryCode",
    "Report",
    "ReportEvent",
    "ReportStatus",
    "ReporterRole",
    "ReporterVerdict",
    "Role",
    "RootCause",
    "Site",
    "SiteRecipient",
    "StaffChange",
    "User",
    "status_values",
    "user_sites",
]
