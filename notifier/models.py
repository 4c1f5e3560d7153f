"""Imports every table so SQLModel.metadata is complete (Alembic and the schema test use it)."""

from notifier.audit.models import AuditHead, AuditRecord
from notifier.deadlines.models import Deadline
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.organisation.models import Contact, Organisation

__all__ = [
    "AuditHead",
    "AuditRecord",
    "Contact",
    "Deadline",
    "Incident",
    "Organisation",
    "ReportRequest",
    "Submission",
    "Track",
]
