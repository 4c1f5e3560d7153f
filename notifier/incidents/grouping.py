"""Merging two incidents and splitting one: the incidents' states and audit records.

What hangs on an incident and moves with a merge or split (the intake's alerts) is moved by the caller, through
the `move` callable, at the point where the incident rules say it may; this package does not know the intake.
"""

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from notifier import clock
from notifier.audit import chain
from notifier.errors import Conflict, FieldProblem
from notifier.incidents import creation
from notifier.incidents.models import Incident
from notifier.incidents.state_machine import MERGEABLE_STATES, OPEN_STATES, incident_transition


def merge(session: Session, *, into: Incident, source: Incident, actor: str, move: Callable[[int], list[int]]) -> int:
    """`source` becomes merged into `into`; `move(into.id)` moves what hangs on source and returns its ids.
    Only a source still in triage may go: once a regime's clock runs on it, its history must stay where the
    deadlines refer to it. Returns how many were moved."""
    if into.id == source.id:
        raise FieldProblem("from_incident_id", "an incident cannot be merged into itself")
    if source.state not in MERGEABLE_STATES:
        raise Conflict(f"incident {source.id} is {source.state!r}; only an incident still in triage can be merged")
    if into.state not in OPEN_STATES:
        raise Conflict(f"incident {into.id} is {into.state!r}; merge into an incident that is still open")
    now = clock.now()
    moved = move(into.id)
    before = source.state
    source.state = incident_transition(source.state, "incident.merged")
    source.updated_at = into.updated_at = now
    source.merged_into_id = into.id
    session.add(source)
    session.add(into)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="incident.merged",
        incident_id=source.id,
        payload={"into_incident_id": into.id, "alert_ids": moved},
        previous_state={"incident": before},
        new_state={"incident": source.state},
        at=now,
    )
    chain.append(
        session,
        actor=actor,
        event_type="incident.merge_received",
        incident_id=into.id,
        payload={"from_incident_id": source.id, "alert_ids": moved},
        at=now,
    )
    return len(moved)


def split(
    session: Session,
    *,
    source: Incident,
    title: str,
    detected_at: datetime | None,
    actor: str,
    moved: list[int],
    move: Callable[[int], None],
) -> Incident:
    """A new incident in triage takes `moved` (ids the caller checked belong to `source`): `move(new_id)` moves
    them; the audit record on `source` names them."""
    if source.state not in OPEN_STATES:
        raise Conflict(f"incident {source.id} is {source.state!r}; only an open incident can be split")
    target = creation.open_one(
        session, title=title, summary=f"Split from incident {source.id}", detected_at=detected_at, actor=actor
    )
    move(target.id)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="incident.split",
        incident_id=source.id,
        payload={"to_incident_id": target.id, "alert_ids": moved},
    )
    return target
