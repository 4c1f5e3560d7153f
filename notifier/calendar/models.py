from datetime import datetime

from sqlmodel import Field, SQLModel

from notifier import clock
from notifier.db_types import UTCDateTime


class CalendarToken(SQLModel, table=True):
    """The one secret that unlocks the calendar feeds (row id 1); rotating it invalidates old subscriptions."""

    __tablename__ = "calendar_token"

    id: int = Field(default=1, primary_key=True)
    token: str
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
