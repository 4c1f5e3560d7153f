"""Argon2 passwords: strength, verification with failure counting and lockout, and changing one's own."""

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from notifier import clock
from notifier.accounts.models import User
from notifier.audit import chain
from notifier.errors import FieldProblem

MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()
# Verifying against a dummy hash for unknown e-mail addresses keeps the answer time the same for both cases.
_DUMMY_HASH = _hasher.hash("not-a-password-" + secrets.token_hex(8))


def actor(user: User) -> str:
    """How a user appears in the audit trail."""
    return f"user:{user.email}"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise FieldProblem(
            "password", f"must be at least {MIN_PASSWORD} characters", params={"n": MIN_PASSWORD}, key="form_too_short"
        )
    if len(set(password)) < 5:
        raise FieldProblem("password", "uses too few different characters", key="refused_password_plain")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user when the password fits and the account is not locked; counts failures and locks after five.

    Unknown, locked and existing accounts cost one argon2 verification each and give the caller the same None, so
    neither the answer nor its time tells whether an account exists or is locked."""
    now = clock.now()
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
        fits = user is not None
    except (VerificationError, InvalidHashError):
        fits = False
    if user is None or is_locked(user):
        return None
    if not fits:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            chain.append(session, actor="system", event_type="user.locked", payload={"email": user.email})
        session.add(user)
        session.flush()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    session.flush()
    return user


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as exc:
        raise FieldProblem("current_password", "is not your current password", key="refused_password_current") from exc
    check_password_strength(new)
    user.password_hash = hash_password(new)
    # Other sessions of this user (a stolen cookie among them) end; the route keeps the caller's own session.
    user.session_generation += 1
    session.add(user)
    session.flush()
    chain.append(session, actor=actor(user), event_type="user.password_changed", payload={"email": user.email})


def is_locked(user: User | None) -> bool:
    return bool(user and user.locked_until and user.locked_until > clock.now())
