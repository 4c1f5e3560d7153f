"""Crash test: alerts keep coming while the service is SIGKILLed and restarted; every acknowledged alert is stored once.

    .venv/bin/python -m proof.crash_test [--kills 5] [--seconds 40] [--concurrency 16] [--database-url URL]

`notifier serve` runs on a fresh SQLite file (the embedded default; or --database-url, an EMPTY database). A load
generator (httpx, concurrent) posts unique generic alerts to POST /api/v1/intake/generic; at random moments the
server is killed with SIGKILL and started again. Every alert answered 202 (or 200 duplicate, after a retry of one
whose answer was lost) is recorded. Afterwards each recorded alert must be in intake_alert exactly once.
Exits 1 when an acknowledged alert is missing or stored twice.
"""

import argparse
import asyncio
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from proof.harness import INTAKE_TOKEN, Server, base_env, report


async def _generate(url_of, stop: threading.Event, acked: set, stats: dict, concurrency: int) -> None:  # noqa: ANN001
    async def worker(n: int) -> None:
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {INTAKE_TOKEN}"}, timeout=10) as client:
            pending: str | None = None  # an alert whose answer was lost is sent again (as a SIEM would)
            while not stop.is_set():
                alert_id = pending or f"crash-{n}-{uuid.uuid4().hex}"
                body = {
                    "id": alert_id,
                    "title": "Suspicious process tree on host",
                    "severity": random.choice(["info", "low", "medium", "high"]),
                    "observed_at": datetime.now(UTC).isoformat(),
                    "asset": f"host-{random.randrange(50):02d}",
                    "rule": f"rule-{random.randrange(20):02d}",
                }
                try:
                    r = await client.post(url_of() + "/api/v1/intake/generic", json=body)
                except httpx.HTTPError:
                    stats["errors"] += 1
                    pending = alert_id
                    await asyncio.sleep(0.05)
                    continue
                stats[r.status_code] = stats.get(r.status_code, 0) + 1
                if r.status_code in (200, 202):
                    acked.add(alert_id)
                    pending = None
                else:
                    pending = alert_id
                    await asyncio.sleep(0.05)

    await asyncio.gather(*(worker(n) for n in range(concurrency)))


def run(database_url: str | None, kills: int, seconds: float, concurrency: int, workdir: Path) -> list[str]:
    database_url = database_url or f"sqlite:///{workdir / 'notifier.db'}"
    env = base_env(database_url, workdir / "var", NOTIFIER_SCHEDULER_ENABLED="false")
    server = Server(env, log_path=workdir / "server.log").start()
    acked: set[str] = set()
    stats: dict = {"errors": 0}
    stop = threading.Event()
    loader = threading.Thread(
        target=lambda: asyncio.run(_generate(lambda: server.url, stop, acked, stats, concurrency)), daemon=True
    )
    loader.start()
    interval = seconds / (kills + 1)
    for n in range(kills):
        time.sleep(random.uniform(0.5 * interval, 1.5 * interval))
        before = len(acked)
        server.kill()  # SIGKILL: no shutdown, no flush, the writer process goes with it
        print(f"kill {n + 1}/{kills}: SIGKILL after {before} acknowledged alerts; restarting", flush=True)
        server.start()
    time.sleep(interval)
    stop.set()
    loader.join(timeout=30)
    server.stop()

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT external_id, COUNT(*) FROM intake_alert WHERE source = 'generic' GROUP BY external_id")
        ).all()
    engine.dispose()
    stored = {external_id: count for external_id, count in rows}
    missing = [a for a in acked if a not in stored]
    twice = {a: c for a, c in stored.items() if c > 1}
    answers = {k: v for k, v in stats.items() if k != "errors"}
    print(f"acknowledged alerts: {len(acked)}; rows: {sum(stored.values())} ({len(stored)} distinct external ids)")
    print(f"answers by status: {answers}; connection errors (server down): {stats['errors']}")
    print(f"missing: {len(missing)}; stored more than once: {len(twice)}")
    problems = []
    if not acked:
        problems.append("no alert was acknowledged at all")
    if missing:
        problems.append(f"{len(missing)} acknowledged alerts are not in the database, e.g. {missing[:3]}")
    if twice:
        problems.append(f"{len(twice)} alerts are stored more than once, e.g. {list(twice.items())[:3]}")
    if answers.get(500):
        problems.append(f"{answers[500]} answers were 500")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", help="an EMPTY database (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="meldplicht-crash-") as tmp:
        problems = run(args.database_url, args.kills, args.seconds, args.concurrency, Path(tmp))
    return report("crash test", problems, "every acknowledged alert is stored exactly once")


if __name__ == "__main__":
    sys.exit(main())
