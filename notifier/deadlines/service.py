"""Keep an incident's Deadline rows equal to what the rules say, after every event."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import Anchors, compute_due, status_of
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.reminders import plan as reminder_plan
from notifier.workflow.schema import REVISED_AT, Registry


def anchors_for(session: Session, incident: Incident, track: Track, conditions: dict) -> Anchors:
    submitted: dict[str, list[datetime]] = {}
    subs = session.exec(
        select(Submission)
        .where(Submission.incident_id == incident.id, Submission.regime == track.regime)
        .order_by(Submission.submitted_at, Submission.id)
    ).all()
    for sub in subs:
        submitted.setdefault(sub.stage, []).append(sub.submitted_at)
    requests = session.exec(
        select(ReportRequest)
        .where(ReportRequest.incident_id == incident.id, ReportRequest.regime == track.regime)
        .order_by(ReportRequest.id)
    ).all()
    by_stage: dict[str, list[datetime]] = {}
    for request in requests:
        by_stage.setdefault(request.stage, []).append(request.due)
    declaration = track.declaration or {}
    revised = {key: datetime.fromisoformat(at) for key, at in (declaration.get(REVISED_AT) or {}).items()}
    return Anchors(
        aware_at=track.aware_at,
        resolved_at=incident.resolved_at,
        submitted=submitted,
        requests=[r.due for r in requests],
        declaration=declaration,
        conditions=conditions,
        revised=revised,
        requests_by_stage=by_stage,
    )


def recompute(
    session: Session, *, incident: Incident, registry: Registry, zone: ZoneInfo, conditions: dict, now: datetime
) -> list[Deadline]:
    tracks = session.exec(select(Track).where(Track.incident_id == incident.id)).all()
    wanted: dict[tuple[str, str, int], tuple] = {}
    for track in tracks:
        workflow = registry.get(track.regime)
        if workflow is None or track.aware_at is None:
            continue
        anchors = anchors_for(session, incident, track, conditions)
        for item in compute_due(workflow, anchors, zone):
            times = anchors.submitted.get(item.stage, [])
            index = item.sequence - 1 if item.sequence else 0
            submitted_at = times[index] if index < len(times) else None
            wanted[(track.regime, item.stage, item.sequence)] = (item, submitted_at)
    existing = {
        (d.regime, d.stage, d.sequence): d
        for d in session.exec(select(Deadline).where(Deadline.incident_id == incident.id)).all()
    }
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    rows = []
    for key, (item, submitted_at) in wanted.items():
        row = existing.get(key) or Deadline(incident_id=incident.id, regime=key[0], stage=key[1], sequence=key[2])
        row.due, row.provisional, row.legal_basis = item.due, item.provisional, item.legal_basis
        row.submitted_at = submitted_at
        row.status = status_of(item.due, submitted_at, now)
        row.updated_at = now
        row.replan_at = now  # the plan below moves it on
        session.add(row)
        rows.append(row)
    session.flush()
    # Reminder steps follow the deadlines in the same transaction: planned, moved or dropped with them.
    reminder_plan.sync_incident(session, incident_id=incident.id, registry=registry, now=now)
    return rows


def for_incident(session: Session, incident_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline).where(Deadline.incident_id == incident_id).order_by(Deadline.due, Deadline.id)
        ).all()
    )
