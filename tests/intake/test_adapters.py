"""One realistic payload per tool: it is stored with the mapped fields and opens or joins an incident."""

from datetime import UTC, datetime

import pytest

from notifier.intake.alert import SEVERITIES
from tests.intake import payloads
from tests.intake.conftest import INTAKE_AUTH, generic, post_alert, stored

CASES = [
    # source, payload, external id, severity, original, asset, rule, observed_at
    ("generic", generic(), "a-1", "high", "high", "epd-app-01", "c2-egress", datetime(2026, 11, 23, 9, 12, 44)),
    (
        "splunk",
        payloads.SPLUNK,
        None,
        "high",
        "high",
        "vpn-gw-02",
        "Brute force against VPN",
        datetime(2025, 11, 23, 9, 10, 11),
    ),
    (
        "elastic",
        payloads.ELASTIC,
        "6b3f1e52-2a9f-4c2e-9f63-8f4f2f3a9c11",
        "critical",
        "critical",
        "epd-app-03",
        "c1e5a2f0-7d1b-11ee-b962-0242ac120002",
        datetime(2026, 11, 23, 9, 13, 58),
    ),
    (
        "sentinel",
        payloads.SENTINEL,
        None,
        "high",
        "High",
        "sp-online",
        "Azure Sentinel",
        datetime(2026, 11, 23, 8, 58),
    ),
    (
        "wazuh",
        payloads.WAZUH,
        "1763889321.1548392",
        "medium",
        "10",
        "lab-db-01",
        "5712",
        datetime(2026, 11, 23, 9, 15, 21, 457000),
    ),
    (
        "graylog",
        payloads.GRAYLOG,
        "01JDB6H5ZK3Y8M2C9QF4T7W1XA",
        "high",
        "3",
        "dc01.zrl.local",
        "6470d2f5a1b2c3d4e5f60718",
        datetime(2026, 11, 23, 9, 16, 40),
    ),
    ("thehive", payloads.THEHIVE, "~41877680", "high", "3", None, "phishing", datetime(2025, 11, 23, 9, 17, 0, 123000)),
]


@pytest.mark.parametrize(("source", "body", "external_id", "severity", "original", "asset", "rule", "observed"), CASES)
def test_realistic_payload_is_stored_and_opens_an_incident(
    app, client, source, body, external_id, severity, original, asset, rule, observed
):
    response = post_alert(client, source, body)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["duplicate"] is False
    assert answer["incident_id"] is not None  # every case is medium or above: the triage rule opens one
    row = stored(app, answer["alert_id"])
    assert row.source == source
    if external_id is not None:
        assert row.external_id == external_id
    assert SEVERITIES[row.severity] == severity
    assert row.severity_original == original
    assert row.asset == asset
    assert row.rule == rule
    assert row.observed_at.replace(tzinfo=None) == observed
    assert row.raw  # the body as received, for later processing and the audit
    incident = client.get(f"/api/v1/incidents/{answer['incident_id']}").json()
    assert incident["state"] == "triage"
    alerts = client.get(f"/api/v1/incidents/{answer['incident_id']}/alerts").json()
    assert [a["id"] for a in alerts] == [answer["alert_id"]]


def test_splunk_token_in_the_query_string(client):
    response = client.post(
        "/api/v1/intake/splunk",
        params={"token": INTAKE_AUTH["Authorization"].split()[1]},
        json=payloads.SPLUNK,
        headers={"Authorization": ""},
    )
    assert response.status_code == 202, response.text


def test_sentinel_updates_of_one_incident_land_on_one_incident(client):
    first = post_alert(client, "sentinel", payloads.SENTINEL).json()
    update = {**payloads.SENTINEL, "objectEventType": "Update"}
    update["object"] = {
        **payloads.SENTINEL["object"],
        "properties": {**payloads.SENTINEL["object"]["properties"], "lastModifiedTimeUtc": "2026-11-23T10:01:00Z"},
    }
    second = post_alert(client, "sentinel", update)
    assert second.status_code == 202
    assert second.json()["alert_id"] != first["alert_id"]
    assert second.json()["incident_id"] == first["incident_id"]


def test_incident_opened_by_intake_is_audited_as_the_source(client):
    answer = post_alert(client, "wazuh", payloads.WAZUH).json()
    audit = client.get(f"/api/v1/incidents/{answer['incident_id']}/audit").json()
    assert audit[0]["event_type"] == "incident.created"
    assert audit[0]["actor"] == "intake:wazuh"


def test_observed_time_is_utc(app, client):
    answer = post_alert(client, "generic", generic(observed_at="2026-11-23T10:12:44+01:00")).json()
    assert stored(app, answer["alert_id"]).observed_at == datetime(2026, 11, 23, 9, 12, 44, tzinfo=UTC)


def test_generic_schema_is_in_the_openapi_document(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/v1/intake/{source}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"id", "title", "severity"}
    assert "incident_key" in body["properties"]
