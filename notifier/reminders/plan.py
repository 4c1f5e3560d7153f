"""Keep the reminder steps of an incident in line with its deadline rows.

Called right after deadlines.recompute (an event changed the deadlines) and by every sweep for the deadlines whose
`replan_at` has come: recompute sets it to "now", planning moves it to the deadline's next overdue repeat (or clears
it once the deadline is filed or gone), and the migration that added it set it on every older row. Rules:
- a deadline that is met, late-but-filed, has no due instant or is gone: its pending steps are dropped;
- a "before" step already past when the deadline became known is skipped (never sent); the step at the deadline
  is always kept, because it tells the officers the deadline passed unfiled;
- overdue repeats already past when the deadline became known are skipped too, so a deadline entered three days
  late gets one overdue notice, not eighteen;
- a pending step whose due instant moved (provisional final report became actual) moves with it.
"""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from notifier.db import insert_ignore
from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import UNFILED
from notifier.reminders import ladder as rules
from notifier.reminders.models import ReminderStep, StepStatus
from notifier.workflow.schema import Registry, ReminderLadder

Key = tuple[str, str, int]


def ladder_for(registry: Registry, regime: str) -> ReminderLadder:
    workflow = registry.get(regime)
    return workflow.reminders if workflow else ReminderLadder()


def is_open(deadline: Deadline | None) -> bool:
    return (
        deadline is not None
        and deadline.due is not None
        and deadline.submitted_at is None
        and deadline.status in UNFILED
    )


def sync_incident(session: Session, *, incident_id: int, registry: Registry, now: datetime) -> list[dict]:
    """Bring the steps of one incident up to date; returns the actions taken (dropped/skipped)."""
    deadlines = session.exec(select(Deadline).where(Deadline.incident_id == incident_id)).all()
    steps = session.exec(select(ReminderStep).where(ReminderStep.incident_id == incident_id)).all()
    return _sync(session, list(deadlines), list(steps), registry, now)


def sync_all(session: Session, *, registry: Registry, now: datetime) -> list[dict]:
    """The sweep's view: every incident with a deadline whose replan_at has come (changed, or a repeat is due).

    An incident whose deadlines did not change and owe no new overdue repeat is not read at all, so a quiet sweep
    costs one indexed query however many deadlines are open (bench/scale.py).
    """
    ids = set(session.exec(select(Deadline.incident_id).where(Deadline.replan_at <= now)).all())
    deadlines: dict[int, list[Deadline]] = {i: [] for i in ids}
    steps: dict[int, list[ReminderStep]] = {i: [] for i in ids}
    chunk = sorted(ids)
    for start in range(0, len(chunk), 5000):
        part = chunk[start : start + 5000]
        for d in session.exec(select(Deadline).where(Deadline.incident_id.in_(part))).all():
            deadlines[d.incident_id].append(d)
        for s in session.exec(select(ReminderStep).where(ReminderStep.incident_id.in_(part))).all():
            steps[s.incident_id].append(s)
    actions: list[dict] = []
    for incident_id in chunk:
        actions += _sync(session, deadlines[incident_id], steps[incident_id], registry, now)
    return actions


def _sync(session: Session, deadlines: list[Deadline], steps: list[ReminderStep], registry, now) -> list[dict]:  # noqa: ANN001
    by_deadline: dict[Key, list[ReminderStep]] = {}
    for step in steps:
        by_deadline.setdefault((step.regime, step.stage, step.sequence), []).append(step)
    rows = {(d.regime, d.stage, d.sequence): d for d in deadlines}
    # Deadline rows first, in id order, then steps: the order recompute writes them in, so a sweep and an event on
    # the same incident (two replicas on PostgreSQL) wait for each other instead of deadlocking.
    for d in sorted(deadlines, key=lambda d: d.id or 0):
        ladder = ladder_for(registry, d.regime)
        _planned(session, d, rules.next_overdue_at(d.due, ladder, now) if is_open(d) else None)
    actions: list[dict] = []
    for key in set(rows) | set(by_deadline):
        deadline, existing = rows.get(key), by_deadline.get(key, [])
        if not is_open(deadline):
            actions += _drop(session, existing, deadline, now)
            continue
        actions += _plan(session, deadline, {s.step_key: s for s in existing}, ladder_for(registry, key[0]), now)
    session.flush()
    return actions


def _planned(session: Session, deadline: Deadline, replan_at: datetime | None) -> None:
    """Record when this deadline next needs planning, unless it changed meanwhile (a concurrent recompute wins)."""
    if deadline.replan_at == replan_at:
        return
    seen = [Deadline.id == deadline.id, Deadline.status == deadline.status]
    for column, value in ((Deadline.due, deadline.due), (Deadline.submitted_at, deadline.submitted_at)):
        seen.append(column.is_(None) if value is None else column == value)
    session.execute(
        update(Deadline).where(*seen).values(replan_at=replan_at).execution_options(synchronize_session=False)
    )
    set_committed_value(deadline, "replan_at", replan_at)


def _drop(session: Session, steps: list[ReminderStep], deadline: Deadline | None, now: datetime) -> list[dict]:
    actions = []
    reason = "deadline removed" if deadline is None else f"deadline {deadline.status}"
    for step in steps:
        if step.status != StepStatus.PENDING:
            continue
        # Conditional, so a step a concurrent sweep already claimed is not reported as dropped here.
        result = session.execute(
            update(ReminderStep)
            .where(ReminderStep.id == step.id, ReminderStep.status == StepStatus.PENDING)
            .values(status=StepStatus.DROPPED, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            step.status = StepStatus.DROPPED
            actions.append(_action("step.dropped", step, reason=reason))
    return actions


def _plan(session, deadline: Deadline, existing: dict[str, ReminderStep], ladder, now) -> list[dict]:  # noqa: ANN001
    actions = []
    at_step = existing.get("at")
    # When this deadline became known: the oldest planning of its steps, or the row's last recompute.
    known_since = min([s.planned_at for s in existing.values()] + [min(deadline.updated_at, now)])
    if at_step is not None:
        known_since = at_step.planned_at
    wanted = rules.fixed_steps(deadline.due, ladder) + rules.overdue_steps(deadline.due, ladder, now, known_since)
    for planned in wanted:
        step = existing.get(planned.key)
        if step is not None:
            if step.status == StepStatus.PENDING and step.due_at != planned.due_at:
                step.due_at = planned.due_at
                if planned.kind == "before" and planned.due_at < now:
                    step.status = StepStatus.SKIPPED
                    actions.append(_action("step.skipped", step, reason="moved into the past"))
                session.add(step)
            continue
        # An overdue repeat due at the very instant the deadline became known would only echo the "at" notice.
        skip = (planned.kind == "before" and planned.due_at < known_since) or (
            planned.kind == "overdue" and planned.due_at <= known_since
        )
        step = ReminderStep(
            organisation_id=deadline.organisation_id,
            incident_id=deadline.incident_id,
            regime=deadline.regime,
            stage=deadline.stage,
            sequence=deadline.sequence,
            step_key=planned.key,
            due_at=planned.due_at,
            status=StepStatus.SKIPPED if skip else StepStatus.PENDING,
            planned_at=known_since if planned.kind != "overdue" else now,
        )
        if _insert_once(session, step) and skip:
            actions.append(_action("step.skipped", step, reason="already past when the deadline became known"))
    return actions


def _insert_once(session: Session, step: ReminderStep) -> bool:
    """Insert unless a concurrent sweep already did (PostgreSQL replicas); True when this call inserted it."""
    return insert_ignore(session, ReminderStep, step.model_dump(exclude={"id"})) is not None


def _action(name: str, step: ReminderStep, **extra) -> dict:
    return {"action": name, **describe(step), **extra}


def describe(step: ReminderStep) -> dict:
    return {
        "incident_id": step.incident_id,
        "regime": step.regime,
        "stage": step.stage,
        "sequence": step.sequence,
        "step": step.step_key,
        "due_at": step.due_at.isoformat(),
    }
