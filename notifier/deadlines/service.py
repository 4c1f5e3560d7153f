"""Keep an incident's Deadline rows equal to what the rules say, after every event (notifier/lifecycle/ calls
recompute, then has the reminders follow)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import Anchors, compute_due, status_of
from notifier.errors import Conflict, FieldProblem
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.workflow.schema import REVISED_AT, Registry, Workflow


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
        workflow = registry.of_version(track.regime, track.workflow_version)
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
        row = existing.get(key) or Deadline(
            organisation_id=incident.organisation_id,
            incident_id=incident.id,
            regime=key[0],
            stage=key[1],
            sequence=key[2],
        )
        row.due, row.provisional, row.legal_basis = item.due, item.provisional, item.legal_basis
        row.submitted_at = submitted_at
        row.status = status_of(item.due, submitted_at, now)
        row.updated_at = now
        row.replan_at = now  # the plan below moves it on
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def check_filing(
    session: Session, *, incident: Incident, workflow: Workflow, payload: dict[str, Any], zone: ZoneInfo
) -> None:
    """A submission against the deadline it meets: a stage due on request needs an open request, and a late one
    must give what the stage requires of a late filing (the delay reason)."""
    stage_name, submitted_at = payload["stage"], payload["submitted_at"]
    stage = workflow.stages[stage_name]
    row = session.exec(
        select(Deadline)
        .where(
            Deadline.incident_id == incident.id,
            Deadline.regime == workflow.regime,
            Deadline.stage == stage_name,
            Deadline.submitted_at.is_(None),
        )
        .order_by(Deadline.sequence)
    ).first()
    if stage.due is not None and stage.due.from_ == "request" and row is None:
        raise Conflict(
            f"no open request for a {stage_name} on this incident", "refused_no_request", stage=stage.title.model_dump()
        )
    if row is not None and row.due is not None and submitted_at > row.due:
        for required in stage.late_requires:
            if not payload.get(required):
                due_local = row.due.astimezone(zone).isoformat()
                raise FieldProblem(
                    required,
                    f"the {stage_name} deadline passed at {due_local}; "
                    f"a late submission must give the {required} (e.g. AVG art. 33(1))",
                    "missing",
                    # The pages say it in the officer's words: the stage's title, the time in the zone.
                    {"stage_title": stage.title.model_dump(), "due": row.due},
                )


def for_incident(session: Session, incident_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline).where(Deadline.incident_id == incident_id).order_by(Deadline.due, Deadline.id)
        ).all()
    )
