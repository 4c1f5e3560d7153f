"""The officer's corrections to correlation: merge two incidents' alerts, or split alerts off into a new one."""

from sqlmodel import Session, select

from notifier import clock
from notifier.audit import chain
from notifier.errors import Conflict, FieldProblem
from notifier.incidents import service as incidents
from notifier.incidents.models import Incident
from notifier.incidents.state_machine import incident_transition
from notifier.intake.models import IntakeAlert


def alerts_of(session: Session, incident_id: int) -> list[IntakeAlert]:
    return list(
        session.exec(select(IntakeAlert).where(IntakeAlert.incident_id == incident_id).order_by(IntakeAlert.id)).all()
    )


def merge(session: Session, *, into: Incident, source: Incident, actor: str) -> int:
    """Move every alert of `source` to `into`; `source` becomes merged. Only a source still in triage may go:
    once a regime's clock runs on it, its history must stay where the deadlines refer to it."""
    if into.id == source.id:
        raise FieldProblem("from_incident_id", "an incident cannot be merged into itself")
    if source.state != "triage":
        raise Conflict(f"incident {source.id} is {source.state!r}; only an incident still in triage can be merged")
    if into.state not in ("triage", "open"):
        raise Conflict(f"incident {into.id} is {into.state!r}; merge into an incident that is still open")
    moved = alerts_of(session, source.id)
    now = clock.now()
    for alert in moved:
        alert.incident_id = into.id
        session.add(alert)
    before = source.state
    source.state = incident_transition(source.state, "incident.merged")
    source.updated_at = into.updated_at = now
    source.merged_into_id = into.id
    session.add(source)
    session.add(into)
    session.flush()
    alert_ids = [a.id for a in moved]
    chain.append(
        session,
        actor=actor,
        event_type="incident.merged",
        incident_id=source.id,
        payload={"into_incident_id": into.id, "alert_ids": alert_ids},
        previous_state={"incident": before},
        new_state={"incident": source.state},
        at=now,
    )
    chain.append(
        session,
        actor=actor,
        event_type="incident.merge_received",
        incident_id=into.id,
        payload={"from_incident_id": source.id, "alert_ids": alert_ids},
        at=now,
    )
    return len(moved)


def split(session: Session, *, source: Incident, alert_ids: list[int], title: str, actor: str) -> Incident:
    """Move the given alerts of `source` to a new incident in triage."""
    wanted = sorted(set(alert_ids))
    rows = session.exec(select(IntakeAlert).where(IntakeAlert.id.in_(wanted))).all()
    found = {r.id: r for r in rows}
    strangers = [i for i in wanted if i not in found or found[i].incident_id != source.id]
    if strangers:
        raise FieldProblem("alert_ids", f"not alerts of incident {source.id}: {strangers[:20]}")
    if source.state not in ("triage", "open"):
        raise Conflict(f"incident {source.id} is {source.state!r}; only an open incident can be split")
    observed = [r.observed_at for r in rows if r.observed_at is not None and r.observed_at <= clock.now()]
    target = incidents.create(
        session,
        title=title,
        summary=f"Split from incident {source.id}",
        detected_at=min(observed) if observed else None,
        actor=actor,
    )
    for row in rows:
        row.incident_id = target.id
        session.add(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="incident.split",
        incident_id=source.id,
        payload={"to_incident_id": target.id, "alert_ids": wanted},
    )
    return target
