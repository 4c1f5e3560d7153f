"""An alert storm against a real `notifier serve` (uvicorn, the writer in its own process), issue 18 section 1.

One source floods with far more requests in flight than the queue may hold; a second source sends at a modest rate
meanwhile. The second loses nothing and never sees a 503; the flooder is refused (503, Retry-After, nothing stored)
only because the queue bound is reached: the same flood with fewer requests in flight than the bound gets no 503
and, with the default settings, no 429. Every 202 is a row. Bounded in time: two storms of a few seconds.
"""

import asyncio
import itertools
import json
import sqlite3
import time

import httpx

from tests.intake.conftest import INTAKE_TOKEN, generic
from tests.intake.payloads import WAZUH
from tests.operations.test_serve_first_run import _serve
from tests.web.conftest import free_port

BOUND = 16  # NOTIFIER_INTAKE_QUEUE_MAX_ALERTS for the test: small, so a test-sized flood reaches it


async def _sender(port: int, source: str, bodies, stop: float, pause: float, out: dict) -> None:
    """One keep-alive connection posting alerts one after the other (a plain HTTP/1.1 client: httpx would cost
    the test more CPU than the server it loads)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /api/v1/intake/{source} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {INTAKE_TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: "
    ).encode()
    try:
        while time.monotonic() < stop:
            body = json.dumps(next(bodies)).encode()
            writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
            headers = await reader.readuntil(b"\r\n\r\n")
            fields = dict(
                line.decode("latin-1").lower().split(": ", 1) for line in headers.split(b"\r\n")[1:] if b": " in line
            )
            answer = await reader.readexactly(int(fields["content-length"]))
            status = int(headers[9:12])
            out["status"].append(status)
            if status == 503:
                out["retry_after"].add(fields.get("retry-after"))
                out["bodies"].add(json.loads(answer)["detail"])
            if pause:
                await asyncio.sleep(pause)
    finally:
        writer.close()


async def _storm(port: int, *, flood_in_flight: int, seconds: float, tag: str) -> dict:
    flood = {"status": [], "retry_after": set(), "bodies": set()}
    quiet = {"status": [], "retry_after": set(), "bodies": set()}
    flood_bodies = (generic(f"{tag}-f-{n}") for n in itertools.count())
    quiet_bodies = (
        {**WAZUH, "id": f"{tag}-q-{n}", "rule": {**WAZUH["rule"], "id": f"q-{n % 3}"}} for n in itertools.count()
    )
    stop = time.monotonic() + seconds
    await asyncio.gather(
        _sender(port, "wazuh", quiet_bodies, stop, 0.05, quiet),  # about 20 alerts/s
        *(_sender(port, "generic", flood_bodies, stop, 0, flood) for _ in range(flood_in_flight)),
    )
    return {"flood": flood["status"], "quiet": quiet["status"], **{k: flood[k] for k in ("retry_after", "bodies")}}


def _metric(base: str, name: str, **labels: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}}") or (not labels and line.startswith(f"{name} ")):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{wanted}}} not in /metrics")


def test_a_flood_is_refused_only_at_the_queue_bound_and_never_starves_a_quiet_source(tmp_path):
    port = free_port()
    server, log = _serve(
        tmp_path,
        port,
        NOTIFIER_INTAKE_TOKEN=INTAKE_TOKEN,
        NOTIFIER_INTAKE_QUEUE_MAX_ALERTS=str(BOUND),
        NOTIFIER_ACCESS_LOG="false",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Fewer requests in flight than half the bound: the writer keeps up, nothing is refused.
        calm = asyncio.run(_storm(port, flood_in_flight=BOUND // 2 - 1, seconds=3, tag="calm"))
        assert calm["flood"] and set(calm["flood"]) == {202}, sorted(set(calm["flood"]))
        assert set(calm["quiet"]) == {202}

        # Far more in flight than the bound: the flooder meets it, the quiet source does not notice.
        storm = asyncio.run(_storm(port, flood_in_flight=12 * BOUND, seconds=4, tag="storm"))
        assert set(storm["quiet"]) == {202}, sorted(set(storm["quiet"]))
        assert len(storm["quiet"]) >= 5
        assert 503 in storm["flood"] and 202 in storm["flood"]
        assert set(storm["flood"]) <= {202, 503}  # never a 429 with the default settings
        assert storm["bodies"] and all(b.startswith("the intake queue is full (") for b in storm["bodies"])
        assert all(int(value) >= 1 for value in storm["retry_after"])
        refused = _metric(base, "meldplicht_intake_refused_total", reason="queue_full", source="generic")
        assert refused == storm["flood"].count(503)
        assert _metric(base, "meldplicht_intake_refused_total", reason="queue_full", source="wazuh") == 0
        assert _metric(base, "meldplicht_intake_queue_alerts") == 0  # drained after the storm
        assert _metric(base, "meldplicht_intake_queue_oldest_wait_seconds") == 0
    finally:
        server.terminate()
        server.wait(timeout=60)
    accepted = sum(a.count(202) for s in (calm, storm) for a in (s["flood"], s["quiet"]))
    with sqlite3.connect(tmp_path / f"serve-{port}.db") as db:
        (rows,) = db.execute("SELECT count(*) FROM intake_alert").fetchone()
    assert rows == accepted, log.read_text()[-2000:]
