"""The life of a mailed reply link: one per level of the chase, ended by escalation, by the incident closing and by
its stored expiry (besides the expiry signed into the token)."""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from notifier.config import Settings
from notifier.incidents.models import Incident
from notifier.incidents.state_machine import FINISHED_STATES
from notifier.processors import links
from notifier.processors.models import IncidentProcessor, ReplyLink


class Gone(Exception):
    """A genuine link that no longer works: answered 410. `reason`: expired, superseded or closed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def issue(session: Session, *, link: IncidentProcessor, settings: Settings, now: datetime) -> str:
    """The reply URL for the link's current level; links of earlier levels stop working."""
    session.execute(
        update(ReplyLink)
        .where(ReplyLink.link_id == link.id, ReplyLink.revoked_at.is_(None), ReplyLink.level != link.current_level)
        .values(revoked_at=now, revoked_reason=f"escalated to level {link.current_level}")
        .execution_options(synchronize_session=False)
    )
    row = ReplyLink(
        link_id=link.id,
        level=link.current_level,
        created_at=now,
        expires_at=now + timedelta(days=settings.reply_link_days),
    )
    session.add(row)
    session.flush()
    token = links.sign(settings.secret_key, link_id=link.id, expires_at=row.expires_at, reply_id=row.id)
    return f"{settings.base_url.rstrip('/')}/reply/{token}"


def check(session: Session, *, link: IncidentProcessor, token: str, now: datetime) -> ReplyLink | None:
    """The reply link row a verified token came through (None for a link from before the rows); raises Gone or
    links.BadLink when it must not be used."""
    incident = session.get(Incident, link.incident_id)
    # A closed or merged incident asks nothing more of its processors.
    if incident is None or incident.state in FINISHED_STATES:
        raise Gone("closed")
    reply_id = links.reply_id(token)
    if reply_id is None:
        # Mailed before reply links had rows: good until the chase issues a link of its own (an escalation).
        if session.exec(select(ReplyLink.id).where(ReplyLink.link_id == link.id)).first() is not None:
            raise Gone("superseded")
        return None
    row = session.get(ReplyLink, reply_id)
    if row is None or row.link_id != link.id:
        raise links.BadLink("this link is not valid")
    if row.revoked_at is not None:
        raise Gone("superseded")
    if now >= row.expires_at:
        raise Gone("expired")
    return row
