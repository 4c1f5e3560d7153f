"""The account tables: users, their recovery codes, and failed sign-in attempts per client address."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class User(SQLModel, table=True):
    """A person who signs in to the web pages; passwords are argon2 hashes, TOTP secrets base32."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True)
    name: str
    # Deployment level: creates organisations and grants memberships; reads no organisation's incidents by itself.
    operator: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    password_hash: str
    totp_secret: str | None = None
    totp_enabled: bool = False
    # Enrolment: the secret waits here (never in the readable session cookie) until a code proves the app has it.
    totp_pending_secret: str | None = None
    # The TOTP time step of the last code accepted: a code (or an older one) is never accepted twice.
    totp_last_step: int | None = None
    # Wrong TOTP or recovery codes since the last right one; not reset by a right password (the attacker has it).
    totp_failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # None: follow the browser's Accept-Language.
    language: str | None = None
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Bumped on sign-out and password change; a session cookie carrying an older number is refused, so a copied
    # cookie dies with the sign-out instead of living on until the idle timeout.
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    @property
    def has_password(self) -> bool:
        """False for an account the identity provider made (notifier/accounts/sso.py stores no usable hash)."""
        return self.password_hash.startswith("$argon2")


class SignInFailure(SQLModel, table=True):
    """One failed (or still running) sign-in attempt of a client address; rows older than the window are deleted.

    Kept in the database so every replica counts the same failures (notifier/web/throttle.py)."""

    __tablename__ = "signin_failure"
    __table_args__ = (Index("ix_signin_failure_client_at", "client", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=64)
    failed_at: datetime = Field(sa_type=UTCDateTime, index=True)


class RecoveryCode(SQLModel, table=True):
    """A one-time recovery code, usable instead of a TOTP code; only its SHA-256 is kept (the code has 100 bits)."""

    __tablename__ = "user_recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    """A user's role in one organisation. `source` says who granted it: "local" (an administrator or the
    operator) or "oidc" (the identity provider's claims, taken away again when the claims no longer grant it)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_membership_user_organisation"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str
    source: str = Field(default="local", sa_column_kwargs={"server_default": "local"})
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ApiToken(OrganisationOwned, table=True):
    """An API bearer token of one organisation: a service token (`user_id` empty) or a user's personal token,
    acting with `role`, never more than its creator had. Only the SHA-256 of the secret is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    name: str
    role: str
    token_sha256: str = Field(unique=True)
    created_by: str
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserIdentity(SQLModel, table=True):
    """An account's identity at an OpenID Connect provider: the (issuer, subject) pair the provider vouches for.

    The e-mail address can change at the provider and be reused by someone else; the subject cannot, so a person is
    recognised by it and the e-mail address links an existing account only once, at the first sign-in."""

    __tablename__ = "user_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_user_identity_issuer_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    issuer: str = Field(max_length=2048)
    subject: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
