"""Secrets never reach the log: a real `notifier serve` with known secret values, requests that succeed and fail
(wrong API token, wrong intake token, wrong password, a reminder mail over SMTP with AUTH), then the whole captured
stdout/stderr is searched for every secret value."""

import time
from datetime import UTC, datetime, timedelta

import httpx

from proof.harness import API_TOKEN, INTAKE_TOKEN, ORGANISATION, SECRET_KEY, Server, SmtpSink, api, base_env

SMTP_PASSWORD = "smtp-password-" + "p" * 20


def test_no_secret_value_appears_in_the_log(db_url, tmp_path):
    sink = SmtpSink()  # offers no AUTH: the login fails, and that failure is logged too
    env = base_env(
        db_url,
        tmp_path / "var",
        NOTIFIER_SWEEP_INTERVAL_SECONDS="1",
        **sink.env(),
        NOTIFIER_SMTP_USER="meldplicht",
        NOTIFIER_SMTP_PASSWORD=SMTP_PASSWORD,
        NOTIFIER_LOG_LEVEL="DEBUG",
    )
    log = tmp_path / "server.log"
    server = Server(env, log_path=log).start()
    try:
        with api(server.url) as c:
            assert c.put("/api/v1/organisation", json=ORGANISATION).status_code == 200
            incident = c.post("/api/v1/incidents", json={"title": "Storing", "summary": "x"}).json()
            aware = (datetime.now(UTC) - timedelta(hours=30)).isoformat()
            r = c.post(f"/api/v1/incidents/{incident['id']}/events",
                       json={"type": "cbw.significant", "aware_at": aware, "reasoning": "down"})  # fmt: skip
            assert r.status_code == 200
        bad = httpx.get(server.url + "/api/v1/incidents", headers={"Authorization": f"Bearer {API_TOKEN}x"})
        assert bad.status_code == 401
        bad = httpx.post(server.url + f"/api/v1/intake/generic?token={INTAKE_TOKEN}x", json={"id": "a"})
        assert bad.status_code == 401
        good = httpx.post(
            server.url + "/api/v1/intake/generic",
            json={"id": "a1", "title": "t", "severity": "high"},
            headers={"Authorization": f"Bearer {INTAKE_TOKEN}"},
        )
        assert good.status_code == 202, good.text
        signin = httpx.get(server.url + "/signin")
        assert signin.status_code == 200
        time.sleep(3)  # a few sweeps: the reminder is queued and its delivery attempted with SMTP AUTH
    finally:
        server.stop()
        sink.close()
    text = log.read_text(errors="replace")
    assert "reminder.queued" in text or "scheduler.action" in text  # the log really captured the service's work
    for name, value in {
        "API token": API_TOKEN,
        "intake token": INTAKE_TOKEN,
        "secret key": SECRET_KEY,
        "SMTP password": SMTP_PASSWORD,
    }.items():
        assert value not in text, f"the {name} appears in the log"
