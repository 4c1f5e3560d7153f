"""Opening incidents, in state triage: one at a time (API, pages, a split) or many in one statement (the intake).

The bulk path is one multi-row INSERT and one flush of audit records instead of several round trips per incident:
an alert storm can open hundreds of incidents a second and the intake's writer must keep up.
"""

from datetime import datetime
from typing import TypedDict

import structlog
from sqlalchemy import insert
from sqlmodel import Session

from notifier import clock, instants
from notifier.audit import chain
from notifier.errors import FieldProblem
from notifier.incidents.models import Incident
from notifier.incidents.state_machine import IncidentState

log = structlog.get_logger("notifier.incidents")
_INCIDENTS = Incident.__table__
_INSERT = insert(_INCIDENTS).returning(_INCIDENTS.c.id, _INCIDENTS.c.summary)  # built once: used every batch
# The plain value: the bulk INSERT bypasses the ORM, so the driver is handed a str, not the enum.
_TRIAGE = IncidentState.TRIAGE.value


class NewIncident(TypedDict):
    title: str
    summary: str
    detected_at: datetime | None
    created_by: str
    organisation_id: int


def open_one(session: Session, *, title: str, summary: str, detected_at: datetime | None, actor: str) -> Incident:
    now = clock.now()
    if detected_at is not None and detected_at > now + instants.CLOCK_SKEW:
        raise FieldProblem("detected_at", "lies in the future", key="form_datetime_future")
    incident = Incident(
        title=title, summary=summary, detected_at=detected_at, created_by=actor, created_at=now, updated_at=now
    )
    session.add(incident)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="incident.created",
        incident_id=incident.id,
        payload={"title": title, "summary": summary, "detected_at": detected_at},
        new_state={"incident": incident.state},
        at=now,
    )
    log.info("incident.created", incident_id=incident.id)
    return incident


def open_many(session: Session, new: list[NewIncident], *, now: datetime) -> list[int]:
    """The ids in the order given. The caller checked the values (detection time not in the future) and gives each
    incident a summary unique in the batch: it maps the inserted ids back (an ordered RETURNING would make
    SQLAlchemy send one statement per row on SQLite)."""
    if not new:
        return []
    rows = [{**n, "state": _TRIAGE, "facts": {}, "created_at": now, "updated_at": now} for n in new]
    by_summary = {summary: incident_id for incident_id, summary in session.connection().execute(_INSERT, rows)}
    if len(by_summary) != len(rows):
        raise ValueError("open_many needs a summary unique in the batch for each incident")
    ids = [by_summary[row["summary"]] for row in rows]
    chain.append_many(
        session,
        [
            {
                "actor": row["created_by"],
                "event_type": "incident.created",
                "incident_id": incident_id,
                "organisation_id": row["organisation_id"],
                "payload": {"title": row["title"], "summary": row["summary"], "detected_at": row["detected_at"]},
                "new_state": {"incident": _TRIAGE},
                "at": now,
            }
            for row, incident_id in zip(rows, ids, strict=True)
        ],
    )
    return ids
