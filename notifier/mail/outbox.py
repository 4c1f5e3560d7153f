"""Queue mails in the caller's transaction. The idempotency key decides identity, and the Message-ID follows it."""

import hashlib
from datetime import datetime

from sqlmodel import Session, select

from notifier.db import insert_ignore, insert_ignore_many
from notifier.mail.models import MailStatus, OutboxMail
from notifier.mail.render import Rendered


def mail_domain(mail_from: str) -> str:
    address = mail_from.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rpartition("@")[2] or "meldplicht.invalid"


def message_id(idempotency_key: str, domain: str) -> str:
    """Stable per key: a re-send after a crash carries the same Message-ID, so receivers can de-duplicate."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def row(
    *,
    key: str,
    kind: str,
    to: list[str],
    cc: list[str],
    mail: Rendered,
    mail_from: str,
    now: datetime,
    incident_id: int | None = None,
    organisation_id: int | None = None,
    from_name: str | None = None,
    reply_to: str | None = None,
) -> dict:
    """The outbox row of one mail, to be queued by enqueue or enqueue_many."""
    return {
        "organisation_id": organisation_id,
        "idempotency_key": key,
        "message_id": message_id(key, mail_domain(mail_from)),
        "kind": kind,
        "incident_id": incident_id,
        "to_addrs": to,
        "cc_addrs": cc,
        "from_name": from_name,
        "reply_to": reply_to,
        "subject": mail.subject,
        "text_body": mail.text,
        "html_body": mail.html,
        "status": MailStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue(session: Session, **fields) -> OutboxMail | None:  # noqa: ANN003 (the fields of row())
    """Queue one mail; None when a mail with this key is already queued (queueing twice is harmless). The mail is
    the organisation's given, else its incident's, else that of the session's organisation."""
    values = row(**fields)
    inserted = insert_ignore(session, OutboxMail, values)
    if inserted is None:
        return None
    return session.exec(select(OutboxMail).where(OutboxMail.id == inserted)).one()


def enqueue_many(session: Session, rows: list[dict]) -> None:
    """Queue many mails in one statement (the reminder sweep); a row whose key is queued already is left out.
    Each row names its organisation_id."""
    insert_ignore_many(session, OutboxMail, rows)
