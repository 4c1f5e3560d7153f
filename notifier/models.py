"""Imports every table so SQLModel.metadata is complete (Alembic and the schema test use it)."""

from notifier.accounts.models import RecoveryCode, SignInFailure, User
from notifier.assessment.models import SignificanceAssessment
from notifier.audit.models import AuditHead, AuditRecord
from notifier.calendar.models import CalendarToken
from notifier.deadlines.models import Deadline
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.intake.models import IntakeAlert, IntakeSource
from notifier.mail.models import OutboxMail
from notifier.organisation.models import Contact, Organisation
from notifier.processors.models import IncidentProcessor, Processor, ProcessorAnswer, ReplyLink
from notifier.products.models import Product
from notifier.reminders.models import ReminderStep, SchedulerHeartbeat

__all__ = [
    "User",
    "RecoveryCode",
    "ReplyLink",
    "SignInFailure",
    "SchedulerHeartbeat",
    "ReminderStep",
    "ProcessorAnswer",
    "Processor",
    "Product",
    "IncidentProcessor",
    "OutboxMail",
    "CalendarToken",
    "AuditHead",
    "AuditRecord",
    "Contact",
    "Deadline",
    "Incident",
    "IntakeAlert",
    "IntakeSource",
    "Organisation",
    "ReportRequest",
    "SignificanceAssessment",
    "Submission",
    "Track",
]
