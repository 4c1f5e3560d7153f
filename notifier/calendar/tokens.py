"""The secrets behind the calendar feeds that are a user's own rather than an organisation's."""

import secrets

from sqlmodel import Session, select

from notifier import clock
from notifier.audit import chain
from notifier.calendar.models import CalendarToken, PortfolioCalendarToken


def portfolio_token(session: Session, *, user_id: int, rotate: bool, actor: str) -> str:
    """The user's portfolio feed secret (made on first use)."""
    row = session.exec(select(PortfolioCalendarToken).where(PortfolioCalendarToken.user_id == user_id)).first()
    if row is not None and not rotate:
        return row.token
    row = row or PortfolioCalendarToken(user_id=user_id, token="")
    row.token, row.created_at = secrets.token_urlsafe(32), clock.now()
    session.add(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="calendar.portfolio_token_rotated" if rotate else "calendar.portfolio_token_created",
    )
    return row.token


def organisation_token(session: Session, *, rotate: bool, actor: str) -> str:
    """The bound organisation's feed secret (made on first use; a new one when rotating, which ends every
    subscription to the old address)."""
    row = session.exec(select(CalendarToken)).first()  # the bound organisation's only one
    if row is not None and not rotate:
        return row.token
    row = row or CalendarToken(token="")
    row.token, row.created_at = secrets.token_urlsafe(32), clock.now()
    session.add(row)
    session.flush()
    chain.append(session, actor=actor, event_type="calendar.token_rotated" if rotate else "calendar.token_created")
    return row.token
