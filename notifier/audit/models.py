from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class AuditRecord(OrganisationOwned, table=True):
    """One event in its organisation's chain. `seq` is unique per organisation, so two writers can never both
    extend a chain from the same record."""

    # An event of the deployment rather than of one organisation (a sign-in, an account) is kept in the chain of
    # the default organisation, the deployment's own.
    __default_organisation__ = 1

    __tablename__ = "audit_record"
    __table_args__ = (UniqueConstraint("organisation_id", "seq", name="uq_audit_record_organisation_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    incident_id: int | None = Field(default=None, index=True)
    event_type: str
    reason: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    previous_state: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    new_state: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    prev_hash: str
    hash: str = Field(unique=True)


class AuditHead(OrganisationOwned, table=True):
    """An organisation's chain's current end; locked (FOR UPDATE) by each appender so the chain stays linear."""

    __tablename__ = "audit_head"

    organisation_id: int = Field(primary_key=True, foreign_key="organisation.id")
    seq: int = 0
    hash: str
