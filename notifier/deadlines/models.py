from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.deadlines.rules import DeadlineStatus
from notifier.tenancy import OrganisationOwned

DEADLINE_STATUSES = tuple(DeadlineStatus)


class Deadline(OrganisationOwned, table=True):
    """One due stage of one track; recomputed on every event of its incident."""

    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("incident_id", "regime", "stage", "sequence"),
        # See Incident: the incident leads when the organisation criterion is added.
        Index("ix_deadline_incident_organisation", "incident_id", "organisation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    regime: str
    stage: str
    sequence: int = 0
    due: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    provisional: bool = False
    status: str = Field(default=DeadlineStatus.OPEN, index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    legal_basis: str = ""
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # When the sweep must next plan this deadline's reminder steps: at once after a change, then at its next overdue
    # repeat; NULL once it needs no more steps. The sweep selects on it, so unchanged deadlines cost nothing.
    replan_at: datetime | None = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
