"""Scale benchmark: many incidents (most closed) in many organisations; dashboard, portfolio and sweep timings.

    .venv/bin/python bench/scale.py [--database-url URL] [--incidents 100000] [--open 1250] [--declared N]
                                    [--runs 20] [--organisations 1] [--member-of 50] [--steps-due 500]
                                    [--reuse] [--serve] [--profile thousand]

The multi-organisation issue's run is `--organisations 200 --member-of 50` (SQLite by default). Issue 18's
"thousand organisations" on PostgreSQL is one command (the first run fills, about 9 minutes on 2 cores; later runs
reuse the filled database):

    .venv/bin/python bench/scale.py --profile thousand --database-url postgresql+psycopg://postgres@127.0.0.1:54350/scale

A throwaway cluster for it as in /work/ci-run.sh (`fsync=off` speeds the fill; the measured reads and sweeps do not
depend on it).

(--profile thousand = --organisations 1000 --incidents 1000000 --open 20000 --declared 10000 --member-of 100
--steps-due 500 --serve --reuse: 1,000,000 incidents, 20,000 open of which 10,000 carry Cbw and AVG declarations,
so 50,000 open deadlines and 200,000 reminder steps; the other open ones are undeclared).

The database (a fresh SQLite file by default) is built through the migrations. Two template incidents are made
through the real API (organisation, incident, Cbw "significant" and AVG "breach" declarations, so tracks, deadlines
and reminder steps are the service's own rows); their rows are then copied in bulk: PostgreSQL COPY
(psycopg's cursor.copy), SQLAlchemy core executemany on SQLite. --open incidents stay open (the first --declared of
them, all by default, with the template's tracks, 5 open deadlines and 20 reminder steps), the rest are closed
(deadlines met). With --reuse a database that already holds --incidents incidents is measured as it is (no fill),
so the 1M fill is paid once; a database with fewer incidents must be EMPTY and is filled.

Measured in process (TestClient), p50/p95 over --runs: GET / (one organisation's web dashboard, which is the web
incident list, signed in as a viewer), GET /api/v1/incidents?state=open, GET /portfolio of a viewer who belongs to
--member-of organisations, a sweep (notifier.reminders.sweep) where nothing is due, and a sweep at the instant
where --steps-due steps are due (each run on a fresh copy of the steps' state; after each, the sent steps and the
outbox's reminder mails are counted: every due step exactly once, and a second sweep at that instant queues
nothing). With --serve the same reads are timed over HTTP against a real `notifier serve` process, and the RSS of
that process and of its intake writer child is printed before and after.
Targets: dashboard and lists < 200 ms, portfolio < 300 ms, quiet sweep < 100 ms, busy sweep < 2 s. Exits 1 when a
target is missed or a step was not done exactly once.
"""

import argparse
import gc
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlalchemy import func, insert, select, text, update
from sqlmodel import Session

from notifier.accounts.models import Membership, User
from notifier.accounts.users import create_user
from notifier.config import Settings
from notifier.deadlines.models import Deadline
from notifier.incidents.models import Incident, Track
from notifier.mail.models import OutboxMail
from notifier.main import create_app
from notifier.organisation.models import Contact, Organisation
from notifier.reminders.models import ReminderStep
from notifier.reminders.sweep import sweep

TOKEN = "bench-api-token-" + "t" * 24
SECRET = "bench-secret-key-" + "k" * 24
PASSWORD = "correct horse battery staple"
VIEWER = "kijker@zrl.example"
T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
ORG = {
    "name": "Ziekenhuis Rivierenland", "kvk_number": "41234567", "sector": "health",
    "entity_type": "healthcare_provider", "staff_count": 2400, "annual_turnover_eur": 310_000_000,
    "balance_sheet_eur": 250_000_000, "trust_service_provider": False, "timezone": "Europe/Amsterdam",
    "contacts": [{"name": "Anna de Vries", "email": "a.devries@zrl.example", "phone": "+31 88 123 4567",
                  "role": "reporting_officer"}],
}  # fmt: skip
PROFILES = {
    "thousand": {"organisations": 1000, "incidents": 1_000_000, "open": 20_000, "declared": 10_000,
                 "member_of": 100, "steps_due": 500, "serve": True, "reuse": True},
}  # fmt: skip
TARGETS = {"GET": 200, "portfolio": 300, "sweep, nothing due": 100, "steps due": 2000}
BATCH = 5000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, runs: int) -> tuple[float, float]:  # noqa: ANN001
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return statistics.median(out), pct(out, 95)


def target_for(name: str) -> int | None:
    for key in ("portfolio", "sweep, nothing due", "steps due", "GET"):
        if key in name:
            return TARGETS[key]
    return None


def _rows(conn, table, incident_id: int) -> list[dict]:  # noqa: ANN001
    return [dict(r._mapping) for r in conn.execute(select(table).where(table.c.incident_id == incident_id))]


def add_organisations(conn, count: int) -> None:  # noqa: ANN001
    """count - 1 more organisations, each a copy of the first's profile and contacts under its own name."""
    org_t, contact_t = Organisation.__table__, Contact.__table__
    first = dict(conn.execute(select(org_t).where(org_t.c.id == 1)).one()._mapping)
    contacts = [dict(r._mapping) for r in conn.execute(select(contact_t).where(contact_t.c.organisation_id == 1))]
    rows = [{**first, "id": n, "name": f"Organisatie {n}", "slug": f"org-{n}"} for n in range(2, count + 1)]
    if rows:
        conn.execute(insert(org_t), rows)
        people = [{**c, "organisation_id": n} for n in range(2, count + 1) for c in contacts]
        for person in people:
            person.pop("id", None)
        conn.execute(insert(contact_t), people)
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('organisation', 'id'), :n)"), {"n": count})


class Copies:
    """The template incident's rows, copied to incident number n (0-based after the template): the one place that
    decides which copies are open, declared, whose and when, for every table alike."""

    def __init__(self, inc, tracks, deadlines, steps, *, total, open_count, declared, organisations):  # noqa: ANN001
        self.inc, self.tracks, self.deadlines, self.steps = inc, tracks, deadlines, steps
        self.first, self.count = inc["id"] + 1, total - 1
        self.open_count, self.declared, self.organisations = open_count, declared, organisations

    def owner(self, n: int) -> int:
        return 1 + (n + 1) % self.organisations

    def shift(self, n: int) -> timedelta:
        # Open copies spread over a day to the second, so "the first N steps due" is an instant with N steps due.
        if n < self.open_count - 1:
            return timedelta(seconds=(n * 86_400) // max(1, self.open_count))
        return -timedelta(days=30 + n % 700)

    def incidents(self):  # noqa: ANN201
        inc = self.inc
        for n in range(self.count):
            is_open, shift = n < self.open_count - 1, self.shift(n)
            iid = self.first + n
            yield {**inc, "organisation_id": self.owner(n), "id": iid, "state": inc["state"] if is_open else "closed",
                   "title": f"Incident {iid}", "created_at": inc["created_at"] + shift,
                   "updated_at": inc["updated_at"] + shift}  # fmt: skip

    def _declared(self):  # noqa: ANN202
        for n in range(self.count):
            if n >= self.open_count - 1 or n < self.declared - 1:
                yield n, self.first + n, self.owner(n), self.shift(n), n < self.open_count - 1

    def track_rows(self):  # noqa: ANN201
        for _n, iid, org, _shift, _open in self._declared():
            for t in self.tracks:
                yield {**t, "organisation_id": org, "id": None, "incident_id": iid}

    def deadline_rows(self):  # noqa: ANN201
        for _n, iid, org, shift, is_open in self._declared():
            for d in self.deadlines:
                row = {**d, "organisation_id": org, "id": None, "incident_id": iid,
                       "due": d["due"] + shift if d["due"] else None}  # fmt: skip
                if not is_open and row["due"] is not None:
                    row["submitted_at"], row["status"] = row["due"] - timedelta(hours=1), "met"
                    if "replan_at" in row:
                        row["replan_at"] = None
                elif row.get("replan_at") is not None:
                    row["replan_at"] = row["replan_at"] + shift
                yield row

    def step_rows(self):  # noqa: ANN201
        for _n, iid, org, shift, is_open in self._declared():
            if is_open:
                for s in self.steps:
                    yield {**s, "organisation_id": org, "id": None, "incident_id": iid, "due_at": s["due_at"] + shift}


def _copy_value(value):  # noqa: ANN001, ANN202
    return json.dumps(value) if isinstance(value, dict | list) else value


def write_copy(conn, table, rows) -> int:  # noqa: ANN001
    """PostgreSQL COPY of rows (dicts) into table; the id column is left to its sequence when a row's id is None."""
    raw = conn.connection.dbapi_connection
    count, columns = 0, None
    with raw.cursor() as cur:
        copy = None
        for row in rows:
            if columns is None:
                columns = [c for c in row if not (c == "id" and row[c] is None)]
                names = ", ".join(f'"{c}"' for c in columns)
                copy_cm = cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN')
                copy = copy_cm.__enter__()
            copy.write_row([_copy_value(row[c]) for c in columns])
            count += 1
        if copy is not None:
            copy_cm.__exit__(None, None, None)
    return count


def write_executemany(conn, table, rows) -> int:  # noqa: ANN001
    count, batch = 0, []
    for row in rows:
        if row.get("id") is None:
            row.pop("id", None)
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def counts(engine) -> dict[str, int]:  # noqa: ANN001
    inc_t, dl_t, step_t = Incident.__table__, Deadline.__table__, ReminderStep.__table__
    with engine.connect() as conn:
        return {
            "organisations": conn.scalar(select(func.count()).select_from(Organisation.__table__)),
            "incidents": conn.scalar(select(func.count()).select_from(inc_t)),
            "open incidents": conn.scalar(select(func.count()).select_from(inc_t).where(inc_t.c.state != "closed")),
            "open deadlines": conn.scalar(
                select(func.count()).select_from(dl_t).where(dl_t.c.submitted_at.is_(None), dl_t.c.due.is_not(None))
            ),
            "reminder steps": conn.scalar(select(func.count()).select_from(step_t)),
        }


def fill(app, client: TestClient, total: int, open_count: int, organisations: int, declared: int) -> None:  # noqa: ANN001
    with freeze_time(T0):
        assert client.put("/api/v1/organisation", json=ORG).status_code == 200
        template = client.post("/api/v1/incidents", json={"title": "Storing EPD", "summary": "x"}).json()["id"]
        for body in (
            {"type": "cbw.significant", "aware_at": T0.isoformat(), "reasoning": "EPD down"},
            {"type": "avg.breach", "aware_at": T0.isoformat(), "risk": "high", "reasoning": "patient data"},
        ):
            r = client.post(f"/api/v1/incidents/{template}/events", json=body)
            assert r.status_code == 200, r.text
    engine = app.state.engine
    inc_t, track_t, dl_t, step_t = (m.__table__ for m in (Incident, Track, Deadline, ReminderStep))
    postgres = engine.dialect.name == "postgresql"
    write = write_copy if postgres else write_executemany
    with engine.begin() as conn:
        inc = dict(conn.execute(select(inc_t).where(inc_t.c.id == template)).one()._mapping)
        tracks, deadlines, steps = (_rows(conn, t, template) for t in (track_t, dl_t, step_t))
        add_organisations(conn, organisations)
        open_deadlines = sum(1 for d in deadlines if d["due"] is not None and d["submitted_at"] is None)
        print(f"template incident: {len(tracks)} tracks, {len(deadlines)} deadlines ({open_deadlines} open), "
              f"{len(steps)} reminder steps")  # fmt: skip
        copies = Copies(inc, tracks, deadlines, steps, total=total, open_count=open_count, declared=declared,
                        organisations=organisations)  # fmt: skip
        for table, rows in ((inc_t, copies.incidents()), (track_t, copies.track_rows()),
                            (dl_t, copies.deadline_rows()), (step_t, copies.step_rows())):  # fmt: skip
            started = time.perf_counter()
            n = write(conn, table, rows)
            print(f"  {table.name}: {n:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        if postgres:
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('incident', 'id'), (SELECT max(id) FROM incident))")
            )
    # VACUUM (the visibility map, for index-only scans) cannot run in a transaction.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))


def sign_in(client, member_of: int) -> None:  # noqa: ANN001
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
    page = client.post("/signin", data={"csrf_token": token, "email": VIEWER, "password": PASSWORD})
    assert page.status_code in (200, 303), page.status_code


def ensure_viewer(app, member_of: int) -> None:  # noqa: ANN001
    with Session(app.state.engine) as session:
        if session.scalar(select(User.id).where(User.email == VIEWER)) is not None:
            return
        user = create_user(session, email=VIEWER, name="Kijker", role="viewer", password=PASSWORD,
                           actor_name="bench", language="en", organisation_id=1)  # fmt: skip
        extra = [{"user_id": user.id, "organisation_id": n, "role": "viewer", "source": "local", "created_at": T0}
                 for n in range(2, member_of + 1)]  # fmt: skip
        if extra:
            session.execute(insert(Membership.__table__), extra)
        session.commit()


def reads(web, api) -> dict:  # noqa: ANN001
    def get(client, path: str, **params):  # noqa: ANN001, ANN202
        def call() -> None:
            r = client.get(path, params=params or None)
            assert r.status_code == 200, (path, r.status_code)

        return call

    return {
        "dashboard GET / (one organisation)": get(web, "/"),
        "GET /api/v1/incidents?state=open": get(api, "/api/v1/incidents", state="open"),
        "portfolio GET /portfolio": get(web, "/portfolio"),
    }


def reset_steps(engine) -> None:  # noqa: ANN001
    """Put back what a previous busy sweep claimed (outside the timing): its steps pending, its mails gone."""
    step_t = ReminderStep.__table__
    with engine.begin() as conn:
        conn.execute(
            update(step_t)
            .where(step_t.c.status.in_(("sent", "claimed")))
            .values(status="pending", claimed_by=None, claimed_at=None, late=False)
        )
        conn.execute(text("DELETE FROM outbox_mail"))


def busy_instant(engine, steps_due: int) -> datetime:  # noqa: ANN001
    step_t = ReminderStep.__table__
    with engine.connect() as conn:
        return conn.scalar(
            select(step_t.c.due_at)
            .where(step_t.c.status == "pending")
            .order_by(step_t.c.due_at, step_t.c.id)
            .offset(steps_due - 1)
            .limit(1)
        )


def exactly_once(engine, expected: int) -> list[str]:  # noqa: ANN001
    """After a busy sweep: each due step sent once and one reminder mail per step, no more."""
    step_t, mail_t = ReminderStep.__table__, OutboxMail.__table__
    with engine.connect() as conn:
        sent = conn.scalar(select(func.count()).select_from(step_t).where(step_t.c.status == "sent"))
        claimed = conn.scalar(select(func.count()).select_from(step_t).where(step_t.c.status == "claimed"))
        mails = conn.scalar(select(func.count()).select_from(mail_t).where(mail_t.c.kind == "reminder"))
        keys = conn.scalar(
            select(func.count(func.distinct(mail_t.c.idempotency_key))).where(mail_t.c.kind == "reminder")
        )
    found = {"steps sent": sent, "steps left claimed": claimed, "reminder mails": mails, "distinct mail keys": keys}
    want = {"steps sent": expected, "steps left claimed": 0, "reminder mails": expected, "distinct mail keys": expected}
    return [f"{k}: {found[k]} (expected {want[k]})" for k in want if found[k] != want[k]]


def measure_sweeps(app, settings, runs: int, steps_due: int, results: dict) -> list[str]:  # noqa: ANN001
    engine, registry = app.state.engine, app.state.registry
    problems: list[str] = []
    reset_steps(engine)
    quiet = T0 - timedelta(hours=1)  # nothing due: every step is later
    sweep(engine, settings=settings, registry=registry, now=quiet)  # warm up
    results["sweep, nothing due"] = timed(lambda: sweep(engine, settings=settings, registry=registry, now=quiet), runs)
    busy = busy_instant(engine, steps_due)
    step_t = ReminderStep.__table__
    with engine.connect() as conn:
        due = conn.scalar(
            select(func.count()).select_from(step_t).where(step_t.c.status == "pending", step_t.c.due_at <= busy)
        )
    times: list[float] = []
    for _ in range(max(3, runs // 4)):
        reset_steps(engine)
        start = time.perf_counter()
        actions = sweep(engine, settings=settings, registry=registry, now=busy)
        times.append((time.perf_counter() - start) * 1000)
        queued = sum(1 for a in actions if a["action"] == "reminder.queued")
        again = sweep(engine, settings=settings, registry=registry, now=busy)  # the same instant: nothing left
        requeued = sum(1 for a in again if a["action"] == "reminder.queued")
        problems += [f"busy sweep: {p}" for p in exactly_once(engine, due)]
        if queued != due or requeued:
            problems.append(f"busy sweep: {queued} queued of {due} due, {requeued} queued again by a second sweep")
    print(f"busy sweep at {busy.isoformat()}: {due} steps due, each sent once (counted after every run)"
          if not problems else f"busy sweep: {problems[:3]}")  # fmt: skip
    results[f"sweep, {due} steps due"] = (statistics.median(times), pct(times, 95))
    reset_steps(engine)
    return problems


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def serve_rss(pid: int) -> str:
    parts = [f"API process {pid}: {rss_kib(pid) / 1024:.0f} MiB"]
    for c in children(pid):
        # multiprocessing's spawn also starts its resource tracker; the other child is the intake writer.
        what = "resource tracker" if b"resource_tracker" in Path(f"/proc/{c}/cmdline").read_bytes() else "writer"
        parts.append(f"{what} child {c}: {rss_kib(c) / 1024:.0f} MiB")
    return ", ".join(parts)


def measure_served(database_url: str, workdir: Path, runs: int, results: dict) -> None:
    """The same reads over HTTP against a real `notifier serve` (API process and its intake writer child)."""
    port = 18_000 + os.getpid() % 1000
    env = {**os.environ, "NOTIFIER_DATABASE_URL": database_url, "NOTIFIER_API_TOKEN": TOKEN,
           "NOTIFIER_SECRET_KEY": SECRET, "NOTIFIER_INTAKE_TOKEN": "bench-intake-token-" + "i" * 24,
           "NOTIFIER_VAR_DIR": str(workdir / "served-var"), "NOTIFIER_SCHEDULER_ENABLED": "false",
           "NOTIFIER_LOG_LEVEL": "WARNING", "NOTIFIER_INTAKE_WRITER": "process"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "notifier.cli", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        time.sleep(1)
        print(f"serve RSS after start-up:     {serve_rss(proc.pid)}")
        # The intake writer process starts with the first alert; severity info opens no incident.
        stamp, intake = int(time.time()), env["NOTIFIER_INTAKE_TOKEN"]
        for n in range(200):
            alert = {"id": f"bench-{stamp}-{n}", "title": "scan", "severity": "info"}
            r = httpx.post(f"{base}/api/v1/intake/generic", json=alert, headers={"Authorization": f"Bearer {intake}"})
            assert r.status_code == 202, r.text
        print(f"serve RSS after 200 alerts:   {serve_rss(proc.pid)}")
        with (
            httpx.Client(base_url=base, timeout=30) as web,
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as api,
        ):
            sign_in(web, 0)
            for name, call in reads(web, api).items():
                call()
                results[f"served {name}"] = timed(call, runs)
        print(f"serve RSS after the reads:    {serve_rss(proc.pid)}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(database_url: str, args: argparse.Namespace, workdir: Path) -> list[str]:
    settings = Settings(
        database_url=database_url,
        api_token=TOKEN,
        env="test",
        var_dir=workdir / "var",
        secret_key=SECRET,
        scheduler_enabled=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    problems = []
    member_of = min(args.member_of, args.organisations)
    results: dict[str, tuple[float, float]] = {}
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as api:
        present = counts(app.state.engine)
        if args.reuse and present["incidents"] >= args.incidents:
            print("reusing the filled database (--reuse): no fill")
        else:
            assert present["incidents"] == 0, f"--database-url holds {present['incidents']} incidents: not EMPTY"
            started = time.perf_counter()
            fill(app, api, args.incidents, args.open, args.organisations, args.declared)
            print(f"fill took {time.perf_counter() - started:.1f} s")
        print("database:", ", ".join(f"{v:,} {k}" for k, v in counts(app.state.engine).items()))
        ensure_viewer(app, member_of)
        # The fill's leftovers live in this process only because the benchmark fills and measures in one process;
        # a server holds the application (frozen at start-up, notifier/intake/heap.py), not them. Without this a
        # full garbage-collector pass over them lands in one of the timed requests (~150 ms) now and then.
        gc.collect()
        gc.freeze()
        with TestClient(app) as web:
            sign_in(web, member_of)
            for name, call in reads(web, api).items():
                if "portfolio" in name and args.organisations == 1:
                    continue
                call()
                results[name.replace("GET /portfolio", f"GET /portfolio ({member_of} orgs)")] = timed(call, args.runs)
        problems += measure_sweeps(app, settings, args.runs, args.steps_due, results)
    app.state.engine.dispose()
    if args.serve:
        measure_served(database_url, workdir, args.runs, results)
    dialect = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    spread = f" in {args.organisations:,} organisations" if args.organisations > 1 else ""
    print(f"\n{dialect}, {args.incidents:,} incidents{spread}, p50 / p95 in ms:")
    for name, (p50, p95) in results.items():
        target = target_for(name)
        verdict = "" if target is None else (f"  ok (< {target} ms)" if p95 < target else f"  MISSED ({target} ms)")
        print(f"  {name:52s} {p50:8.1f} {p95:8.1f}{verdict}")
        if target is not None and p95 >= target:
            problems.append(f"{name}: p95 {p95:.1f} ms >= {target} ms")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an EMPTY database, or a filled one with --reuse (default: SQLite)")
    parser.add_argument("--profile", choices=sorted(PROFILES), help="a named set of the flags below")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=1250, help="open incidents")
    parser.add_argument("--declared", type=int, help="open incidents with the template's declarations (all)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--organisations", type=int, default=1, help="spread the incidents over this many")
    parser.add_argument("--member-of", type=int, default=50, help="organisations the measured viewer belongs to")
    parser.add_argument("--steps-due", type=int, default=500, help="steps due at the busy sweep's instant")
    parser.add_argument("--reuse", action="store_true", help="measure an already filled database as it is")
    parser.add_argument("--serve", action="store_true", help="also time the reads against a real `notifier serve`")
    args = parser.parse_args(argv)
    if args.profile:
        given = [word.split("=", 1)[0] for word in (sys.argv[1:] if argv is None else argv)]
        explicit = {a.dest for a in parser._actions if any(s in given for s in a.option_strings)}
        for key, value in PROFILES[args.profile].items():
            if key not in explicit:
                setattr(args, key, value)
    args.organisations, args.member_of = max(1, args.organisations), max(1, args.member_of)
    args.declared = args.open if args.declared is None else min(args.declared, args.open)
    with tempfile.TemporaryDirectory(prefix="meldplicht-scale-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'notifier.db'}"
        problems = run(url, args, Path(tmp))
    for problem in problems:
        print("MISSED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
