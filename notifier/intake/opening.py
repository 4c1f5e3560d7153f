"""Opening incidents (state triage) for a batch of alerts: what incidents.service.create does, in bulk.

One flush for the incidents and one for their audit records, instead of several round trips per incident:
an alert storm can open hundreds of incidents a second and the writer must keep up.
"""

from datetime import datetime

import structlog
from sqlmodel import Session

from notifier.audit import chain
from notifier.incidents.models import Incident
from notifier.intake.alert import Alert, clean

log = structlog.get_logger("notifier.intake")


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
    incidents = [
        Incident(
            title=clean(alert.title) or "Alert",
            summary=_summary(source, alert),
            # A sender's clock may run ahead; a detection time in the future is not kept.
            detected_at=alert.observed_at if alert.observed_at is not None and alert.observed_at <= now else None,
            created_by=f"intake:{source}",
            created_at=now,
            updated_at=now,
        )
        for source, alert in alerts
    ]
    session.add_all(incidents)
    session.flush()
    chain.append_many(
        session,
        [
            {
                "actor": incident.created_by,
                "event_type": "incident.created",
                "incident_id": incident.id,
                "payload": {"title": incident.title, "summary": incident.summary, "detected_at": incident.detected_at},
                "new_state": {"incident": incident.state},
                "at": now,
            }
            for incident in incidents
        ],
    )
    ids = [incident.id for incident in incidents]
    log.info("intake.incidents_opened", incident_ids=ids)
    return ids
