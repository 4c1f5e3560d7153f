"""Readiness, metrics, security headers and moving a database."""

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session

from notifier.audit.chain import verify
from notifier.config import Settings
from notifier.db import make_engine
from notifier.main import create_app
from notifier.operations.copy import CopyRefused, copy_database, engines_equal
from tests.conftest import fresh_database, new_incident, post_event


def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "scheduler": "disabled"}


def test_readyz_is_503_when_the_scheduler_does_not_beat(settings):
    app = create_app(settings.model_copy(update={"scheduler_enabled": True, "sweep_interval_seconds": 30}))
    anonymous = TestClient(app)  # no `with`: the lifespan (and so the scheduler) does not start
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == "not beating"
    app.state.engine.dispose()


def test_readyz_is_503_when_the_database_is_gone(settings, tmp_path):
    app = create_app(settings)
    app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unreachable")


def test_security_headers_on_api_and_probes(client):
    for path in ("/healthz", "/api/v1/incidents"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


@freeze_time("2026-06-01T10:00:00Z")
def test_metrics_count_open_and_overdue_deadlines(client):
    iid = new_incident(client)["id"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-05-31T08:00:00Z", reasoning="x")
    body = client.get("/metrics").text
    assert 'meldplicht_deadlines_open{regime="cbw",stage="early_warning"} 1.0' in body
    assert 'meldplicht_deadlines_overdue{regime="cbw",stage="early_warning"} 1.0' in body
    assert 'meldplicht_deadlines_overdue{regime="cbw",stage="incident_notification"}' not in body
    assert "meldplicht_sweep_duration_seconds_count" in body


@pytest.fixture
def second_db_url(tmp_path):
    with fresh_database(tmp_path, "c") as url:
        yield url


@freeze_time("2026-06-01T10:00:00Z")
def test_db_copy_moves_everything_and_keeps_the_audit_chain(client, db_url, second_db_url, tmp_path):
    for n in range(3):
        iid = new_incident(client, title=f"Incident {n}")["id"]
        post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    # The URLs travel in the environment, never in argv (where `ps` shows their passwords to every user).
    env = {**os.environ, "NOTIFIER_DATABASE_URL": db_url, "MELDPLICHT_COPY_TARGET": second_db_url}
    result = subprocess.run(
        [sys.executable, "-m", "notifier.cli", "db", "copy", "--to-env", "MELDPLICHT_COPY_TARGET"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "incident: 3" in result.stdout
    source, target = make_engine(db_url), make_engine(second_db_url)
    try:
        assert engines_equal(source, target)
        with Session(target) as session:
            assert verify(session).ok
        # The copy is a working database: the service starts on it and appends to the same chain.
        app = create_app(Settings(database_url=second_db_url, api_token="t" * 32, var_dir=tmp_path / "v2"))
        with TestClient(app, headers={"Authorization": "Bearer " + "t" * 32}) as copied:
            assert new_incident(copied, title="After the move")["id"] == 4
        with Session(target) as session:
            assert verify(session).ok
        app.state.engine.dispose()
        with pytest.raises(CopyRefused, match="not empty"):
            copy_database(db_url, second_db_url)
    finally:
        source.dispose()
        target.dispose()
