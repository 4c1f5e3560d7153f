"""The allowed status changes, in one place.

Incident level: the table below. Track level: one table per regime, read from the regime's workflow file
(track.transitions), so a new regime brings its own table. Nothing else writes a status.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from notifier.workflow.schema import SAME, Workflow, matches


class IncidentState(StrEnum):
    """Stored and answered as the plain value: a StrEnum equals its str."""

    TRIAGE = "triage"
    OPEN = "open"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"


INCIDENT_STATES = tuple(IncidentState)
# Still open to new alerts, a merge and a split; a merge may only take an incident whose clocks never ran.
OPEN_STATES = (IncidentState.TRIAGE, IncidentState.OPEN)
MERGEABLE_STATES = (IncidentState.TRIAGE,)
# Nothing more happens on these: no duty is left, or the alerts moved to another incident.
FINISHED_STATES = (IncidentState.CLOSED, IncidentState.MERGED)
# Internal events: track_activated (a regime's clock started), tracks_settled (no track has a duty left).
INCIDENT_TRANSITIONS: dict[str, dict[str, str]] = {
    "triage": {"incident.resolved": "resolved", "track_activated": "open", "incident.merged": "merged"},
    "open": {"incident.resolved": "resolved", "track_activated": "open"},
    "resolved": {"track_activated": "resolved", "tracks_settled": "closed"},
    "closed": {"track_activated": "resolved"},
    # Merged (notifier/incidents/grouping.py): its alerts moved to another incident; nothing happens here any more.
    "merged": {},
}
PUBLIC_INCIDENT_EVENTS = {"incident.resolved"}


@dataclass
class TransitionNotAllowed(Exception):
    subject: str
    current_state: str
    event: str
    allowed_events: list[str] = field(default_factory=list)
    # What the pages name in words (notifier/web/refusals.py): the regime of a track event (None: the incident's
    # own), the event's name in its workflow and the stage a filing names. The message above is the API's.
    regime: str | None = None
    name: str = ""
    stage: str | None = None

    def __str__(self) -> str:
        allowed = ", ".join(self.allowed_events) or "none"
        return f"{self.event} is not allowed while {self.subject} is {self.current_state!r}; allowed: {allowed}"


def incident_transition(state: str, event: str) -> str:
    target = INCIDENT_TRANSITIONS.get(state, {}).get(event)
    if target is None:
        allowed = sorted(e for e in INCIDENT_TRANSITIONS.get(state, {}) if e in PUBLIC_INCIDENT_EVENTS)
        raise TransitionNotAllowed("the incident", state, event, allowed, name=event)
    return target


def _when_text(when: dict[str, list[str]]) -> str:
    return ",".join(f"{k}={'|'.join(v)}" for k, v in when.items())


def allowed_track_events(workflow: Workflow, state: str, conditions: dict[str, Any] | None = None) -> list[str]:
    """The events allowed in this state; rows with organisation conditions (`if`) only when those hold."""
    out = []
    for tr in workflow.track.transitions:
        if state in tr.from_ and matches(tr.if_, conditions or {}):
            name = workflow.event_type(tr.event)
            shown = f"{name}({_when_text(tr.when)})" if tr.when else name
            if shown not in out:
                out.append(shown)
    return out


def track_transition(
    workflow: Workflow, state: str, event: str, payload: dict[str, Any], conditions: dict[str, Any] | None = None
) -> str:
    """The state a track moves to, or TransitionNotAllowed naming the current state and what is allowed.

    The first row that matches wins, so a row with organisation conditions (`if`) placed before the general one
    overrides it for those organisations.
    """
    conditions = conditions or {}
    for tr in workflow.track.transitions:
        if (
            state in tr.from_
            and tr.event == event
            and all(payload.get(k) in v for k, v in tr.when.items())
            and matches(tr.if_, conditions)
        ):
            return state if tr.to == SAME else tr.to
    shown = workflow.event_type(event)
    if "stage" in payload:
        shown += f"(stage={payload['stage']})"
    raise TransitionNotAllowed(
        f"the {workflow.regime} track",
        state,
        shown,
        allowed_track_events(workflow, state, conditions),
        regime=workflow.regime,
        name=event,
        stage=payload.get("stage") if isinstance(payload.get("stage"), str) else None,
    )
