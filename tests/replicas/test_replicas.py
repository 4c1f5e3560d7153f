"""Three real `notifier serve` processes on one PostgreSQL database behave as one service.

Needs NOTIFIER_TEST_DATABASE_URL (scripts/test.sh and CI set it): SQLite is one file on one machine, so replicas
are a PostgreSQL matter. Each replica runs its own scheduler (sweep every second) and its own intake writer.
"""

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, text

from notifier import migrate
from proof.harness import INTAKE_TOKEN, ORGANISATION, ROOT, Server, SmtpSink, api, base_env
from tests.conftest import fresh_database

pytestmark = pytest.mark.skipif(
    not os.environ.get("NOTIFIER_TEST_DATABASE_URL"),
    reason="replicas share one PostgreSQL database: set NOTIFIER_TEST_DATABASE_URL (scripts/test.sh does)",
)
REPLICAS = 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replicas")
    with fresh_database(tmp) as url:
        migrate.upgrade(url)  # once, before the replicas start, so they do not race to migrate
        sink = SmtpSink()
        servers = []
        try:
            for n in range(REPLICAS):
                env = base_env(
                    url,
                    tmp / f"var{n}",
                    NOTIFIER_SWEEP_INTERVAL_SECONDS="1",
                    **sink.env(),
                    NOTIFIER_MAIL_FROM="meldplicht@zrl.example",
                    NOTIFIER_INTAKE_WRITER="thread",
                )
                servers.append(Server(env, log_path=tmp / f"replica{n}.log").start())
            yield url, servers, sink
        finally:
            for server in servers:
                server.stop()
            sink.close()


def _concurrently(calls) -> list:  # noqa: ANN001
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _scalar(url: str, sql: str, **params):  # noqa: ANN003, ANN202
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).all()
    engine.dispose()
    return value


def test_the_same_alert_on_every_replica_at_once_is_stored_once(cluster):
    url, servers, _ = cluster
    headers = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    for n in range(15):
        alert = {
            "id": f"dup-{n}",
            "title": "Brute force on VPN",
            "severity": "high",
            "asset": "vpn-01",
            "rule": "bruteforce",
            "observed_at": datetime.now(UTC).isoformat(),
        }
        answers = _concurrently(
            [
                lambda s=s, a=alert: httpx.post(s.url + "/api/v1/intake/generic", json=a, headers=headers, timeout=30)
                for s in servers
            ]
        )
        codes = sorted(a.status_code for a in answers)
        assert codes == [200] * (REPLICAS - 1) + [202], [a.text for a in answers]
        assert sum(a.json()["duplicate"] for a in answers) == REPLICAS - 1
        ids = {a.json()["alert_id"] for a in answers}
        assert len(ids) == 1  # the duplicates name the stored alert
    rows = _scalar(url, "SELECT external_id, COUNT(*) FROM intake_alert GROUP BY external_id")
    assert len(rows) == 15 and all(count == 1 for _, count in rows)


def test_each_reminder_step_is_sent_once_by_the_three_schedulers(cluster):
    url, servers, sink = cluster
    with api(servers[0].url) as c:
        assert c.put("/api/v1/organisation", json=ORGANISATION).status_code == 200
    ids = []
    aware = (datetime.now(UTC) - timedelta(hours=30)).isoformat()  # the early warning is 6 h overdue: "at" is due
    for n in range(6):
        with api(servers[n % REPLICAS].url) as c:
            incident = c.post("/api/v1/incidents", json={"title": f"Storing {n}", "summary": "x"}).json()
            r = c.post(
                f"/api/v1/incidents/{incident['id']}/events",
                json={"type": "cbw.significant", "aware_at": aware, "reasoning": "down"},
            )
            assert r.status_code == 200, r.text
            ids.append(incident["id"])
    wanted = {f"reminder:{i}:cbw:early_warning:0:at" for i in ids}
    deadline = time.monotonic() + 30
    while not wanted <= set(sink.mail_keys()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # three more sweeps on each replica: nothing may come twice
    keys = sink.mail_keys()
    assert wanted <= set(keys)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    workers = _scalar(url, "SELECT DISTINCT claimed_by FROM reminder_step WHERE status = 'sent'")
    assert workers  # claimed in the database (by whichever replica got there first)
    rows = _scalar(
        url, "SELECT idempotency_key, COUNT(*) FROM outbox_mail GROUP BY idempotency_key HAVING COUNT(*) > 1"
    )
    assert rows == []


def test_concurrent_changes_on_all_replicas_keep_the_audit_chain_linear(cluster):
    url, servers, _ = cluster

    def create(server: Server, n: int):  # noqa: ANN202
        with api(server.url) as c:
            incident = c.post("/api/v1/incidents", json={"title": f"Gelijktijdig {n}", "summary": "x"})
            assert incident.status_code == 201, incident.text
            r = c.post(
                f"/api/v1/incidents/{incident.json()['id']}/events",
                json={"type": "cbw.not_significant", "reasoning": "no impact"},
            )
            return r.status_code

    calls = [lambda n=n: create(servers[n % REPLICAS], n) for n in range(12)]
    assert _concurrently(calls) == [200] * 12
    env = {**servers[0].env}
    verify = subprocess.run(
        [sys.executable, "-m", "notifier.cli", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout
    seqs = [s for (s,) in _scalar(url, "SELECT seq FROM audit_record ORDER BY seq")]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap, no duplicate: one line, no fork
