"""Opening incidents (state triage) for a batch of alerts: what incidents.service.create does, in bulk.

One flush for the incidents and one for their audit records, instead of several round trips per incident:
an alert storm can open hundreds of incidents a second and the writer must keep up.
"""

from datetime import datetime

import structlog
from sqlalchemy import insert
from sqlmodel import Session

from notifier.audit import chain
from notifier.incidents.models import Incident
from notifier.intake.alert import Alert, clean

log = structlog.get_logger("notifier.intake")
_INCIDENTS = Incident.__table__
_INSERT = insert(_INCIDENTS).returning(_INCIDENTS.c.id, _INCIDENTS.c.summary)  # built once: used every batch


def _summary(source: str, alert: Alert) -> str:
    details = [f"severity {alert.severity_name} ({source}: {alert.severity_original})"]
    if alert.asset:
        details.append(f"asset {alert.asset}")
    if alert.rule:
        details.append(f"rule {alert.rule}")
    return clean(f"Opened by {source} alert {alert.external_id}: " + ", ".join(details))


def open_incidents(session: Session, alerts: list[tuple[str, Alert]], *, now: datetime) -> list[int]:
    """One incident per (source, alert), actor intake:<source>; the ids in the same order."""
    if not alerts:
        return []
    rows = [
        {
            "title": clean(alert.title) or "Alert",
            "summary": _summary(source, alert),
            "state": "triage",
            # A sender's clock may run ahead; a detection time in the future is not kept.
            "detected_at": alert.observed_at if alert.observed_at is not None and alert.observed_at <= now else None,
            "facts": {},
            "created_by": f"intake:{source}",
            "created_at": now,
            "updated_at": now,
        }
        for source, alert in alerts
    ]
    # One multi-row INSERT; the summary names source and alert id, so it is unique in the batch and maps the ids
    # back (an ordered RETURNING would make SQLAlchemy send one statement per row on SQLite).
    by_summary = {summary: incident_id for incident_id, summary in session.connection().execute(_INSERT, rows)}
    ids = [by_summary[row["summary"]] for row in rows]
    chain.append_many(
        session,
        [
            {
                "actor": row["created_by"],
                "event_type": "incident.created",
                "incident_id": incident_id,
                "payload": {"title": row["title"], "summary": row["summary"], "detected_at": row["detected_at"]},
                "new_state": {"incident": row["state"]},
                "at": now,
            }
            for row, incident_id in zip(rows, ids, strict=True)
        ],
    )
    log.info("intake.incidents_opened", incident_ids=ids)
    return ids
