"""The officer's corrections to correlation: merge two incidents' alerts, or split alerts off into a new one.

The incidents' side (which states allow it, the new incident, the audit records) is notifier/incidents/grouping.py;
this module moves the alerts.
"""

from sqlmodel import Session, select

from notifier import clock
from notifier.errors import FieldProblem
from notifier.incidents import grouping
from notifier.incidents.models import Incident
from notifier.intake.models import IntakeAlert


def alerts_of(session: Session, incident_id: int) -> list[IntakeAlert]:
    return list(
        session.exec(select(IntakeAlert).where(IntakeAlert.incident_id == incident_id).order_by(IntakeAlert.id)).all()
    )


def _move(session: Session, alerts: list[IntakeAlert], incident_id: int) -> list[int]:
    for alert in alerts:
        alert.incident_id = incident_id
        session.add(alert)
    return [a.id for a in alerts]


def merge(session: Session, *, into: Incident, source: Incident, actor: str) -> int:
    """Move every alert of `source` to `into`; `source` becomes merged."""
    return grouping.merge(
        session,
        into=into,
        source=source,
        actor=actor,
        move=lambda target_id: _move(session, alerts_of(session, source.id), target_id),
    )


def split(session: Session, *, source: Incident, alert_ids: list[int], title: str, actor: str) -> Incident:
    """Move the given alerts of `source` to a new incident in triage."""
    wanted = sorted(set(alert_ids))
    rows = list(session.exec(select(IntakeAlert).where(IntakeAlert.id.in_(wanted))).all())
    found = {r.id: r for r in rows}
    strangers = [i for i in wanted if i not in found or found[i].incident_id != source.id]
    if strangers:
        raise FieldProblem("alert_ids", f"not alerts of incident {source.id}: {strangers[:20]}")
    observed = [r.observed_at for r in rows if r.observed_at is not None and r.observed_at <= clock.now()]
    return grouping.split(
        session,
        source=source,
        title=title,
        detected_at=min(observed) if observed else None,
        actor=actor,
        moved=wanted,
        move=lambda target_id: _move(session, rows, target_id),
    )
