"""Applying one event to an incident, in the one order every caller (API, pages, assistant) relies on:

1. the incident's own rows: the state machine, the declaration, a request (incidents.service);
2. a filing frozen in the ledger, when the event records a submission (filing.py);
3. the deadlines recomputed, and the reminder steps planned, moved or dropped with them, in the same transaction;
4. the audit record of the event, with the states before and after;
5. after a resolution, the end of the breach as a facts update of its own.

Services flush; the caller's unit of work commits.
"""

from datetime import datetime
from typing import Any

import structlog
from sqlmodel import Session

from notifier import clock
from notifier.audit import chain
from notifier.context import Context
from notifier.deadlines import service as deadlines
from notifier.errors import Conflict
from notifier.incidents import service as incidents
from notifier.incidents.models import Incident
from notifier.lifecycle import filing
from notifier.organisation import service as organisation
from notifier.processors import awareness
from notifier.reminders import plan as reminder_plan
from notifier.submissions import facts as incident_facts

# The name the transition log has always had: dashboards and log searches filter on it.
log = structlog.get_logger("notifier.incidents")
RESOLVED = "incident.resolved"


def apply_event(session: Session, ctx: Context, *, incident: Incident, event: Any, actor: str) -> Incident:
    """Validate one event against the state machine and apply it with everything that follows from it."""
    now = clock.now()
    payload = event.model_dump(exclude={"type"})
    structlog.contextvars.bind_contextvars(incident_id=incident.id)
    zone = ctx.zone(session)
    org = organisation.get(session)
    conditions = organisation.conditions(org)
    if event.type == RESOLVED:
        change = incidents.resolve(session, incident, event.resolved_at, zone=zone, now=now)
    else:
        regime, _, name = event.type.partition(".")
        workflow = _version_for(session, ctx, incident, regime, name, payload)
        payload = _now_for_omitted_times(workflow.track.events[name], payload, now)
        notice = organisation.regime_notice(org, regime)
        if notice:
            raise Conflict(
                f"{event.type} refused: no {regime} track for this organisation. {notice}", "refused_no_track"
            )
        change = incidents.begin_track_event(
            session,
            incident,
            workflow,
            name,
            payload,
            conditions=conditions,
            zone=zone,
            actor=actor,
            now=now,
            informed_earlier=lambda aware_at: awareness.earlier(
                awareness.notices(session, [incident.id])[incident.id], aware_at
            ),
        )
        if change.event.submission:
            filing.freeze(
                session,
                ctx,
                incident=incident,
                track=change.track,
                workflow=workflow,
                payload=payload,
                actor=actor,
                now=now,
            )
        incidents.finish_track_event(session, workflow, incident, change, now)
    session.flush()
    deadlines.recompute(session, incident=incident, registry=ctx.registry, zone=zone, conditions=conditions, now=now)
    reminder_plan.sync_incident(session, incident_id=incident.id, registry=ctx.registry, now=now)
    incidents.settle(session, ctx.registry, incident)
    incident.updated_at = now
    session.add(incident)
    session.flush()
    after = incidents.snapshot(incident, change.track)
    chain.append(
        session,
        actor=actor,
        event_type=event.type,
        incident_id=incident.id,
        payload=payload,
        previous_state=change.before,
        new_state=after,
        reason=payload.get("reasoning") or payload.get("delay_reason"),
        at=now,
    )
    log.info("incident.transitioned", event_type=event.type, before=change.before, after=after)
    if event.type == RESOLVED:
        _end_of_breach(session, ctx, incident, event.resolved_at, actor)
    return incident


def _now_for_omitted_times(event: Any, payload: dict, now: datetime) -> dict:
    """An optional time field the form fills with "now" (`default_now`) is "now" when an API client leaves it out
    too, so the declaration, the anchor it feeds and the audit record hold the same moment."""
    filled = {
        fname: now
        for fname, field in event.fields.items()
        if field.type == "datetime" and field.default_now and not field.required and payload.get(fname) is None
    }
    return {**payload, **filled}


def _version_for(session: Session, ctx: Context, incident: Incident, regime: str, name: str, payload: dict) -> Any:
    """The regime's version this event is applied under: a clock that starts takes the version in force at its
    awareness time; a running track keeps the version it started with (reference section 8)."""
    registry = ctx.registry
    current = registry.workflows[regime]
    if current.track.events[name].starts_clock and payload.get("aware_at") is not None:
        return registry.version_at(regime, payload["aware_at"])
    track = next((t for t in incidents.tracks(session, incident.id) if t.regime == regime), None)
    return registry.of_version(regime, track.workflow_version if track else None)


def _end_of_breach(session: Session, ctx: Context, incident: Incident, resolved_at: Any, actor: str) -> None:
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
