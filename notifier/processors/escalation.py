"""Escalate an unanswered information request one level per agreed term (level 3 is the last)."""

from datetime import datetime

import structlog
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from notifier import tenancy
from notifier.audit import chain
from notifier.config import Settings
from notifier.db import session_scope
from notifier.incidents.models import Incident
from notifier.processors import plan, service
from notifier.processors.models import IncidentProcessor, Processor
from notifier.workflow.schema import Registry

log = structlog.get_logger("notifier.processors")
TOP_LEVEL = plan.TOP_LEVEL


def escalate_due(engine: Engine, *, settings: Settings, registry: Registry, now: datetime) -> list[dict]:
    with Session(engine) as session:
        candidates = session.exec(
            select(IncidentProcessor.id).where(
                IncidentProcessor.answered_at.is_(None), IncidentProcessor.current_level < TOP_LEVEL
            )
        ).all()
    actions = []
    for link_id in candidates:
        try:
            with session_scope(engine) as session:
                action = _escalate_one(session, link_id, settings=settings, registry=registry, now=now)
        except Exception as exc:  # retried next sweep; one broken link must not stall the others
            log.exception("processor.escalation_failed", link_id=link_id)
            action = {"action": "processor.escalation_failed", "link_id": link_id, "error": str(exc)}
        if action:
            actions.append(action)
    return actions


def _escalate_one(session: Session, link_id: int, *, settings, registry, now) -> dict | None:  # noqa: ANN001
    link = session.get(IncidentProcessor, link_id)
    tenancy.bind(session, link.organisation_id)  # the mail, its sender's details and the audit: that organisation's
    processor = session.get(Processor, link.processor_id)
    step = plan.next_step(processor, link)
    if step is None or now < step.at:
        return None
    level = step.level
    claimed = session.execute(
        update(IncidentProcessor)
        .where(IncidentProcessor.id == link.id, IncidentProcessor.current_level == link.current_level)
        .where(IncidentProcessor.answered_at.is_(None))
        .values(current_level=level, level_since=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    previous = link.current_level
    session.refresh(link)
    incident = session.get(Incident, link.incident_id)
    key = service.queue_request(
        session, link=link, processor=processor, incident=incident, settings=settings, registry=registry, now=now
    )
    chain.append(
        session,
        actor="system:processor-chase",
        event_type="processor.escalated",
        incident_id=link.incident_id,
        payload={"processor": processor.name, "from_level": previous, "to_level": level},
        reason=f"no answer within {processor.notification_term_hours} h",
        at=now,
    )
    log.info("processor.escalated", incident_id=link.incident_id, processor=processor.name, level=level)
    return {
        "action": "processor.escalated",
        "incident_id": link.incident_id,
        "processor": processor.name,
        "from_level": previous,
        "to_level": level,
        "key": key,
    }
