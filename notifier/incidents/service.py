"""Incident use cases. Services flush; the caller (request or job wrapper) commits."""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlmodel import Session, func, select

from notifier import clock, instants
from notifier.audit import chain
from notifier.deadlines import service as deadlines
from notifier.deadlines.models import Deadline
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.incidents import processor_clock
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.incidents.state_machine import incident_transition, track_transition
from notifier.organisation import service as organisation
from notifier.resources import resource_dir
from notifier.submissions import facts as incident_facts
from notifier.submissions import ledger
from notifier.workflow.schema import REVISED_AT, SETTLED, Registry, Workflow, matches

log = structlog.get_logger("notifier.incidents")
CLOCK_SKEW = instants.CLOCK_SKEW


@dataclass(frozen=True)
class Context:
    registry: Registry
    default_zone: ZoneInfo
    templates_dir: Path = dataclasses.field(default_factory=lambda: resource_dir("templates"))
    witness: Any = None  # notifier.audit.checkpoint.Witness: where a filing's signed checkpoint goes after commit
    # NOTIFIER_COMPETENT_AUTHORITIES: the Cbw authority of a sector the workflow routes to "competent_authority".
    competent_authorities: dict[str, str] = dataclasses.field(default_factory=dict)

    def zone(self, session: Session) -> ZoneInfo:
        org = organisation.get(session)
        return ZoneInfo(org.timezone) if org else self.default_zone


def create(session: Session, *, title: str, summary: str, detected_at: datetime | None, actor: str) -> Incident:
    now = clock.now()
    if detected_at is not None and detected_at > now + CLOCK_SKEW:
        raise FieldProblem("detected_at", "lies in the future")
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


def get(session: Session, incident_id: int, *, lock: bool = False) -> Incident:
    """`lock`: hold the row until commit (PostgreSQL SELECT ... FOR UPDATE, re-read even when already loaded), for a
    write that first compares what is stored (If-Match). SQLite ignores it: BEGIN IMMEDIATE already serialises."""
    incident = session.get(Incident, incident_id, with_for_update=lock or None, populate_existing=lock)
    if incident is None:
        raise NotFound(f"incident {incident_id}")
    return incident


def list_incidents(session: Session, *, state: str | None = None, limit: int = 100, offset: int = 0) -> list[Incident]:
    query = select(Incident).order_by(Incident.id.desc()).limit(limit).offset(offset)
    if state:
        query = query.where(Incident.state == state)
    return list(session.exec(query).all())


def count_incidents(session: Session, *, state: str | None = None) -> int:
    query = select(func.count()).select_from(Incident)
    if state:
        query = query.where(Incident.state == state)
    return session.exec(query).one()


def tracks(session: Session, incident_id: int) -> list[Track]:
    return list(session.exec(select(Track).where(Track.incident_id == incident_id).order_by(Track.id)).all())


def submissions(session: Session, incident_id: int) -> list[Submission]:
    return list(
        session.exec(
            select(Submission)
            .where(Submission.incident_id == incident_id)
            .order_by(Submission.submitted_at, Submission.id)
        ).all()
    )


def requests(session: Session, incident_id: int) -> list[ReportRequest]:
    return list(
        session.exec(
            select(ReportRequest).where(ReportRequest.incident_id == incident_id).order_by(ReportRequest.id)
        ).all()
    )


def _snapshot(incident: Incident, track: Track | None) -> dict[str, Any]:
    snap: dict[str, Any] = {"incident": incident.state}
    if track is not None:
        snap[track.regime] = track.state
    return snap


def _not_future(field: str, value: datetime, now: datetime) -> None:
    if value > now + CLOCK_SKEW:
        raise FieldProblem(field, "lies in the future; only confirm what has happened")


def _not_before_awareness(session: Session, incident: Incident, resolved_at: datetime, zone: ZoneInfo) -> None:
    """An incident cannot end before anyone knew of it: the earliest awareness of any track bounds it."""
    aware = [t.aware_at for t in tracks(session, incident.id) if t.aware_at is not None]
    if aware and resolved_at < min(aware):
        earliest = min(aware).astimezone(zone).isoformat()
        raise FieldProblem("resolved_at", f"lies before the earliest awareness time of this incident ({earliest})")


def apply_event(session: Session, ctx: Context, *, incident: Incident, event: Any, actor: str) -> Incident:
    """Validate one event against the state machine, apply it, recompute deadlines and audit it."""
    now = clock.now()
    payload = event.model_dump(exclude={"type"})
    structlog.contextvars.bind_contextvars(incident_id=incident.id)
    if event.type == "incident.resolved":
        before = _snapshot(incident, None)
        _not_future("resolved_at", event.resolved_at, now)
        _not_before_awareness(session, incident, event.resolved_at, ctx.zone(session))
        _not_before_start(incident, event.resolved_at, ctx.zone(session))
        incident.state = incident_transition(incident.state, "incident.resolved")
        incident.resolved_at = event.resolved_at
        track = None
    else:
        regime, _, name = event.type.partition(".")
        workflow = ctx.registry.workflows[regime]
        org = organisation.get(session)
        notice = organisation.regime_notice(org, regime)
        if notice:
            raise Conflict(f"{event.type} refused: no {regime} track for this organisation. {notice}")
        track = _track(session, incident, workflow)
        before = _snapshot(incident, track)
        new_state = track_transition(workflow, track.state, name, payload, organisation.conditions(org))
        _apply_track_event(session, ctx, incident, track, workflow, name, payload, actor, now)
        track.state, track.updated_at = new_state, now
        session.add(track)
        if workflow.track.states[new_state].active:
            incident.state = incident_transition(incident.state, "track_activated")
    session.flush()
    _refresh(session, ctx, incident, now)
    incident.updated_at = now
    session.add(incident)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type=event.type,
        incident_id=incident.id,
        payload=payload,
        previous_state=before,
        new_state=_snapshot(incident, track),
        reason=payload.get("reasoning") or payload.get("delay_reason"),
        at=now,
    )
    log.info("incident.transitioned", event_type=event.type, before=before, after=_snapshot(incident, track))
    if event.type == "incident.resolved":
        _end_of_breach(session, ctx, incident, event.resolved_at, actor)
    return incident


def _not_before_start(incident: Incident, resolved_at: datetime, zone: ZoneInfo) -> None:
    started = (incident.facts or {}).get("started_at")
    if started and resolved_at < datetime.fromisoformat(started):
        start_local = datetime.fromisoformat(started).astimezone(zone).isoformat()
        raise FieldProblem("resolved_at", f"lies before the start of the incident (started_at {start_local})")


def _end_of_breach(session: Session, ctx: Context, incident: Incident, resolved_at: datetime, actor: str) -> None:
    """The reports' end of the incident / breach (fact ended_at) is the resolution unless the officer entered one;
    written as a facts update of its own, so the audit trail shows where the value came from."""
    if "ended_at" not in ctx.registry.facts or (incident.facts or {}).get("ended_at"):
        return
    incident_facts.update(
        session,
        incident=incident,
        catalogue=ctx.registry.facts,
        changes={"ended_at": resolved_at.isoformat()},
        actor=actor,
    )


def _refresh(session: Session, ctx: Context, incident: Incident, now: datetime) -> None:
    org = organisation.get(session)
    deadlines.recompute(
        session,
        incident=incident,
        registry=ctx.registry,
        zone=ctx.zone(session),
        conditions=organisation.conditions(org),
        now=now,
    )
    if incident.state == "resolved" and not _any_active(session, ctx, incident):
        incident.state = incident_transition(incident.state, "tracks_settled")


def _any_active(session: Session, ctx: Context, incident: Incident) -> bool:
    for track in tracks(session, incident.id):
        workflow = ctx.registry.get(track.regime)
        if workflow and workflow.track.states.get(track.state) and workflow.track.states[track.state].active:
            return True
    return False


def _track(session: Session, incident: Incident, workflow: Workflow) -> Track:
    track = session.exec(
        select(Track).where(Track.incident_id == incident.id, Track.regime == workflow.regime)
    ).one_or_none()
    if track is None:
        track = Track(incident_id=incident.id, regime=workflow.regime, state=workflow.track.initial)
    return track


def _apply_track_event(
    session: Session,
    ctx: Context,
    incident: Incident,
    track: Track,
    workflow: Workflow,
    name: str,
    payload: dict,
    actor: str,
    now: datetime,
) -> None:
    event = workflow.track.events[name]
    for fname, field in event.fields.items():
        if field.not_future and payload.get(fname) is not None:
            _not_future(fname, payload[fname], now)
    _check_required(session, ctx, incident, workflow, name, payload)
    if event.starts_clock:
        track.aware_at = payload["aware_at"]
        track.declared_by = actor
        track.reasoning = payload.get("reasoning")
        # Optional fields left out are not part of the declaration (its JSON travels with every filed report).
        track.declaration = {k: v for k, v in payload.items() if k not in {"aware_at", "reasoning"} and v is not None}
    elif event.settles:
        settled = {**(track.declaration or {}).get(SETTLED, {}), event.settles: name}
        kept = {k: _stored(v) for k, v in payload.items() if v is not None}
        track.declaration = {**(track.declaration or {}), name: kept, SETTLED: settled}
    elif event.revises:
        _revise(track, event.revises, payload, now)
    elif not event.submission and not event.request:
        track.reasoning = payload.get("reasoning")
    if event.request:
        if payload["due"] <= now:
            raise FieldProblem("due", "the requested due date has already passed")
        requested_by = payload.get("requested_by")
        if event.request_from:
            party = workflow.recipients.parties[event.request_from].name
            requested_by = f"{party}, {payload['reference']}" if payload.get("reference") else party
        session.add(
            ReportRequest(
                incident_id=incident.id,
                regime=workflow.regime,
                stage=event.request,
                due=payload["due"],
                requested_by=requested_by,
                recorded_by=actor,
                recorded_at=now,
            )
        )
    if event.submission:
        _record_submission(session, ctx, incident, track, workflow, payload, actor, now)


def _stored(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _revise(track: Track, keys: list[str], payload: dict, now: datetime) -> None:
    """A revised assessment: the keys and the reasoning replace the current ones; the anchor revised:<key> moves only
    when the value changes (a revision that confirms high risk does not restart the communication's target)."""
    declaration = dict(track.declaration or {})
    revised_at = dict(declaration.get(REVISED_AT) or {})
    for key in keys:
        if declaration.get(key) != payload[key]:
            revised_at[key] = now.astimezone(UTC).isoformat()
        declaration[key] = payload[key]
    declaration[REVISED_AT] = revised_at
    track.declaration = declaration
    track.reasoning = payload.get("reasoning")


def _check_required(
    session: Session, ctx: Context, incident: Incident, workflow: Workflow, name: str, payload: dict
) -> None:
    """Fields the workflow requires only under a condition: other values of the event, or the processor's clock."""
    for fname, field in workflow.track.events[name].fields.items():
        if payload.get(fname) not in (None, ""):
            continue
        if field.required_when and matches(field.required_when, payload):
            raise FieldProblem(fname, f"is required: {field.because or 'see the workflow file'}", "missing")
        if field.required_if == processor_clock.CONDITION:
            found = processor_clock.earlier(
                processor_clock.notices(session, [incident.id])[incident.id], payload.get("aware_at")
            )
            if found:
                processor, informed = found[0]
                informed_local = informed.astimezone(ctx.zone(session)).isoformat()
                raise FieldProblem(
                    fname,
                    f"is required: {processor} informed us at {informed_local}, before this awareness time; "
                    f"{field.because or 'explain why'}",
                    "missing",
                    {"processor": processor, "informed_at": informed},
                )


def _record_submission(
    session: Session,
    ctx: Context,
    incident: Incident,
    track: Track,
    workflow: Workflow,
    payload: dict,
    actor: str,
    now: datetime,
) -> None:
    stage_name, submitted_at = payload["stage"], payload["submitted_at"]
    stage = workflow.stages[stage_name]
    if track.aware_at is not None and submitted_at < track.aware_at:
        raise FieldProblem("submitted_at", "lies before the awareness time of this track")
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
        raise Conflict(f"no open request for a {stage_name} on this incident")
    if row is not None and row.due is not None and submitted_at > row.due:
        for required in stage.late_requires:
            if not payload.get(required):
                due_local = row.due.astimezone(ctx.zone(session)).isoformat()
                raise FieldProblem(
                    required,
                    f"the {stage_name} deadline passed at {due_local}; "
                    f"a late submission must give the {required} (e.g. AVG art. 33(1))",
                    "missing",
                )
    submission = Submission(
        incident_id=incident.id,
        regime=workflow.regime,
        stage=stage_name,
        submitted_at=submitted_at,
        reference=payload.get("reference"),
        delay_reason=payload.get("delay_reason"),
        confirmed_by=actor,
        confirmed_at=now,
        language=payload.get("language"),
    )
    # Freeze the filed text in the ledger; apply_event's audit record carries the hash and the missing fields.
    payload.update(ledger.file(session, ctx, incident=incident, track=track, workflow=workflow, submission=submission))
    session.add(submission)
