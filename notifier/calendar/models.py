from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class CalendarToken(OrganisationOwned, table=True):
    """The secret that unlocks an organisation's calendar feeds (one row per organisation); rotating it
    invalidates old subscriptions."""

    __tablename__ = "calendar_token"
    __table_args__ = (UniqueConstraint("organisation_id", name="uq_calendar_token_organisation"),)

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class PortfolioCalendarToken(SQLModel, table=True):
    """A user's own secret for one feed across every organisation they belong to (the portfolio's calendar). It
    follows the memberships: a membership that ends takes that organisation's deadlines out of the feed."""

    __tablename__ = "portfolio_calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True)
    token: str = Field(unique=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
