"""Restart test: deadlines fall due while the service is down; after start every missed step goes out once.

    .venv/bin/python -m proof.restart_test [--database-url URL] [--down-hours 26]

1. `notifier serve` (scheduler every second, real SMTP sink on loopback) on a fresh SQLite file (or --database-url,
   which must be an empty database): an organisation, an incident declared significant one hour after awareness,
   so the early warning is due in 23 h. One sweep runs: nothing is due yet, no mail.
2. The service is stopped, then started "--down-hours" later (its clock shifted; see proof/serve.py). The early
   warning's steps before:12h, before:4h, before:1h and the notice at the deadline all passed while it was down.
3. After start each of them arrives exactly once, marked late in the step rows and in the log; a second restart at
   the same moment sends nothing new.
Exits 1 when a missed step is not sent, is sent twice, or is not marked late.
"""

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from proof.harness import ORGANISATION, Server, SmtpSink, api, base_env, report

EXPECTED = ["before:12h", "before:4h", "before:1h", "at"]


def wait_for(predicate, timeout: float, step: float = 0.2) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def run(database_url: str | None, down_hours: float, workdir: Path) -> list[str]:
    problems: list[str] = []
    database_url = database_url or f"sqlite:///{workdir / 'notifier.db'}"
    sink = SmtpSink()
    env = base_env(
        database_url,
        workdir / "var",
        NOTIFIER_SWEEP_INTERVAL_SECONDS="1",
        **sink.env(),
        NOTIFIER_MAIL_FROM="meldplicht@zrl.example",
    )
    log_path = workdir / "server.log"
    try:
        server = Server(env, log_path=log_path).start()
        with api(server.url) as c:
            assert c.put("/api/v1/organisation", json=ORGANISATION).status_code == 200
            incident = c.post("/api/v1/incidents", json={"title": "Ransomware op het EPD", "summary": "x"}).json()
            aware = datetime.now(UTC) - timedelta(hours=1)
            r = c.post(
                f"/api/v1/incidents/{incident['id']}/events",
                json={"type": "cbw.significant", "aware_at": aware.isoformat(), "reasoning": "EPD down"},
            )
            assert r.status_code == 200, r.text
        prefix = f"reminder:{incident['id']}:cbw:early_warning:0:"
        time.sleep(3)  # a few sweeps while up: nothing is due yet
        before = [k for k in sink.mail_keys() if k.startswith(prefix)]
        if before:
            problems.append(f"mail before any step was due: {before}")
        server.stop()
        print(f"service stopped; restarting it {down_hours} h later (clock shifted)")

        env["PROOF_CLOCK_OFFSET_SECONDS"] = str(down_hours * 3600)
        server = Server(env, log_path=log_path).start()
        wait_for(lambda: len([k for k in sink.mail_keys() if k.startswith(prefix)]) >= len(EXPECTED), 30)
        time.sleep(3)  # a few more sweeps: nothing may come twice
        server.stop()
        server = Server(env, log_path=log_path).start()  # and a second restart at (about) the same moment
        time.sleep(3)
        server.stop()

        got = [k.removeprefix(prefix) for k in sink.mail_keys() if k.startswith(prefix)]
        print(f"early-warning mails after the restart: {got}")
        for step in EXPECTED:
            if got.count(step) != 1:
                problems.append(f"step {step} was sent {got.count(step)} times, expected once")
        engine = create_engine(database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT step_key, status, late FROM reminder_step"
                    " WHERE incident_id = :i AND stage = 'early_warning'"
                ),
                {"i": incident["id"]},
            ).all()
        engine.dispose()
        states = {r.step_key: (r.status, bool(r.late)) for r in rows}
        print(f"step rows: {states}")
        for step in EXPECTED:
            if states.get(step) != ("sent", True):
                problems.append(f"step {step} row is {states.get(step)}, expected sent and late")
        late_logged = set()
        for line in log_path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if (
                entry.get("action") == "reminder.queued"
                and entry.get("late")
                and entry.get("incident_id") == incident["id"]
            ):
                late_logged.add(entry.get("step"))
        print(f"logged as late: {sorted(late_logged)}")
        if not set(EXPECTED) <= late_logged:
            problems.append(f"not logged as late: {sorted(set(EXPECTED) - late_logged)}")
    finally:
        sink.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an EMPTY database (default: a fresh SQLite file)")
    parser.add_argument("--down-hours", type=float, default=26.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="meldplicht-restart-") as tmp:
        problems = run(args.database_url, args.down_hours, Path(tmp))
    return report("restart test", problems, "every missed step went out once, marked late")


if __name__ == "__main__":
    sys.exit(main())
