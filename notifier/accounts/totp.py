"""The second factor: TOTP codes (each accepted once), one-time recovery codes, and a per-account limit on wrong ones.

Six digits are guessable, so wrong codes count per account as well as per client address (notifier/web/throttle.py):
after MAX_FAILURES wrong codes in a row the account is locked like after wrong passwords. A right password does not
reset that count, only a right code does: whoever guesses codes has the password already.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from notifier.accounts.models import RecoveryCode, User
from notifier.accounts.passwords import LOCKOUT, MAX_FAILURES, actor, is_locked
from notifier.audit import chain

ISSUER = "meldplicht"
RECOVERY_COUNT = 10
# 32 letters and digits without 0/o and 1/l, which are misread from paper: 20 of them are 100 bits.
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 20


def new_secret() -> str:
    return pyotp.random_base32()


def uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def matching_step(secret: str | None, code: str, now: datetime) -> int | None:
    """The time step whose code this is (one step of clock drift either side), or None."""
    code = "".join(code.split())
    if not secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(session: Session, user: User, step: int) -> bool:
    """Records the step as used; False when it (or a later one) was used already, by a parallel request too."""
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


# --- recovery codes --------------------------------------------------------------------------------------------


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t")


def _hash(code: str) -> str:
    # The codes have 100 random bits: a fast hash is enough, nobody can try 2^100 of them against it.
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(session: Session, user: User, *, now: datetime) -> list[str]:
    """A fresh set (the old one stops working), to be shown once; only the hashes are stored."""
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 5] for i in range(0, _RECOVERY_LENGTH, 5)))
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw), created_at=now))
    session.flush()
    chain.append(
        session,
        actor=actor(user),
        event_type="user.recovery_codes_generated",
        payload={"email": user.email, "count": RECOVERY_COUNT},
        at=now,
    )
    return codes


def remove_recovery_codes(session: Session, user: User) -> None:
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def recovery_codes_left(session: Session, user: User) -> int:
    unused = select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_(None))
    return session.exec(unused.where(RecoveryCode.user_id == user.id)).one()


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    normalised = _normalise(code)
    if len(normalised) != _RECOVERY_LENGTH or not normalised.isascii():
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(normalised), RecoveryCode.used_at.is_(None)
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    chain.append(
        session,
        actor=actor(user),
        event_type="user.recovery_code_used",
        payload={"email": user.email, "remaining": recovery_codes_left(session, user)},
        at=now,
    )
    return True


# --- the check at sign-in --------------------------------------------------------------------------------------


def second_factor(session: Session, user: User, code: str, *, now: datetime) -> bool:
    """Whether the code (TOTP or recovery) lets this user in; a wrong one counts, and locks the account at the limit.

    A locked account is refused whatever the code, without counting further."""
    if is_locked(user):
        return False
    step = matching_step(user.totp_secret if user.totp_enabled else None, code, now)
    right = _claim_step(session, user, step) if step is not None else _use_recovery_code(session, user, code, now)
    if right:
        user.totp_failures = 0
    else:
        user.totp_failures += 1
        if user.totp_failures >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            chain.append(
                session,
                actor="system",
                event_type="user.locked",
                payload={"email": user.email, "reason": "wrong second-factor codes"},
                at=now,
            )
    session.add(user)
    session.flush()
    return right


def enrol(session: Session, user: User, code: str, *, now: datetime) -> list[str] | None:
    """Turns TOTP on when the code fits the pending secret; returns the recovery codes to show once, else None."""
    step = matching_step(user.totp_pending_secret, code, now)
    if step is None:
        return None
    user.totp_secret, user.totp_enabled, user.totp_pending_secret = user.totp_pending_secret, True, None
    user.totp_last_step, user.totp_failures = step, 0  # the enrolment code is used up too
    session.add(user)
    session.flush()
    chain.append(session, actor=actor(user), event_type="user.totp_enabled", payload={"email": user.email}, at=now)
    return new_recovery_codes(session, user, now=now)


def reset(user: User, session: Session) -> None:
    """An administrator's reset (a lost phone): secret, pending secret, used step and recovery codes go."""
    user.totp_enabled, user.totp_secret, user.totp_pending_secret = False, None, None
    user.totp_last_step, user.totp_failures = None, 0
    remove_recovery_codes(session, user)
