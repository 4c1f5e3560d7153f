from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class MailStatus(StrEnum):
    """Stored as the plain value: a StrEnum equals its str."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


MAIL_STATUSES = tuple(MailStatus)


class OutboxMail(OrganisationOwned, table=True):
    """One e-mail to deliver; the idempotency key makes queueing the same mail twice harmless."""

    __tablename__ = "outbox_mail"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True)
    message_id: str
    kind: str
    incident_id: int | None = Field(default=None, index=True)
    to_addrs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cc_addrs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # This mail's sender as the recipient reads it (an information request: "<organisation> via meldplicht") and
    # who an answer goes to; None: the deployment's NOTIFIER_MAIL_FROM as is and NOTIFIER_MAIL_REPLY_TO.
    from_name: str | None = None
    reply_to: str | None = None
    subject: str
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=MailStatus.PENDING, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
