"""The delivery pass: claim a due mail, hand it to the sender, record the outcome. At least once.

The claim is committed before the hand-off, so a crash after SMTP accepted the mail but before "sent" was recorded
leaves the mail in "sending". After LEASE it is claimed again and re-sent with the same Message-ID.
"""

from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, or_, update
from sqlmodel import Session, select

from notifier.counters import MAIL_FAILED, MAIL_SENT
from notifier.db import claim_one, session_scope
from notifier.mail.models import MailStatus, OutboxMail
from notifier.mail.sender import build_message

log = structlog.get_logger("notifier.mail")
LEASE = timedelta(minutes=10)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 30  # about a day of retries at the cap


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(0, attempts - 1)))


def _due(now: datetime):  # noqa: ANN202
    return or_(
        (OutboxMail.status == MailStatus.PENDING) & (OutboxMail.next_attempt_at <= now),
        (OutboxMail.status == MailStatus.SENDING) & (OutboxMail.claimed_at <= now - LEASE),
    )


def _claim(engine: Engine, now: datetime) -> OutboxMail | None:
    """Take the next due mail; two passes (threads or processes) never take the same one at once."""
    with session_scope(engine) as session:
        return claim_one(
            session,
            OutboxMail,
            _due(now),
            values={"status": MailStatus.SENDING, "claimed_at": now, "attempts": OutboxMail.attempts + 1},
            order_by=(OutboxMail.next_attempt_at, OutboxMail.id),
        )


def _record(engine: Engine, mail: OutboxMail, **values) -> bool:
    with session_scope(engine) as session:
        result = session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == mail.id, OutboxMail.status == MailStatus.SENDING, OutboxMail.attempts == mail.attempts
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def deliver_due(
    engine: Engine,
    *,
    sender,  # noqa: ANN001
    mail_from: str,
    now: datetime,
    limit: int = 200,
    reply_to: str | None = None,
) -> list[dict]:
    """Deliver every mail due at `now` (at most `limit`) over one sender session; one action dict per attempt."""
    try:
        return _deliver(engine, sender, mail_from, reply_to, now, limit)
    finally:
        close = getattr(sender, "close", None)
        if close is not None:
            close()


def _deliver(engine: Engine, sender, mail_from: str, reply_to: str | None, now: datetime, limit: int) -> list[dict]:  # noqa: ANN001
    actions: list[dict] = []
    for _ in range(limit):
        mail = _claim(engine, now)
        if mail is None:
            break
        base = {"mail_id": mail.id, "key": mail.idempotency_key, "message_id": mail.message_id}
        recipients = list(dict.fromkeys(mail.to_addrs + mail.cc_addrs))
        try:
            sender.send(build_message(mail, mail_from, reply_to), recipients)
        except Exception as exc:  # noqa: BLE001 - any refusal or network error is a retry, never a lost mail
            error = f"{type(exc).__name__}: {exc}"[:500]
            if mail.attempts >= MAX_ATTEMPTS:
                _record(engine, mail, status=MailStatus.FAILED, last_error=error)
                MAIL_FAILED.labels("true").inc()
                log.error("mail.failed", attempts=mail.attempts, error=error, **base)
                actions.append({"action": "mail.failed", "attempts": mail.attempts, "error": error, **base})
            else:
                retry_at = now + backoff(mail.attempts)
                _record(engine, mail, status=MailStatus.PENDING, last_error=error, next_attempt_at=retry_at)
                MAIL_FAILED.labels("false").inc()
                log.warning("mail.retry", attempts=mail.attempts, error=error, retry_at=retry_at.isoformat(), **base)
                actions.append(
                    {"action": "mail.retry", "attempts": mail.attempts, "retry_at": retry_at.isoformat(), **base}
                )
            continue
        _record(engine, mail, status=MailStatus.SENT, sent_at=now, last_error=None)
        MAIL_SENT.inc()
        log.info("mail.sent", attempts=mail.attempts, **base)
        actions.append(
            {"action": "mail.sent", "to": mail.to_addrs, "cc": mail.cc_addrs, "attempts": mail.attempts, **base}
        )
    return actions


def pending_count(session: Session) -> int:
    waiting = (MailStatus.PENDING, MailStatus.SENDING)
    return len(session.exec(select(OutboxMail.id).where(OutboxMail.status.in_(waiting))).all())
