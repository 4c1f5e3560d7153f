"""Where a processor's chase goes next, and by when we need the answer: one definition for the escalation sweep,
the request mail and the incident page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import UNFILED
from notifier.processors.models import IncidentProcessor, Processor

TOP_LEVEL = 3


@dataclass(frozen=True)
class Step:
    level: int
    at: datetime


def contact_at(processor: Processor, level: int) -> dict | None:
    return next((c for c in processor.contacts if c.get("level") == level and c.get("email")), None)


def next_step(processor: Processor, link: IncidentProcessor) -> Step | None:
    """The level an unanswered request moves up to after the agreed term, None once answered or at the top."""
    if link.answered_at is not None or link.current_level >= TOP_LEVEL:
        return None
    level = link.current_level + 1
    # Skip levels without a contact rather than stall the chase on a gap in the register.
    while level < TOP_LEVEL and contact_at(processor, level) is None:
        level += 1
    if contact_at(processor, level) is None:
        return None
    return Step(level, link.level_since + timedelta(hours=processor.notification_term_hours))


def reply_by(session: Session, processor: Processor, link: IncidentProcessor, now: datetime) -> datetime | None:
    """The answer is needed before the chase moves up and before the earliest report still to file falls due
    (the last level has only the report); None when neither lies ahead."""
    step = next_step(processor, link)
    due = session.exec(
        select(Deadline.due)
        .where(Deadline.incident_id == link.incident_id, Deadline.status.in_(UNFILED), Deadline.due > now)
        .order_by(Deadline.due)
    ).first()
    candidates = [at for at in (step.at if step else None, due) if at is not None and at > now]
    return min(candidates, default=None)
