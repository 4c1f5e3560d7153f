"""Intake fixtures: the app with a shared intake token, and helpers to post alerts like a SIEM tool does."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from notifier.intake.models import IntakeAlert

INTAKE_TOKEN = "intake-token-" + "z" * 24
INTAKE_AUTH = {"Authorization": f"Bearer {INTAKE_TOKEN}"}


@pytest.fixture
def settings(settings):
    # The writer's thread mode runs the same transactions in-process (and under freezegun's clock);
    # test_writer_process.py covers the child-process mode.
    update = {"intake_token": INTAKE_TOKEN, "intake_triage_min_severity": "medium", "intake_writer": "thread"}
    return settings.model_copy(update=update)


def post_alert(client: TestClient, source: str, body, *, headers: dict | None = None, **kwargs):
    return client.post(f"/api/v1/intake/{source}", json=body, headers=headers or INTAKE_AUTH, **kwargs)


def generic(alert_id: str = "a-1", **overrides) -> dict:
    return {
        "id": alert_id,
        "title": "Outbound traffic to known C2 address",
        "severity": "high",
        "observed_at": "2026-11-23T09:12:44Z",
        "asset": "epd-app-01",
        "rule": "c2-egress",
        **overrides,
    }


def alert_count(app) -> int:
    with Session(app.state.engine) as s:
        return s.exec(select(func.count()).select_from(IntakeAlert)).one()


def stored(app, alert_id: int) -> IntakeAlert:
    with Session(app.state.engine) as s:
        return s.get(IntakeAlert, alert_id)
