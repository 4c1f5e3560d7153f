"""Incident reads and the incident's own part of an event: the state machine, the track's declaration, requests.

What an event does beyond these rows (the filing, deadlines, reminders, the audit record) is sequenced by
notifier/lifecycle/; this package knows nothing of those. Services flush; the caller (request or job) commits.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from notifier import instants
from notifier.errors import FieldProblem, NotFound
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.incidents.state_machine import IncidentState, incident_transition, track_transition
from notifier.products import service as products
from notifier.workflow.schema import PROCESSOR_INFORMED, REVISED_AT, SETTLED, EventDef, Registry, Workflow, matches

CLOCK_SKEW = instants.CLOCK_SKEW


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


@dataclass
class Change:
    """One event applied to the incident's own rows, before the lifecycle completes it: the states before, and
    for a track event the track, the state it moves to and the event's definition."""

    before: dict[str, Any]
    track: Track | None = None
    new_state: str | None = None
    event: EventDef | None = None


def snapshot(incident: Incident, track: Track | None) -> dict[str, Any]:
    snap: dict[str, Any] = {"incident": incident.state}
    if track is not None:
        snap[track.regime] = track.state
    return snap


def not_future(field: str, value: datetime, now: datetime) -> None:
    if value > now + CLOCK_SKEW:
        raise FieldProblem(field, "lies in the future; only confirm what has happened", key="form_datetime_future")


def _not_before_awareness(session: Session, incident: Incident, resolved_at: datetime, zone: ZoneInfo) -> None:
    """An incident cannot end before anyone knew of it: the earliest awareness of any track bounds it."""
    aware = [t.aware_at for t in tracks(session, incident.id) if t.aware_at is not None]
    if aware and resolved_at < min(aware):
        earliest = min(aware).astimezone(zone).isoformat()
        raise FieldProblem(
            "resolved_at",
            f"lies before the earliest awareness time of this incident ({earliest})",
            params={"earliest": min(aware)},
            key="refused_resolved_before_awareness",
        )


def _not_before_start(incident: Incident, resolved_at: datetime, zone: ZoneInfo) -> None:
    started = (incident.facts or {}).get("started_at")
    if started and resolved_at < datetime.fromisoformat(started):
        start_local = datetime.fromisoformat(started).astimezone(zone).isoformat()
        raise FieldProblem(
            "resolved_at",
            f"lies before the start of the incident (started_at {start_local})",
            params={"started": datetime.fromisoformat(started)},
            key="refused_resolved_before_start",
        )


def resolve(session: Session, incident: Incident, resolved_at: datetime, *, zone: ZoneInfo, now: datetime) -> Change:
    """incident.resolved: checked against what is known of the incident, then the incident's state moves."""
    before = snapshot(incident, None)
    not_future("resolved_at", resolved_at, now)
    _not_before_awareness(session, incident, resolved_at, zone)
    _not_before_start(incident, resolved_at, zone)
    incident.state = incident_transition(incident.state, "incident.resolved")
    incident.resolved_at = resolved_at
    return Change(before)


def begin_track_event(
    session: Session,
    incident: Incident,
    workflow: Workflow,
    name: str,
    payload: dict,
    *,
    conditions: dict,
    zone: ZoneInfo,
    actor: str,
    now: datetime,
    informed_earlier: Callable[[datetime | None], list[tuple[str, datetime]]] = lambda _aware_at: [],
) -> Change:
    """A regime's event: the transition is checked first (409 before 422), then the fields; the declaration and a
    request are written. The track keeps its old state until finish_track_event, so a filing frozen in between
    renders the track as it stood when the report was sent. `informed_earlier(aware_at)`: the (processor,
    informed_at) notices before that awareness time, for a field required_if processor_informed_before_awareness
    (lifecycle knows the processors; this package does not)."""
    track = _track(session, incident, workflow)
    before = snapshot(incident, track)
    new_state = track_transition(workflow, track.state, name, payload, conditions)
    event = workflow.track.events[name]
    for fname, field in event.fields.items():
        if field.not_future and payload.get(fname) is not None:
            not_future(fname, payload[fname], now)
    _check_required(zone, workflow, name, payload, informed_earlier)
    _products_named(session, event, payload)
    if event.starts_clock:
        track.aware_at = payload["aware_at"]
        track.declared_by = actor
        track.reasoning = payload.get("reasoning")
        # The version of the regime in force when this clock started stays with the duty (reference section 8).
        track.workflow_version = workflow.version
        # Optional fields left out are not part of the declaration (its JSON travels with every filed report).
        track.declaration = {
            **{k: _stored(v) for k, v in payload.items() if k not in {"aware_at", "reasoning"} and v is not None},
            **event.sets,
        }
    elif event.settles or event.settles_all:
        stages = [event.settles] if event.settles else event.settles_all
        settled = {**(track.declaration or {}).get(SETTLED, {}), **dict.fromkeys(stages, name)}
        kept = {k: _stored(v) for k, v in payload.items() if v is not None}
        # A time it records is an anchor ("at:<field>") of the stage that reports the settling itself.
        recorded = {k: kept[k] for k in event.records if k in kept}
        track.declaration = {**(track.declaration or {}), **recorded, name: kept, SETTLED: settled}
        if event.settles_all:
            track.reasoning = payload.get("reasoning")
    elif event.records:
        recorded = {k: _stored(payload[k]) for k in event.records if payload.get(k) is not None}
        track.declaration = {**(track.declaration or {}), **recorded}
    elif event.revises:
        _revise(track, event.revises, payload, now)
    elif not event.submission and not event.request:
        track.reasoning = payload.get("reasoning")
    if event.request:
        _record_request(session, incident, workflow, event, payload, actor, now)
    return Change(before, track, new_state, event)


def finish_track_event(session: Session, workflow: Workflow, incident: Incident, change: Change, now: datetime) -> None:
    track = change.track
    track.state, track.updated_at = change.new_state, now
    session.add(track)
    if workflow.track.states[change.new_state].active:
        incident.state = incident_transition(incident.state, "track_activated")


def settle(session: Session, registry: Registry, incident: Incident) -> None:
    """A resolved incident closes once no track has a duty left (run after the deadlines are recomputed)."""
    if incident.state == IncidentState.RESOLVED and not _any_active(session, registry, incident):
        incident.state = incident_transition(incident.state, "tracks_settled")


def _any_active(session: Session, registry: Registry, incident: Incident) -> bool:
    for track in tracks(session, incident.id):
        workflow = registry.get(track.regime)
        if workflow and workflow.track.states.get(track.state) and workflow.track.states[track.state].active:
            return True
    return False


def _track(session: Session, incident: Incident, workflow: Workflow) -> Track:
    track = session.exec(
        select(Track).where(Track.incident_id == incident.id, Track.regime == workflow.regime)
    ).one_or_none()
    if track is None:
        track = Track(
            organisation_id=incident.organisation_id,
            incident_id=incident.id,
            regime=workflow.regime,
            state=workflow.track.initial,
        )
    return track


def _record_request(
    session: Session,
    incident: Incident,
    workflow: Workflow,
    event: EventDef,
    payload: dict,
    actor: str,
    now: datetime,
) -> None:
    if payload["due"] <= now:
        raise FieldProblem("due", "the requested due date has already passed", key="refused_due_passed")
    requested_by = payload.get("requested_by")
    if event.request_from:
        party = workflow.recipients.parties[event.request_from].name
        requested_by = f"{party}, {payload['reference']}" if payload.get("reference") else party
    session.add(
        ReportRequest(
            organisation_id=incident.organisation_id,
            incident_id=incident.id,
            regime=workflow.regime,
            stage=event.request,
            due=payload["due"],
            requested_by=requested_by,
            recorded_by=actor,
            recorded_at=now,
        )
    )


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


def _products_named(session: Session, event: EventDef, payload: dict) -> None:
    """A product field names a product of the register (id or name); the declaration keeps what it was then, so a
    later edit of the register does not change a filed report. In place: the audit record shows the same copy."""
    for fname, field in event.fields.items():
        if field.type == "product" and payload.get(fname) is not None:
            payload[fname] = products.snapshot(products.resolve(session, fname, payload[fname]))


def _check_required(
    zone: ZoneInfo,
    workflow: Workflow,
    name: str,
    payload: dict,
    informed_earlier: Callable[[datetime | None], list[tuple[str, datetime]]],
) -> None:
    """Fields the workflow requires only under a condition: other values of the event, or the processor's clock."""
    for fname, field in workflow.track.events[name].fields.items():
        if payload.get(fname) not in (None, ""):
            continue
        if field.required_when and matches(field.required_when, payload):
            condition = next(iter(field.required_when))
            raise FieldProblem(
                fname,
                f"is required: {field.because or 'see the workflow file'}",
                "missing",
                # The pages say why in the workflow's words: the condition's label and the choice made.
                {"regime": workflow.regime, "event": name, "condition": condition, "value": payload.get(condition)},
                key="refused_required_when",
            )
        if field.required_if == PROCESSOR_INFORMED:
            found = informed_earlier(payload.get("aware_at"))
            if found:
                processor, informed = found[0]
                informed_local = informed.astimezone(zone).isoformat()
                raise FieldProblem(
                    fname,
                    f"is required: {processor} informed us at {informed_local}, before this awareness time; "
                    f"{field.because or 'explain why'}",
                    "missing",
                    {"processor": processor, "informed_at": informed},
                )
