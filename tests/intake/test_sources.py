"""Per-source tokens managed in the app: create, rotate, delete; only a hash is stored."""

import hashlib

from sqlmodel import Session

from notifier.intake.models import IntakeSource
from tests.intake import payloads
from tests.intake.conftest import post_alert


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_source_token_lifecycle(app, client):
    created = client.put("/api/v1/intake-sources/wazuh", json={})
    assert created.status_code == 200, created.text
    token = created.json()["token"]
    assert token and created.json()["has_token"] is True
    with Session(app.state.engine) as s:
        row = s.get(IntakeSource, (1, "wazuh"))
        assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.token_sha256 or "")
    assert post_alert(client, "wazuh", payloads.WAZUH, headers=bearer(token)).status_code == 202
    # A source's token is for that source only.
    assert post_alert(client, "graylog", payloads.GRAYLOG, headers=bearer(token)).status_code == 401

    rotated = client.put("/api/v1/intake-sources/wazuh", json={"rotate_token": True}).json()["token"]
    assert rotated != token
    assert post_alert(client, "wazuh", {**payloads.WAZUH, "id": "2"}, headers=bearer(token)).status_code == 401
    assert post_alert(client, "wazuh", {**payloads.WAZUH, "id": "3"}, headers=bearer(rotated)).status_code == 202

    assert client.delete("/api/v1/intake-sources/wazuh").status_code == 204
    assert post_alert(client, "wazuh", {**payloads.WAZUH, "id": "4"}, headers=bearer(rotated)).status_code == 401
    listed = {s["source"]: s for s in client.get("/api/v1/intake-sources").json()}
    assert listed["wazuh"]["has_token"] is False and "token" not in listed["wazuh"] or not listed["wazuh"]["token"]


def test_admin_api_needs_the_api_token(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as anonymous:
        assert anonymous.put("/api/v1/intake-sources/wazuh", json={}).status_code == 401
        assert anonymous.get("/api/v1/intake-sources").status_code == 401


def test_unknown_source_in_admin_is_404(client):
    assert client.put("/api/v1/intake-sources/qradar", json={}).status_code == 404
