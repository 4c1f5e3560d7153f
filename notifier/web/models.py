from datetime import datetime

from sqlmodel import Field, SQLModel

from notifier import clock
from notifier.db_types import UTCDateTime

ROLES = ("viewer", "officer", "administrator")


class User(SQLModel, table=True):
    """A person who signs in to the web pages; passwords are argon2 hashes, TOTP secrets base32."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True)
    name: str
    role: str
    password_hash: str
    totp_secret: str | None = None
    totp_enabled: bool = False
    # None: follow the browser's Accept-Language.
    language: str | None = None
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
