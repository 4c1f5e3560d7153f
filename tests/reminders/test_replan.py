"""The sweep plans only what needs it: deadlines that changed since they were planned, or owe an overdue repeat.

Each deadline row carries `replan_at`; recompute sets it to "now" and planning moves it on to the next overdue repeat
(or clears it once the deadline is filed). A sweep reads only the rows whose instant has come.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import delete, event, update
from sqlmodel import Session, select

from notifier.deadlines.models import Deadline
from notifier.reminders.models import ReminderStep
from notifier.reminders.sweep import sweep
from tests.conftest import new_incident, post_event, put_organisation
from tests.reminders.conftest import outbox, steps

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # early warning due T0 + 24 h, notification and AP T0 + 72 h


def declared(client, count: int = 1) -> list[int]:
    ids = []
    with freeze_time(T0):
        put_organisation(client)
        for _ in range(count):
            incident = new_incident(client)
            aware = T0.isoformat()
            post_event(client, incident["id"], type="cbw.significant", aware_at=aware, reasoning="EPD down")
            post_event(client, incident["id"], type="avg.breach", aware_at=aware, risk="high", reasoning="dossiers")
            ids.append(incident["id"])
    return ids


@contextmanager
def statements(engine) -> Iterator[list[str]]:  # noqa: ANN001
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def replan_at(app, incident_id: int) -> dict[str, datetime | None]:
    with Session(app.state.engine) as session:
        rows = session.exec(select(Deadline).where(Deadline.incident_id == incident_id)).all()
        return {d.stage: d.replan_at for d in rows}


def quiet_sweep(app, settings, now: datetime) -> list[dict]:
    with freeze_time(now):
        return sweep(app.state.engine, settings=settings, registry=app.state.registry, now=now)


def test_planning_sets_the_next_overdue_repeat_and_clears_it_when_filed(client, app):
    (incident_id,) = declared(client)
    planned = replan_at(app, incident_id)
    # The repeat ladder is every 4 hours after the deadline; the provisional final report is a month out.
    assert planned["early_warning"] == T0 + timedelta(hours=28)
    assert planned["incident_notification"] == T0 + timedelta(hours=76)
    assert planned["ap_notification"] == T0 + timedelta(hours=76)
    at = T0 + timedelta(hours=2)
    with freeze_time(at):
        post_event(client, incident_id, type="cbw.submitted", stage="early_warning", submitted_at=at.isoformat())
    assert replan_at(app, incident_id)["early_warning"] is None  # filed: nothing more to plan


def test_a_quiet_sweep_reads_no_deadline_or_step_of_unchanged_incidents(client, app, settings):
    declared(client, count=3)
    quiet_sweep(app, settings, T0 + timedelta(hours=1))
    with statements(app.state.engine) as seen:
        assert quiet_sweep(app, settings, T0 + timedelta(hours=2)) == []
    # PostgreSQL's transactions first name their organisations for row-level security; that reads no rows.
    reads = [s for s in seen if s.startswith("select") and "set_config(" not in s]
    # One indexed look for deadlines whose replan_at has come, one for due steps; no per-incident reads.
    assert len(reads) == 2, reads
    assert "replan_at <=" in reads[0] and "from reminder_step" in reads[1]
    assert not [s for s in seen if s.startswith(("update", "insert", "delete"))]


def test_a_quiet_sweep_costs_the_same_with_more_open_incidents(client, app, settings):
    declared(client, count=1)
    quiet_sweep(app, settings, T0 + timedelta(hours=1))
    with statements(app.state.engine) as one:
        quiet_sweep(app, settings, T0 + timedelta(hours=2))
    declared(client, count=4)
    quiet_sweep(app, settings, T0 + timedelta(hours=1))
    with statements(app.state.engine) as five:
        quiet_sweep(app, settings, T0 + timedelta(hours=2))
    assert len(five) == len(one)


def test_a_changed_deadline_is_replanned_by_the_next_sweep(client, app, settings):
    """A row marked as changed (as recompute and the upgrade of older databases leave it) gets its steps back."""
    (incident_id,) = declared(client)
    before = {(s.stage, s.step_key, s.due_at, s.status) for s in steps(app, incident_id)}
    changed_at = T0 + timedelta(hours=1)
    with Session(app.state.engine) as session:
        session.exec(delete(ReminderStep).where(ReminderStep.incident_id == incident_id))
        session.exec(update(Deadline).where(Deadline.incident_id == incident_id).values(replan_at=changed_at))
        session.commit()
    assert steps(app, incident_id) == []
    actions = quiet_sweep(app, settings, T0 + timedelta(hours=2))
    assert not [a for a in actions if a["action"] == "reminder.queued"]
    # Planned as known since T0 (the rows' last recompute), so nothing is skipped and the ladder is the same.
    assert {(s.stage, s.step_key, s.due_at, s.status) for s in steps(app, incident_id)} == before
    assert replan_at(app, incident_id)["early_warning"] == T0 + timedelta(hours=28)


def test_an_event_that_moves_a_deadline_moves_its_steps_and_replan_instant(client, app, settings):
    (incident_id,) = declared(client)
    filed = T0 + timedelta(hours=10)
    with freeze_time(filed):
        for stage in ("early_warning", "incident_notification"):
            post_event(client, incident_id, type="cbw.submitted", stage=stage, submitted_at=filed.isoformat())
    final_due = replan_at(app, incident_id)["final_report"] - timedelta(hours=4)
    assert final_due == datetime(2026, 12, 16, 18, 0, tzinfo=UTC)  # a month after the filing, not the deadline
    at_step = next(s for s in steps(app, incident_id, "final_report") if s.step_key == "at")
    assert at_step.due_at == final_due and at_step.status == "pending"


def test_an_overdue_repeat_comes_due_on_time_and_once(client, app, settings, smtp, tick):
    (incident_id,) = declared(client)
    key = f"reminder:{incident_id}:cbw:early_warning:0:"
    for hours in (12, 20, 23, 24):
        tick(T0 + timedelta(hours=hours))
    assert replan_at(app, incident_id)["early_warning"] == T0 + timedelta(hours=28)
    tick(T0 + timedelta(hours=28) - timedelta(seconds=1))
    assert not [m for m in outbox(app) if m.idempotency_key == key + "overdue:1"]
    actions = tick(T0 + timedelta(hours=28))
    assert [a["step"] for a in actions if a["action"] == "reminder.queued"] == ["overdue:1"]
    assert replan_at(app, incident_id)["early_warning"] == T0 + timedelta(hours=32)
    assert not [a for a in tick(T0 + timedelta(hours=28)) if a["action"] == "reminder.queued"]
    # Down for a day: the first sweep after it sends each repeat it slept through, once, marked late.
    actions = tick(T0 + timedelta(hours=53))
    sent = [a for a in actions if a["action"] == "reminder.queued" and a["stage"] == "early_warning"]
    assert [a["step"] for a in sent] == [f"overdue:{n}" for n in range(2, 8)]  # 28 h, 32 h, ... 52 h
    assert all(a["late"] for a in sent)
    assert replan_at(app, incident_id)["early_warning"] == T0 + timedelta(hours=56)
    keys = [str(m.message["X-Meldplicht-Key"]).removeprefix(key) for m in smtp.handler.by_key(key)]
    assert keys[:5] == ["before:12h", "before:4h", "before:1h", "at", "overdue:1"] and len(keys) == len(set(keys))
