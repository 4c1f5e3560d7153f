"""Which open incident an alert belongs to.

The key is the tool's own incident id when it sends one (no time limit: the tool already grouped them), else
rule + asset, which only correlates while the last alert with that key is younger than the configured window.
An alert with neither never correlates.
"""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from notifier.incidents.models import Incident
from notifier.incidents.state_machine import OPEN_STATES
from notifier.intake.alert import Alert
from notifier.intake.models import IntakeAlert


def key(source: str, alert: Alert) -> str:
    if alert.tool_incident_id:
        return f"incident:{source}:{alert.tool_incident_id}"
    if alert.rule or alert.asset:
        return f"rule:{source}:{alert.rule or ''}|{alert.asset or ''}"
    return f"alert:{source}:{alert.external_id}"


def _query(*, windowed: bool):  # noqa: ANN202
    """Built once: the writer runs it for every batch, and a prebuilt Core statement skips SQLAlchemy's
    statement construction and cache-key work (the expanding IN keeps one compiled form for any list length)."""
    alerts, incidents = IntakeAlert.__table__, Incident.__table__
    latest = (
        select(func.max(alerts.c.id))
        .where(
            alerts.c.organisation_id == bindparam("organisation_id"),
            alerts.c.correlation_key.in_(bindparam("keys", expanding=True)),
            alerts.c.incident_id.is_not(None),
        )
        .group_by(alerts.c.correlation_key)
    )
    if windowed:
        latest = latest.where(alerts.c.received_at >= bindparam("since", type_=alerts.c.received_at.type))
    return (
        select(alerts.c.correlation_key, alerts.c.incident_id)
        .join(incidents, incidents.c.id == alerts.c.incident_id)
        .where(alerts.c.id.in_(latest.scalar_subquery()), incidents.c.state.in_([s.value for s in OPEN_STATES]))
    )


_RULE_KEYS = _query(windowed=True)
_TOOL_KEYS = _query(windowed=False)


def open_incidents(
    session: Session, keys: set[str], *, organisation_id: int, now: datetime, window: timedelta
) -> dict[str, int]:
    """For each key, the incident of the latest of the organisation's alerts with that key, if that incident is
    still open.

    One query per kind of key for a whole batch, on the (correlation_key, received_at) index: rule keys only look
    inside the window, so the work stays bounded however long a noisy rule keeps firing.
    """
    rule_keys = sorted(k for k in keys if k.startswith("rule:"))
    tool_keys = sorted(k for k in keys if k.startswith("incident:"))
    conn = session.connection()
    found: dict[str, int] = {}
    if rule_keys:
        values = {"keys": rule_keys, "since": now - window, "organisation_id": organisation_id}
        found.update(conn.execute(_RULE_KEYS, values).all())
    if tool_keys:
        found.update(conn.execute(_TOOL_KEYS, {"keys": tool_keys, "organisation_id": organisation_id}).all())
    return found
