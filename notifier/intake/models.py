from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class IntakeAlert(OrganisationOwned, table=True):
    """An alert as received: the raw body under a unique (source, external_id), plus the mapped fields."""

    __tablename__ = "intake_alert"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "source", "external_id", name="uq_intake_alert_organisation_source_external_id"
        ),
        Index("ix_intake_alert_correlation", "correlation_key", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str
    external_id: str
    title: str
    severity: int
    severity_original: str | None = None
    observed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    asset: str | None = None
    rule: str | None = None
    correlation_key: str
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    raw: str = Field(sa_column=Column(Text, nullable=False))


class IntakeSource(OrganisationOwned, table=True):
    """An organisation's credentials for one source, managed in the app. Only a SHA-256 of the token is kept."""

    __tablename__ = "intake_source"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    source: str = Field(primary_key=True)
    token_sha256: str | None = None
    # Kept as given: an HMAC check needs the secret itself, so protect the database accordingly.
    signing_secret: str | None = None
    updated_by: str
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
