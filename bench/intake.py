"""Intake benchmark: sustained alerts/s and p50/p99 latency of POST /api/v1/intake/generic, against a bare endpoint.

    .venv/bin/python bench/intake.py [--seconds 15] [--connections 48] [--clients 2] [--workers 1]
        [--database-url postgresql+psycopg://user@host:port/db] [--client builtin|wrk] [--payload generic|wazuh]

Starts `notifier serve` on a fresh temporary SQLite file (the embedded default), or on the database given (an
empty one: the bench counts only the rows its own run adds), and, in the same run, the bare FastAPI app in
bench/bare_app.py under the same uvicorn settings and the same number of worker processes (uvloop/httptools when
installed). Both get the same realistic alerts from the same load generator: by default a few processes, each a
compact asyncio HTTP/1.1 client with keep-alive connections (httpx costs several times more CPU per request, and
the client competes with the server for the machine's cores); or wrk (`--client wrk`, the Debian package), whose C
event loop costs the client side less CPU, with bench/intake.lua writing the alerts and counting the answers.
Every 202 is checked afterwards against the rows in the database.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-intake-token-" + "b" * 24
# Realistic mix: 40 detection rules, each with its own severity (as SIEM rules have), firing on 100 hosts.
# 70 % of alerts are info/low noise that is only stored; the rest open or join incidents in triage.
RULE_SEVERITY = ["info"] * 12 + ["low"] * 16 + ["medium"] * 8 + ["high"] * 3 + ["critical"]
RULES = [f"rule-{i:02d}" for i in range(len(RULE_SEVERITY))]
ASSETS = [f"host-{i:03d}" for i in range(100)]
# Wazuh rule levels inside each band of its adapter (0-3 info, 4-7 low, 8-11 medium, 12-14 high, 15-16 critical).
WAZUH_LEVEL = {"info": 3, "low": 5, "medium": 10, "high": 12, "critical": 15}
WRK_SCRIPT = ROOT / "bench" / "intake.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alert_body(worker: int, seq: int, rnd: random.Random, payload: str = "generic") -> bytes:
    index, asset = rnd.randrange(len(RULES)), rnd.choice(ASSETS)
    rule = RULES[index]
    alert_id = f"bench-{worker}-{seq}-{rnd.getrandbits(32):08x}"
    if payload == "wazuh":  # the alert JSON of docs/intake.md, as Wazuh's custom integration posts it
        return json.dumps(
            {
                "id": alert_id,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime()),
                "rule": {
                    "id": str(92000 + index + 1),
                    "level": WAZUH_LEVEL[RULE_SEVERITY[index]],
                    "description": f"{rule}: suspicious process tree (powershell -enc ...)",
                    "groups": ["windows", "sysmon", "process_creation"],
                    "firedtimes": rnd.randint(1, 50),
                },
                "agent": {
                    "id": f"{rnd.randrange(100):03d}",
                    "name": asset,
                    "ip": f"10.20.{rnd.randrange(256)}.{rnd.randint(1, 254)}",
                },
                "manager": {"name": "wazuh-manager"},
                "full_log": f"Process Create: powershell.exe -enc ... parent winword.exe on {asset}",
                "location": "EventChannel",
                "data": {"win": {"eventdata": {"user": f"user{rnd.randint(1, 900)}"}}},
            }
        ).encode()
    return json.dumps(
        {
            "id": alert_id,
            "title": f"{rule} triggered on {asset}: suspicious process tree (powershell -enc ...)",
            "severity": RULE_SEVERITY[index],
            "observed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "asset": asset,
            "rule": rule,
            "details": {"process": "powershell.exe", "parent": "winword.exe", "user": f"user{rnd.randint(1, 900)}"},
        }
    ).encode()


async def _connection(port: int, worker: int, conn: int, stop_at: float, out: dict, payload: str) -> None:
    rnd = random.Random(f"{worker}-{conn}-{time.time_ns()}")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /api/v1/intake/{payload} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: "
    ).encode()
    seq = 0
    while time.perf_counter() < stop_at:
        body = alert_body(worker, conn * 1_000_000 + seq, rnd, payload)
        seq += 1
        start = time.perf_counter()
        writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
        headers = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in headers.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        out["latencies"].append(time.perf_counter() - start)
        status = int(headers[9:12])
        out["status"][status] = out["status"].get(status, 0) + 1
    writer.close()


def _client_process(port, worker, connections, start_at, seconds, queue, payload) -> None:  # noqa: ANN001
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    out = {"latencies": [], "status": {}}

    async def main():
        while time.time() < start_at:  # all clients start together
            await asyncio.sleep(0.005)
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_connection(port, worker, c, stop_at, out, payload) for c in range(connections)))

    asyncio.run(main())
    queue.put(out)


def load(port: int, seconds: float, connections: int, clients: int, payload: str = "generic") -> dict:
    queue = multiprocessing.get_context("fork").Queue()
    start_at = time.time() + 0.5
    per = [connections // clients + (1 if i < connections % clients else 0) for i in range(clients)]
    procs = [
        multiprocessing.get_context("fork").Process(
            target=_client_process, args=(port, i, per[i], start_at, seconds, queue, payload)
        )
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    status: dict[int, int] = {}
    for r in results:
        for k, v in r["status"].items():
            status[k] = status.get(k, 0) + v
    return {
        "requests": len(latencies),
        "rate": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "status": status,
        "unanswered_bound": 0,  # this client reads every answer before it stops
    }


def load_wrk(port: int, seconds: float, connections: int, clients: int, payload: str = "generic") -> dict:
    """The same load from wrk: `clients` threads, `connections` keep-alive connections in total."""
    tag = f"{time.time_ns():x}"  # alert ids unique across the warm-up and the run
    cmd = [
        "wrk", f"-t{clients}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(WRK_SCRIPT),
        f"http://127.0.0.1:{port}", "--", payload, TOKEN, tag,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    duration = raw["duration_us"] / 1e6
    errors = {k: v for k, v in raw["errors"].items() if v}
    return {
        "requests": raw["requests"],
        "rate": raw["requests"] / duration,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "status": {int(k): v for k, v in raw["status"].items()},
        "errors": errors,
        # wrk stops with a request in flight on each connection and never reads those answers, but the server may
        # still store them: up to one row per connection more than the 202s counted.
        "unanswered_bound": connections,
    }


def cpu_seconds(root: int) -> tuple[float, float]:
    """User + system CPU of a process, and of it with all its descendants (the intake writer is a child process)."""
    ticks, parents = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        ticks[int(entry)] = int(fields[11]) + int(fields[12])
    family, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in family} - family
        family |= more
        grew = bool(more)
    tick = os.sysconf("SC_CLK_TCK")
    return ticks.get(root, 0) / tick, sum(ticks.get(pid, 0) for pid in family) / tick


def generate(port: int, seconds: float, args) -> dict:  # noqa: ANN001
    client = load_wrk if args.client == "wrk" else load
    return client(port, seconds, args.connections, args.clients, args.payload)


def measured(proc: subprocess.Popen, port: int, args, database_pid: int | None = None) -> dict:  # noqa: ANN001
    """Load for the fixed time; also the server's own CPU per answer, which other load on the machine does not
    change the way it changes the rate (and the database server's, when it runs here: PostgreSQL's backends)."""
    own_before, all_before = cpu_seconds(proc.pid)
    db_before = cpu_seconds(database_pid)[1] if database_pid else 0.0
    result = generate(port, args.seconds, args)
    own_after, all_after = cpu_seconds(proc.pid)
    db_after = cpu_seconds(database_pid)[1] if database_pid else 0.0
    answers = max(result["requests"], 1)
    result["cpu_us"] = (all_after - all_before) / answers * 1e6
    result["own_cpu_us"] = (own_after - own_before) / answers * 1e6
    result["db_cpu_us"] = (db_after - db_before) / answers * 1e6 if database_pid else None
    return result


def start(cmd: list[str], port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server {' '.join(cmd)} did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)  # graceful: the intake writer commits what it holds
    proc.wait(timeout=30)


def report(name: str, r: dict) -> None:
    print(
        f"{name:<8} {r['rate']:8.0f} alerts/s   p50 {r['p50_ms']:6.1f} ms   p99 {r['p99_ms']:6.1f} ms   "
        f"answers {dict(sorted(r['status'].items()))}" + (f"   socket errors {r['errors']}" if r.get("errors") else "")
    )


def url_is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith("postgresql")


def count_rows(url: str) -> tuple[int, int]:
    """Alerts and incidents in the database; 0 before the service has created its tables."""
    from sqlalchemy import create_engine, inspect, text  # lazy: only after the servers ran

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("intake_alert"):
                return 0, 0
            alerts = conn.execute(text("SELECT count(*) FROM intake_alert")).scalar_one()
            incidents = conn.execute(text("SELECT count(*) FROM incident")).scalar_one()
            return alerts, incidents
    finally:
        engine.dispose()


def postgres_durability(url: str) -> str | None:
    """fsync and synchronous_commit of the PostgreSQL server, for the printed record (None on SQLite)."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text  # lazy: only for PostgreSQL

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            fsync = conn.execute(text("SHOW fsync")).scalar_one()
            commit = conn.execute(text("SHOW synchronous_commit")).scalar_one()
            version = conn.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    return f"PostgreSQL {version}, fsync={fsync}, synchronous_commit={commit}"


def postmaster_pid(url: str) -> int | None:
    """The local PostgreSQL server's main process (its backends are its children), if this user can read it."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text  # lazy: only for PostgreSQL

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            data_dir = conn.execute(text("SHOW data_directory")).scalar_one()
        pid = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
        return pid if Path(f"/proc/{pid}").exists() else None
    except Exception:  # noqa: BLE001 - a remote or unreadable server: its CPU is just not reported
        return None
    finally:
        engine.dispose()


def analyze(url: str) -> None:
    """Statistics for the tables the warm-up filled, as autovacuum keeps them on a database in use: on a fresh
    PostgreSQL database the planner still believes them empty and plans the intake's look-ups for that."""
    from sqlalchemy import create_engine, text  # lazy: only for PostgreSQL

    engine = create_engine(url)
    try:
        with engine.begin() as conn:  # ANALYZE's statistics are transactional: kept only if committed
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def client_name(args) -> str:  # noqa: ANN001
    if args.client == "wrk":
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
        return f"wrk ({version.split(' Copyright')[0].strip()}, {args.clients} threads, bench/intake.lua)"
    return f"builtin asyncio HTTP/1.1 client ({args.clients} processes)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--clients", type=int, default=2, help="load generator processes")
    parser.add_argument("--workers", type=int, default=1, help="server processes (the same for both servers)")
    parser.add_argument(
        "--database-url", help="an empty database for the service, e.g. PostgreSQL (default: a fresh SQLite file)"
    )
    parser.add_argument("--client", choices=["builtin", "wrk"], default="builtin", help="load generator")
    parser.add_argument("--payload", choices=["generic", "wazuh"], default="generic", help="alert format posted")
    parser.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        help="PostgreSQL: ANALYZE after the warm-up, as autovacuum keeps a database in use (default on PostgreSQL; "
        "--no-analyze measures a fresh database whose statistics still say empty)",
    )
    args = parser.parse_args()
    if args.analyze and not url_is_postgres(args.database_url):
        parser.error("--analyze is for PostgreSQL (--database-url postgresql...)")
    if args.analyze is None:
        args.analyze = url_is_postgres(args.database_url)
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("--client wrk needs wrk on the PATH (Debian: apt-get install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="notifier-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'notifier.db'}"
    # Only the rows this run adds count, so a database that already holds alerts does not fail the check.
    rows_before, incidents_before = count_rows(url)
    env = {
        **os.environ,
        "NOTIFIER_ENV": "development",
        "NOTIFIER_DATABASE_URL": url,
        "NOTIFIER_VAR_DIR": str(tmp / "var"),
        "NOTIFIER_API_TOKEN": "bench-admin-token-" + "a" * 24,
        "NOTIFIER_INTAKE_TOKEN": TOKEN,
        "NOTIFIER_LOG_LEVEL": "WARNING",
        # The benchmark measures capacity, so the per-source rate limit must not be what stops it: off (0) unless the
        # environment asks for one (a value far above the rate reached here keeps its check running on every alert).
        "NOTIFIER_INTAKE_RATE_LIMIT": os.environ.get("NOTIFIER_INTAKE_RATE_LIMIT", "0"),
        "NOTIFIER_INTAKE_RATE_BURST": os.environ.get("NOTIFIER_INTAKE_RATE_BURST", "1000000"),
        "PYTHONPATH": str(ROOT),
    }
    bin_dir = Path(sys.executable).parent
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes compete for the same cores)")
    print(f"machine: {os.cpu_count()} cores; {args.connections} connections in total; {args.seconds:.0f} s per run; "
          f"{args.workers} worker process(es) per server; payload {args.payload}")  # fmt: skip
    print(f"load generator: {client_name(args)}")
    sqlite_sync = f"WAL, synchronous={os.environ.get('NOTIFIER_SQLITE_SYNCHRONOUS', 'full')}"
    durability = postgres_durability(url) or sqlite_sync
    print(f"database: {url} ({durability})")
    if url_is_postgres(url):
        print("PostgreSQL statistics: " + ("ANALYZE after the service's warm-up" if args.analyze else "none (fresh)"))
    print(f"intake rate limit: {env['NOTIFIER_INTAKE_RATE_LIMIT']} alerts/s per source (0: off)")

    port = free_port()
    uvicorn = [str(bin_dir / "uvicorn"), "--port", str(port), "--log-level", "warning", "--workers", str(args.workers)]
    bare = start([*uvicorn, "bench.bare_app:app"], port, env)
    try:
        generate(port, 2, args)  # warm-up
        bare_result = measured(bare, port, args)
    finally:
        stop(bare)

    port = free_port()
    server = start([str(bin_dir / "notifier"), "serve", "--port", str(port), "--workers", str(args.workers)], port, env)
    try:
        warm = generate(port, 2, args)  # the same warm-up (starts the writer process)
        if args.analyze:
            analyze(url)
        intake_result = measured(server, port, args, postmaster_pid(url))
    finally:
        stop(server)

    rows_after, incidents_after = count_rows(url)
    rows, incidents = rows_after - rows_before, incidents_after - incidents_before
    accepted = intake_result["status"].get(202, 0) + warm["status"].get(202, 0)
    unanswered = intake_result["unanswered_bound"] + warm["unanswered_bound"]

    print(f"load average after: {os.getloadavg()[0]:.2f}")
    report("bare", bare_result)
    report("intake", intake_result)
    ratio = intake_result["rate"] / bare_result["rate"]
    print(f"ratio intake/bare: {ratio:.2f}")
    cpu_ratio = bare_result["cpu_us"] / intake_result["cpu_us"]
    # With several workers the root is uvicorn's supervisor, which serves nothing: only the total means something.
    split = (f"API process {intake_result['own_cpu_us']:.0f} us + writer process "
             f"{intake_result['cpu_us'] - intake_result['own_cpu_us']:.0f} us" if args.workers == 1
             else f"{args.workers} workers and their writers together")  # fmt: skip
    print(f"server CPU per alert: bare {bare_result['cpu_us']:.0f} us, intake {intake_result['cpu_us']:.0f} us "
          f"({split}); CPU-cost ratio bare/intake: {cpu_ratio:.2f}")  # fmt: skip
    if intake_result["db_cpu_us"] is not None:
        print(f"PostgreSQL server CPU per alert (its backends, not counted above): {intake_result['db_cpu_us']:.0f} us")
    print(f"202 answers (warm-up and run): {accepted}; rows in intake_alert: {rows}; incidents opened: {incidents}")
    if unanswered:
        print(f"  (wrk leaves up to {unanswered} requests unanswered when it stops; stored or not, they had no 202)")
    # Every 202 a row; with wrk, at most the requests it left in flight more (answers it never read).
    stored = accepted <= rows <= accepted + unanswered
    clean = set(intake_result["status"]) | set(warm["status"]) == {202} and not intake_result.get("errors")
    ok = stored and clean
    targets = intake_result["rate"] >= 1000 and intake_result["p99_ms"] < 100 and ratio >= 0.5
    # Separate lines: a 503 from the writer's queue bound is a refusal the sender retries, not a lost alert.
    print("every 202 committed: " + ("yes" if stored else "NO"))
    print("every answer a 202: " + ("yes" if clean else "NO (see the answers above)"))
    print("targets (>= 1000/s, p99 < 100 ms, >= half the bare rate): " + ("met" if targets else "NOT met"))
    shutil.rmtree(tmp, ignore_errors=True)  # the SQLite file and var dir; kept when the run failed with an error
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
