"""Reminder times across daylight saving, `notifier tick`, and two OS processes sweeping one SQLite file."""

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from notifier.cli import main
from tests.reminders.conftest import MAIL_FROM, steps
from tests.reminders.test_ladder import EW, significant_incident


@pytest.mark.parametrize(
    ("aware", "due_local", "first_reminder_utc"),
    [
        # Last Sunday of October: clocks go back at 03:00 CEST; the 12 h reminder is still 12 real hours before.
        (datetime(2026, 10, 24, 10, 0, tzinfo=UTC), "2026-10-25 11:00 CET", datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
        # Last Sunday of March (reference section 5 example): aware 23:30 CET, due 00:30 CEST two days later.
        (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), "2026-03-30 00:30 CEST", datetime(2026, 3, 29, 10, 30, tzinfo=UTC)),
    ],
)
def test_reminder_times_across_daylight_saving(client, app, smtp, tick, aware, due_local, first_reminder_utc):
    incident = significant_incident(client, at=aware)
    ladder = {s.step_key: s.due_at for s in steps(app, incident["id"], "early_warning")}
    due = aware + timedelta(hours=24)
    assert ladder == {
        "before:12h": first_reminder_utc,
        "before:4h": due - timedelta(hours=4),
        "before:1h": due - timedelta(hours=1),
        "at": due,
    }
    tick(first_reminder_utc - timedelta(seconds=1))
    assert smtp.handler.received == []
    tick(first_reminder_utc)
    [mail] = smtp.handler.by_key(EW.format(id=incident["id"]))
    text = mail.message.get_body(("plain",)).get_content()
    assert due_local in text and "Resterend:     12 u 0 min" in text


def test_tick_refuses_a_time_without_offset(capsys):
    assert main(["tick", "--now", "2026-11-16T08:00"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--now" in err[0] and "no UTC offset" in err[0]


def _env(settings, smtp) -> dict:
    return {
        **os.environ,
        "NOTIFIER_DATABASE_URL": settings.database_url,
        "NOTIFIER_SMTP_HOST": smtp.host,
        "NOTIFIER_SMTP_PORT": str(smtp.port),
        "NOTIFIER_MAIL_FROM": MAIL_FROM,
        "NOTIFIER_VAR_DIR": str(settings.var_dir),
        "NOTIFIER_ENV": "test",
        "NOTIFIER_LOG_LEVEL": "WARNING",
    }


def _tick_process(env: dict, now: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "notifier.cli", "tick", "--now", now],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_tick_prints_one_json_line_per_action(client, app, smtp, settings):
    significant_incident(client)
    proc = _tick_process(_env(settings, smtp), "2026-11-16T21:00:00+01:00")  # 20:00Z = 12 h before
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["action"] for line in lines] == ["reminder.queued", "mail.sent"]
    assert lines[0]["step"] == "before:12h" and lines[0]["at"] == "2026-11-16T21:00:00+01:00"


def test_two_processes_sweeping_one_sqlite_file_send_each_step_once(client, app, smtp, settings):
    # Three OS processes on the same database (the SQLite file by default; PostgreSQL when configured).
    ids = [significant_incident(client)["id"] for _ in range(8)]
    env = _env(settings, smtp)
    now = "2026-11-17T11:00:00+01:00"  # T0 + 26 h: every early-warning step (4 per incident) is due at once
    processes = [_tick_process(env, now) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), [o[1][-2000:] for o in outputs]
    actions = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    queued = Counter(a["key"] for a in actions if a["action"] == "reminder.queued")
    sent = Counter(a["key"] for a in actions if a["action"] == "mail.sent")
    expected = {EW.format(id=i) + step for i in ids for step in ("before:12h", "before:4h", "before:1h", "at")}
    assert set(queued) == expected and set(queued.values()) == {1}
    assert set(sent) == expected and set(sent.values()) == {1}
    received = Counter(str(r.message["X-Meldplicht-Key"]) for r in smtp.handler.received)
    assert set(received) == expected and set(received.values()) == {1}
    # More than one process really did work (otherwise the test proves little); reported, not required.
    print("actions per process:", [len(o[0].splitlines()) for o in outputs])


def test_a_delivery_process_killed_after_the_smtp_hand_off_loses_nothing(client, app, smtp, settings):
    import signal

    from tests.reminders.conftest import outbox

    incident = significant_incident(client)
    env = _env(settings, smtp)
    now = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)  # the 12 h reminder is due
    victim = _tick_process(env, now.isoformat())
    # The server has the message; the sender is killed before it hears "250" and before it records anything.
    smtp.handler.on_receive = lambda: os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    smtp.handler.on_receive = None
    [row] = outbox(app)
    assert row.status == "sending" and len(smtp.handler.received) == 1

    again = _tick_process(env, (now + timedelta(minutes=11)).isoformat())  # after the lease
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["mail.sent"]
    copies = smtp.handler.by_key(EW.format(id=incident["id"]))
    assert len(copies) == 2 and copies[0].message["Message-ID"] == copies[1].message["Message-ID"] == row.message_id
    assert outbox(app)[0].status == "sent"


def test_a_broken_reminders_section_names_file_and_path(tmp_path):
    import shutil

    from notifier.config import PROJECT_ROOT
    from notifier.workflow import WorkflowError, load_registry

    for name in ("facts.yaml", "cbw.yaml"):
        shutil.copy(PROJECT_ROOT / "workflows" / name, tmp_path / name)
    text = (tmp_path / "cbw.yaml").read_text().replace("to: [reporting_officer]", "to: [janitor]")
    (tmp_path / "cbw.yaml").write_text(text)
    with pytest.raises(WorkflowError) as caught:
        load_registry(tmp_path)
    assert "cbw.yaml" in str(caught.value) and "reminders.to" in str(caught.value)
