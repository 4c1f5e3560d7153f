"""Intake benchmark: sustained alerts/s and p50/p99 latency of POST /api/v1/intake/generic, against a bare endpoint.

    .venv/bin/python bench/intake.py [--seconds 15] [--connections 48] [--clients 2]

Starts `notifier serve` on a fresh temporary SQLite file (the embedded default) and, in the same run, the bare
FastAPI app in bench/bare_app.py under the same uvicorn settings (one process, uvloop/httptools when installed).
Both get the same realistic alerts from the same load generator: a few processes, each a compact asyncio HTTP/1.1
client with keep-alive connections (httpx costs several times more CPU per request, and the client competes with
the server for the machine's cores). Every 202 is checked afterwards against the rows in the database.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import socket
import sqlite3
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alert_body(worker: int, seq: int, rnd: random.Random) -> bytes:
    index, asset = rnd.randrange(len(RULES)), rnd.choice(ASSETS)
    rule = RULES[index]
    return json.dumps(
        {
            "id": f"bench-{worker}-{seq}-{rnd.getrandbits(32):08x}",
            "title": f"{rule} triggered on {asset}: suspicious process tree (powershell -enc ...)",
            "severity": RULE_SEVERITY[index],
            "observed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "asset": asset,
            "rule": rule,
            "details": {"process": "powershell.exe", "parent": "winword.exe", "user": f"user{rnd.randint(1, 900)}"},
        }
    ).encode()


async def _connection(port: int, worker: int, conn: int, stop_at: float, out: dict) -> None:
    rnd = random.Random(f"{worker}-{conn}-{time.time_ns()}")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /api/v1/intake/generic HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: "
    ).encode()
    seq = 0
    while time.perf_counter() < stop_at:
        body = alert_body(worker, conn * 1_000_000 + seq, rnd)
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


def _client_process(port: int, worker: int, connections: int, start_at: float, seconds: float, queue) -> None:
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
        await asyncio.gather(*(_connection(port, worker, c, stop_at, out) for c in range(connections)))

    asyncio.run(main())
    queue.put(out)


def load(port: int, seconds: float, connections: int, clients: int) -> dict:
    queue = multiprocessing.get_context("fork").Queue()
    start_at = time.time() + 0.5
    per = [connections // clients + (1 if i < connections % clients else 0) for i in range(clients)]
    procs = [
        multiprocessing.get_context("fork").Process(
            target=_client_process, args=(port, i, per[i], start_at, seconds, queue)
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


def measured(proc: subprocess.Popen, port: int, args) -> dict:  # noqa: ANN001
    """Load for the fixed time; also the server's own CPU per answer, which other load on the machine does not
    change the way it changes the rate."""
    own_before, all_before = cpu_seconds(proc.pid)
    result = load(port, args.seconds, args.connections, args.clients)
    own_after, all_after = cpu_seconds(proc.pid)
    answers = max(result["requests"], 1)
    result["cpu_us"] = (all_after - all_before) / answers * 1e6
    result["own_cpu_us"] = (own_after - own_before) / answers * 1e6
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
        f"answers {dict(sorted(r['status'].items()))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--clients", type=int, default=2, help="load generator processes")
    parser.add_argument("--workers", type=int, default=1, help="server processes (the same for both servers)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="notifier-bench-"))
    db = tmp / "notifier.db"
    env = {
        **os.environ,
        "NOTIFIER_ENV": "development",
        "NOTIFIER_DATABASE_URL": f"sqlite:///{db}",
        "NOTIFIER_VAR_DIR": str(tmp / "var"),
        "NOTIFIER_API_TOKEN": "bench-admin-token-" + "a" * 24,
        "NOTIFIER_INTAKE_TOKEN": TOKEN,
        "NOTIFIER_LOG_LEVEL": "WARNING",
        # The benchmark measures capacity, so the per-source rate limit must not be what stops it; set far above any
        # rate reached here rather than off (0), so its check still runs on every alert.
        "NOTIFIER_INTAKE_RATE_LIMIT": "1000000",
        "NOTIFIER_INTAKE_RATE_BURST": "1000000",
        "PYTHONPATH": str(ROOT),
    }
    bin_dir = Path(sys.executable).parent
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes compete for the same cores)")
    print(f"machine: {os.cpu_count()} cores; {args.clients} client processes x {args.connections} connections total; "
          f"{args.seconds:.0f} s per run; database {db}")  # fmt: skip

    port = free_port()
    uvicorn = [str(bin_dir / "uvicorn"), "--port", str(port), "--log-level", "warning", "--workers", str(args.workers)]
    bare = start([*uvicorn, "bench.bare_app:app"], port, env)
    try:
        load(port, 2, args.connections, args.clients)  # warm-up
        bare_result = measured(bare, port, args)
    finally:
        stop(bare)

    port = free_port()
    server = start([str(bin_dir / "notifier"), "serve", "--port", str(port), "--workers", str(args.workers)], port, env)
    try:
        warm = load(port, 2, args.connections, args.clients)  # the same warm-up (starts the writer process)
        intake_result = measured(server, port, args)
    finally:
        stop(server)

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM intake_alert").fetchone()[0]
        incidents = conn.execute("SELECT count(*) FROM incident").fetchone()[0]
    accepted = intake_result["status"].get(202, 0) + warm["status"].get(202, 0)

    print(f"load average after: {os.getloadavg()[0]:.2f}")
    report("bare", bare_result)
    report("intake", intake_result)
    ratio = intake_result["rate"] / bare_result["rate"]
    print(f"ratio intake/bare: {ratio:.2f}")
    cpu_ratio = bare_result["cpu_us"] / intake_result["cpu_us"]
    print(f"server CPU per alert: bare {bare_result['cpu_us']:.0f} us, intake {intake_result['cpu_us']:.0f} us "
          f"(API process {intake_result['own_cpu_us']:.0f} us + writer process "
          f"{intake_result['cpu_us'] - intake_result['own_cpu_us']:.0f} us); CPU-cost ratio bare/intake: "
          f"{cpu_ratio:.2f}")  # fmt: skip
    print(f"202 answers (warm-up and run): {accepted}; rows in intake_alert: {rows}; incidents opened: {incidents}")
    ok = rows == accepted and set(intake_result["status"]) | set(warm["status"]) == {202}
    targets = intake_result["rate"] >= 1000 and intake_result["p99_ms"] < 100 and ratio >= 0.5
    print("every 202 committed: " + ("yes" if ok else "NO"))
    print("targets (>= 1000/s, p99 < 100 ms, >= half the bare rate): " + ("met" if targets else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
