from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class Processor(OrganisationOwned, table=True):
    """A processor and its processing agreement's breach-notification term.

    `contacts` holds the escalation ladder: [{"level": 1..3, "name": ..., "email": ...}], level 1 the service desk,
    2 the account manager, 3 their DPO or management.
    """

    __tablename__ = "processor"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_processor_organisation_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    notification_term_hours: int
    contacts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class IncidentProcessor(OrganisationOwned, table=True):
    """A processor involved in an incident: when it knew, when it told us, and where the chase stands."""

    __tablename__ = "incident_processor"
    __table_args__ = (UniqueConstraint("incident_id", "processor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    processor_id: int = Field(foreign_key="processor.id", index=True)
    processor_aware_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    informed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    requested_facts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    current_level: int = 1
    level_since: datetime = Field(sa_type=UTCDateTime, index=True)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    linked_by: str


class ReplyLink(OrganisationOwned, table=True):
    """One mailed reply link: a level of the chase has its own, and it stops at expiry, when the chase moves up a
    level (revoked) and when the incident closes (checked when it is used)."""

    __tablename__ = "processor_reply_link"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="incident_processor.id", index=True)
    level: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = None


class ProcessorAnswer(OrganisationOwned, table=True):
    """What a processor answered through the reply page, kept as given; applied only where the incident was empty."""

    __tablename__ = "processor_answer"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="incident_processor.id", index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    author: str
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    applied: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The reply link it came through; None for links mailed before reply links had rows of their own.
    reply_link_id: int | None = Field(default=None, foreign_key="processor_reply_link.id")
    # What the processor wrote beside the facts, shown to the officer as written.
    remark: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
