from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, text
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class SignificanceAssessment(OrganisationOwned, table=True):
    """One version of an assistant's assessment of an incident: answers, proposal and, once a person
    confirmed it, who decided what and when. Versions are never changed, only added."""

    __tablename__ = "significance_assessment"
    # Each regime's assistant counts its own versions of an incident.
    __table_args__ = (
        UniqueConstraint("incident_id", "regime", "version", name="uq_significance_assessment_incident_regime_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    # The regime whose assistant proposed it (hooks.assessment) and whose event the decision posts.
    regime: str
    version: int
    entity_type: str
    rule: str
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    significant: bool
    criteria: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Rows from before rules v2 (issue 12) read 1: their proposal ignored every criterion under scheduled maintenance.
    rules_version: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default=text("'[]'"))
    )
    assessor: str
    assessed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    decision: str | None = None  # the regime's positive or negative event, set on confirmation
    confirmed_by: str | None = None
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
