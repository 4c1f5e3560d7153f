"""The facts of an incident (workflows/facts.yaml), entered once and read by every report of every regime.

Values are stored as JSON: datetimes as UTC ISO 8601 strings, multichoice as lists in catalogue order.
A key given as null (or an empty text or list) is removed, so "absent" has one representation.
"""

import contextlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier import clock, instants
from notifier.audit import chain
from notifier.errors import FieldProblem
from notifier.incidents.models import Incident, Track
from notifier.organisation import service as organisation
from notifier.text import fault as text_fault
from notifier.workflow.schema import FactDef

MAX_TEXT = 20_000


def _datetime(key: str, value: Any, now: datetime) -> str:
    if not isinstance(value, str):
        raise FieldProblem(key, "must be an ISO 8601 date-time string with a UTC offset")
    try:
        # Facts record what has happened: never in the future.
        return instants.parse(value, not_future=True, now=now).isoformat()
    except instants.InstantError as exc:  # a time out of range or in the future: the pages' words for the kind
        raise FieldProblem(key, str(exc), key=instants.PAGE_KEYS.get(exc.kind)) from exc


def normalise(key: str, fact: FactDef, value: Any, now: datetime) -> Any:
    """The stored form of one value, or FieldProblem naming the key. None means: clear the fact."""
    if value is None:
        return None
    match fact.type:
        case "text":
            if not isinstance(value, str):
                raise FieldProblem(key, "must be a string")
            if len(value) > MAX_TEXT:
                raise FieldProblem(
                    key, f"is longer than {MAX_TEXT} characters", key="form_too_long", params={"n": MAX_TEXT}
                )
            if problem := text_fault(value):  # the web form and the reply page do not pass the JSON guard
                raise FieldProblem(key, problem[1], problem[0])
            return value.strip() or None
        case "datetime":
            return _datetime(key, value, now)
        case "bool":
            if not isinstance(value, bool):
                raise FieldProblem(key, "must be true or false")
            return value
        case "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise FieldProblem(key, "must be a whole number", key="form_whole")
            if value < 0:
                raise FieldProblem(key, "must be 0 or more", key="form_at_least", params={"n": 0})
            if fact.maximum is not None and value > fact.maximum:
                raise FieldProblem(
                    key, f"must be {fact.maximum} or less", key="form_at_most", params={"n": fact.maximum}
                )
            return value
        case "choice":
            if value not in (fact.choices or []):
                raise FieldProblem(key, f"must be one of {', '.join(fact.choices or [])}")
            return value
        case _:  # multichoice
            choices = fact.choices or []
            if not isinstance(value, list) or any(v not in choices for v in value):
                raise FieldProblem(key, f"must be a list of {', '.join(choices)}")
            return [c for c in choices if c in value] or None


def shown(facts: dict[str, Any] | None, catalogue: dict[str, FactDef], zone: ZoneInfo) -> dict[str, Any]:
    """The facts as an API answer states them: datetimes in the organisation's offset, like every other instant
    answered. The stored (and filed) form stays UTC, so a report's JSON does not depend on the zone."""
    out = dict(facts or {})
    for key, value in out.items():
        fact = catalogue.get(key)
        if fact is not None and fact.type == "datetime" and isinstance(value, str):
            # A value stored before it was checked is answered as stored rather than failing the answer.
            with contextlib.suppress(ValueError, OverflowError):
                out[key] = datetime.fromisoformat(value).astimezone(zone).isoformat()
    return out


def regimes_of(session: Session, incident: Incident) -> set[str]:
    """The regimes an incident answers to: those of the organisation's profile, and any it has a track of (a track
    opened before the profile changed still reports)."""
    org = organisation.get(session)
    if org is None:
        applying = organisation.regimes(None)
    else:
        applying = organisation.regimes(org.sector, org.dora_entity_type, org.cra_manufacturer)
    tracked = session.exec(select(Track.regime).where(Track.incident_id == incident.id)).all()
    return set(applying) | set(tracked)


def for_incident(catalogue: dict[str, FactDef], regimes: set[str]) -> dict[str, FactDef]:
    """The facts an incident under these regimes has: every fact, less those declared for other regimes only."""
    return {k: f for k, f in catalogue.items() if f.regimes is None or set(f.regimes) & regimes}


def _check_together(facts: dict[str, Any]) -> None:
    """Facts that contradict each other; the key and values let the pages say it in the reader's words."""
    if facts.get("started_at") and facts.get("ended_at") and facts["ended_at"] < facts["started_at"]:
        started = datetime.fromisoformat(facts["started_at"])
        raise FieldProblem(
            "ended_at", "lies before started_at", key="refused_ended_before_start", params={"started": started}
        )
    low, high = facts.get("subjects_min"), facts.get("subjects_max")
    if low is not None and high is not None and high < low:
        raise FieldProblem(
            "subjects_max", "is smaller than subjects_min", key="refused_subjects_max_below_min", params={"low": low}
        )


def validate(
    catalogue: dict[str, FactDef],
    current: dict[str, Any],
    changes: dict[str, Any],
    now: datetime,
    *,
    together: bool = True,
    regimes: set[str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The one fact validation (API, officer's forms, processor reply page): the facts after `changes`, and every
    problem by fact key, so a form can mark each field. `together=False` checks each value on its own only
    (ended_at after started_at, subjects_max >= subjects_min need the facts as they will be). `regimes`: those the
    incident answers to (regimes_of); a fact declared for others only is refused a value. Stores nothing."""
    after, problems = _each_value(catalogue, current, changes, now, regimes)
    errors = {key: problem.message for key, problem in problems.items()}
    if together and not errors:
        try:
            _check_together(after)
        except FieldProblem as exc:
            errors[exc.field] = exc.message
    return after, errors


def _each_value(
    catalogue: dict[str, FactDef], current: dict[str, Any], changes: dict[str, Any], now: datetime, regimes: set | None
) -> tuple[dict[str, Any], dict[str, FieldProblem]]:
    """The facts after `changes` and each value's refusal by fact key, as the FieldProblem (its key for the pages)."""
    after, problems = dict(current), {}
    for key, value in changes.items():
        if key not in catalogue:
            problems[key] = FieldProblem(key, "unknown fact (see workflows/facts.yaml)")
            continue
        declared_for = catalogue[key].regimes
        if regimes is not None and declared_for and not set(declared_for) & regimes and value not in (None, "", []):
            problems[key] = FieldProblem(
                key, f"only for an incident under {', '.join(declared_for)} (the organisation's regimes)"
            )
            continue
        try:
            stored = normalise(key, catalogue[key], value, now)
        except FieldProblem as exc:
            problems[key] = exc
            continue
        if stored is None:
            after.pop(key, None)
        else:
            after[key] = stored
    return after, problems


def update(
    session: Session, *, incident: Incident, catalogue: dict[str, FactDef], changes: dict[str, Any], actor: str
) -> dict[str, Any]:
    """Apply a partial update; nothing is written unless every key is valid. Returns the incident's facts."""
    now = clock.now()
    unknown = [key for key in changes if key not in catalogue]
    if unknown:
        raise FieldProblem(unknown[0], "unknown fact (see workflows/facts.yaml)")
    before = dict(incident.facts or {})
    after, problems = _each_value(catalogue, before, changes, now, regimes_of(session, incident))
    if problems:
        raise next(iter(problems.values()))  # the first, with its key for the pages
    _check_together(after)  # after every value is valid (as validate does), keyed for the pages
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if not changed:
        return before
    # A new dict, so SQLAlchemy sees the JSON column change.
    incident.facts = after
    incident.updated_at = now
    session.add(incident)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="incident.facts_updated",
        incident_id=incident.id,
        payload={"changed": {k: {"before": before.get(k), "after": after.get(k)} for k in changed}},
        previous_state={"facts": {k: before.get(k) for k in changed}},
        new_state={"facts": {k: after.get(k) for k in changed}},
        at=now,
    )
    return after
