from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


# Each read of an owned table carries the organisation criterion (notifier/tenancy.py). Without statistics SQLite
# weighs an IN over 50 organisations like one over 50 incident ids and scanned a quarter of the deadlines for the
# portfolio (bench/scale.py, 200 organisations): these indexes name both columns, so the narrow one leads.
class Incident(OrganisationOwned, table=True):
    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_organisation_state", "organisation_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str
    summary: str = ""
    state: str = Field(default="triage", index=True)
    detected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # Set when an officer merged this incident (still in triage) into another: where its alerts went.
    merged_into_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("incident.id", name="fk_incident_merged_into_id"), nullable=True),
    )


class Track(OrganisationOwned, table=True):
    """One regime's duty on one incident (Cbw meldplicht, AVG datalek)."""

    __tablename__ = "track"
    __table_args__ = (
        UniqueConstraint("incident_id", "regime"),
        Index("ix_track_incident_organisation", "incident_id", "organisation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    regime: str
    state: str
    aware_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    declared_by: str | None = None
    declaration: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reasoning: str | None = None
    # The regime's version in force when the clock started (workflows/<regime>.yaml `version`); NULL: a track from
    # before versions were recorded, which follows today's version.
    workflow_version: int | None = None
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Submission(OrganisationOwned, table=True):
    """A report a person confirmed as filed with the recipient."""

    __tablename__ = "submission"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    regime: str
    stage: str
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    reference: str | None = None
    delay_reason: str | None = None
    confirmed_by: str
    confirmed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # The submission ledger (notifier/submissions/ledger.py): exactly what was filed, frozen once written.
    language: str | None = None
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    json_copy: dict[str, Any] | None = Field(default=None, sa_column=Column("json", JSON, nullable=True))
    sha256: str | None = None
    recipients: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    missing: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Version 2 of the ledger hash covers every column above that was filed (docs/submission-schema.md); rows filed
    # before it have hash_version NULL (version 1: `sha256` alone, over text and JSON).
    hash_version: int | None = None
    ledger_sha256: str | None = None


class ReportRequest(OrganisationOwned, table=True):
    """A request from the CSIRT or authority for a report by a date (NIS2 art. 23(4)(c) intermediate report)."""

    __tablename__ = "report_request"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    regime: str
    stage: str
    due: datetime = Field(sa_type=UTCDateTime)
    requested_by: str
    recorded_by: str
    recorded_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
