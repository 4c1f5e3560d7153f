"""Every error answer of the intake endpoint, and duplicates."""

import json

import pytest

from tests.intake import payloads
from tests.intake.conftest import INTAKE_AUTH, INTAKE_TOKEN, alert_count, generic, post_alert


def _refusal(response) -> tuple:
    """Everything a caller can see of a refusal."""
    return response.status_code, response.content.decode(), response.headers.get("www-authenticate")


def test_every_credential_problem_gets_the_same_401(app, client):
    body = generic()
    answers = [
        client.post("/api/v1/intake/generic", json=body, headers={"Authorization": ""}),  # none at all
        post_alert(client, "generic", body, headers={"Authorization": "Bearer wrong-token"}),
        post_alert(client, "generic", body, headers={"Authorization": f"Basic {INTAKE_TOKEN}"}),
        post_alert(client, "generic", body, headers={"Authorization": "Bearer"}),
        client.post("/api/v1/intake/generic", params={"token": "wrong"}, json=body, headers={"Authorization": ""}),
        # The administrator's API token is not an intake token.
        client.post("/api/v1/intake/generic", json=body),
    ]
    shapes = {_refusal(r) for r in answers}
    assert shapes == {
        (401, '{"type":"about:blank","title":"Unauthorized","status":401,"detail":"unauthorised"}', "Bearer")
    }
    assert answers[0].json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "unauthorised",
    }
    assert alert_count(app) == 0


def test_unknown_source_is_404(client):
    response = post_alert(client, "qradar", generic())
    assert response.status_code == 404
    assert "qradar" in response.json()["detail"]


@pytest.mark.parametrize("body", [b"{not json", b'{"id": "a"', b"", b"\xff\xfe{}"])
def test_malformed_json_is_400_naming_the_problem(app, client, body):
    response = client.post("/api/v1/intake/generic", content=body, headers=INTAKE_AUTH)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("malformed")
    assert alert_count(app) == 0


@pytest.mark.parametrize(
    ("source", "body", "field"),
    [
        ("generic", {"title": "no id", "severity": "high"}, ["body", "id"]),
        ("generic", {**generic(), "severity": "apocalyptic"}, ["body", "severity"]),
        ("splunk", {"search_name": "no sid"}, ["body", "sid"]),
        ("elastic", {"rule": {"name": "x"}}, ["body", "alert", "uuid"]),
        ("sentinel", {"object": {"properties": {}}}, ["body", "object", "id"]),
        ("wazuh", {**payloads.WAZUH, "rule": {"level": 99}}, ["body", "rule", "level"]),
        ("graylog", {"event": {"priority": 2}}, ["body", "event", "id"]),
        ("thehive", {**payloads.THEHIVE, "object": {"severity": 9}}, ["body", "object", "severity"]),
        ("wazuh", [1, 2, 3], ["body", "body"]),
    ],
)
def test_unmappable_payload_is_422_naming_the_field(app, client, source, body, field):
    response = post_alert(client, source, body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == field
    assert alert_count(app) == 0


def test_body_over_the_limit_is_413_from_content_length(app, client):
    big = json.dumps(generic(title="x" * (1_048_576 + 10))).encode()
    response = client.post(
        "/api/v1/intake/generic", content=big, headers={**INTAKE_AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert alert_count(app) == 0


def test_body_over_the_limit_is_413_while_streaming(app, client):
    def chunks():  # no Content-Length: the limit is enforced while reading
        yield b'{"id": "big", "title": "'
        for _ in range(40):
            yield b"x" * 32_768
        yield b'", "severity": "high"}'

    response = client.post("/api/v1/intake/generic", content=chunks(), headers=INTAKE_AUTH)
    assert response.status_code == 413
    assert alert_count(app) == 0


def test_the_limit_is_configurable(settings, app):
    from fastapi.testclient import TestClient

    from notifier.main import create_app

    small = create_app(settings.model_copy(update={"intake_max_body_bytes": 2048}))
    with TestClient(small) as c:
        assert post_alert(c, "generic", generic(title="y" * 3000)).status_code == 413
        assert post_alert(c, "generic", generic(title="y" * 100)).status_code == 202
    small.state.engine.dispose()


def test_same_external_id_again_is_200_duplicate_and_creates_nothing(app, client):
    first = post_alert(client, "wazuh", payloads.WAZUH)
    assert first.status_code == 202
    incidents_before = len(client.get("/api/v1/incidents").json())
    again = post_alert(client, "wazuh", payloads.WAZUH)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert alert_count(app) == 1
    assert len(client.get("/api/v1/incidents").json()) == incidents_before


def test_duplicate_of_a_stored_only_alert_answers_null_incident(client):
    first = post_alert(client, "generic", generic("low-1", severity="low"))
    assert first.status_code == 202 and first.json()["incident_id"] is None
    again = post_alert(client, "generic", generic("low-1", severity="low"))
    assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}


def test_same_id_from_another_source_is_not_a_duplicate(client):
    a = post_alert(client, "generic", generic("shared-id"))
    b = post_alert(client, "wazuh", {**payloads.WAZUH, "id": "shared-id"})
    assert a.status_code == b.status_code == 202
