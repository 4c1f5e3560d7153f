from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class StepStatus(StrEnum):
    """pending -> sent (queued in the outbox) | dropped (deadline met or gone) | skipped (already past when planned).
    Stored as the plain value: a StrEnum equals its str."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    DROPPED = "dropped"
    SKIPPED = "skipped"


STEP_STATUSES = tuple(StepStatus)


class ReminderStep(OrganisationOwned, table=True):
    """One rung of the reminder ladder of one deadline.

    Keyed by the deadline's natural key, not its id: deadline rows are deleted and re-inserted by recompute.
    """

    __tablename__ = "reminder_step"
    __table_args__ = (
        UniqueConstraint("incident_id", "regime", "stage", "sequence", "step_key"),
        # The sweep's "pending and due by now, oldest first" is one index range scan.
        Index("ix_reminder_step_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    regime: str
    stage: str
    sequence: int = 0
    step_key: str
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: str = Field(default=StepStatus.PENDING, index=True)
    planned_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    claimed_by: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late: bool = False


class SchedulerHeartbeat(SQLModel, table=True):
    """The last time a scheduler ran its job (readiness checks look at it)."""

    __tablename__ = "scheduler_heartbeat"

    id: int = Field(default=1, primary_key=True)
    beat_at: datetime = Field(sa_type=UTCDateTime)
    worker: str = ""
