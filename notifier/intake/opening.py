"""Opening incidents for a batch of alerts: the incidents' bulk path (incidents.creation.open_many), fed with what
an alert says: its title, a summary naming source and alert, the detection time."""

from datetime import datetime

import structlog
from sqlmodel import Session

from notifier.incidents import creation
from notifier.intake.alert import Alert, clean

log = structlog.get_logger("notifier.intake")


def _summary(source: str, alert: Alert) -> str:
    details = [f"severity {alert.severity_name} ({source}: {alert.severity_original})"]
    if alert.asset:
        details.append(f"asset {alert.asset}")
    if alert.rule:
        details.append(f"rule {alert.rule}")
    return clean(f"Opened by {source} alert {alert.external_id}: " + ", ".join(details))


def _detected(alert: Alert, now: datetime) -> datetime | None:
    # A sender's clock may run ahead; a detection time in the future is not kept.
    return alert.observed_at if alert.observed_at is not None and alert.observed_at <= now else None


def open_incidents(session: Session, alerts: list[tuple[str, Alert, int]], *, now: datetime) -> list[int]:
    """One incident per (source, alert, organisation), actor intake:<source>; the ids in the same order."""
    if not alerts:
        return []
    # The summary names source and alert id, so it is unique in the batch, as open_many needs.
    ids = creation.open_many(
        session,
        [
            {
                "title": clean(alert.title) or "Alert",
                "summary": _summary(source, alert),
                "detected_at": _detected(alert, now),
                "created_by": f"intake:{source}",
                "organisation_id": organisation_id,
            }
            for source, alert, organisation_id in alerts
        ],
        now=now,
    )
    log.info("intake.incidents_opened", incident_ids=ids)
    return ids
