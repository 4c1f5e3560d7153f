"""Which open incident an alert belongs to.

The key is the tool's own incident id when it sends one (no time limit: the tool already grouped them), else
rule + asset, which only correlates while the last alert with that key is younger than the configured window.
An alert with neither never correlates.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from notifier.incidents.models import Incident
from notifier.intake.alert import Alert
from notifier.intake.models import IntakeAlert

OPEN_STATES = ("triage", "open")


def key(source: str, alert: Alert) -> str:
    if alert.tool_incident_id:
        return f"incident:{source}:{alert.tool_incident_id}"
    if alert.rule or alert.asset:
        return f"rule:{source}:{alert.rule or ''}|{alert.asset or ''}"
    return f"alert:{source}:{alert.external_id}"


def open_incidents(session: Session, keys: set[str], *, now: datetime, window: timedelta) -> dict[str, int]:
    """For each key, the incident of the latest alert with that key, if that incident is still open.

    Two queries for a whole batch, both on the (correlation_key, received_at) index: rule keys only look inside
    the window, so the work stays bounded however long a noisy rule keeps firing.
    """
    rule_keys = sorted(k for k in keys if k.startswith("rule:"))
    tool_keys = sorted(k for k in keys if k.startswith("incident:"))
    latest_ids: list[int] = []
    for wanted, since in ((rule_keys, now - window), (tool_keys, None)):
        if not wanted:
            continue
        query = (
            select(func.max(IntakeAlert.id))
            .where(IntakeAlert.correlation_key.in_(wanted), IntakeAlert.incident_id.is_not(None))
            .group_by(IntakeAlert.correlation_key)
        )
        if since is not None:
            query = query.where(IntakeAlert.received_at >= since)
        latest_ids += session.exec(query).all()
    if not latest_ids:
        return {}
    rows = session.exec(
        select(IntakeAlert.correlation_key, IntakeAlert.incident_id)
        .join(Incident, Incident.id == IntakeAlert.incident_id)
        .where(IntakeAlert.id.in_(latest_ids), Incident.state.in_(OPEN_STATES))
    ).all()
    return dict(rows)
