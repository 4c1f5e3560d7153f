"""Correlation (tool incident id; rule + asset within the window), the triage rule, merge and split."""

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time

from notifier.main import create_app
from tests.intake import payloads
from tests.intake.conftest import generic, post_alert


def incident_of(client, source, body) -> int | None:
    response = post_alert(client, source, body)
    assert response.status_code == 202, response.text
    return response.json()["incident_id"]


def test_same_tool_incident_id_attaches_to_one_incident_whatever_the_time(client):
    with freeze_time("2026-11-23T09:00:00Z"):
        first = incident_of(client, "generic", generic("x-1", incident_key="CASE-7", rule="r1", asset="a1"))
    with freeze_time("2026-11-25T09:00:00Z"):  # far outside the rule+asset window
        second = incident_of(client, "generic", generic("x-2", incident_key="CASE-7", rule="r2", asset="a2"))
    assert first is not None and second == first


def test_thehive_records_about_one_case_correlate(client):
    first = incident_of(client, "thehive", payloads.THEHIVE)
    update = {**payloads.THEHIVE, "_id": "~41877999", "operation": "Update"}
    assert incident_of(client, "thehive", update) == first


def test_rule_and_asset_within_the_window_attach(client):
    with freeze_time("2026-11-23T09:00:00Z"):
        first = incident_of(client, "generic", generic("r-1"))
    with freeze_time("2026-11-23T09:59:59Z"):  # default window: 60 minutes since the last alert with the key
        assert incident_of(client, "generic", generic("r-2")) == first
    with freeze_time("2026-11-23T10:59:00Z"):  # the window slides with every alert
        assert incident_of(client, "generic", generic("r-3")) == first


def test_rule_and_asset_outside_the_window_open_a_new_incident(client):
    with freeze_time("2026-11-23T09:00:00Z"):
        first = incident_of(client, "generic", generic("r-1"))
    with freeze_time("2026-11-23T10:00:01Z"):
        second = incident_of(client, "generic", generic("r-2"))
    assert second is not None and second != first


def test_other_asset_or_other_rule_does_not_correlate(client):
    first = incident_of(client, "generic", generic("r-1"))
    assert incident_of(client, "generic", generic("r-2", asset="other-host")) != first
    assert incident_of(client, "generic", generic("r-3", rule="other-rule")) != first


def test_window_is_configurable(settings):
    app = create_app(settings.model_copy(update={"intake_correlation_window_minutes": 5}))
    with TestClient(app) as c:
        with freeze_time("2026-11-23T09:00:00Z"):
            first = incident_of(c, "generic", generic("w-1"))
        with freeze_time("2026-11-23T09:05:01Z"):
            assert incident_of(c, "generic", generic("w-2")) != first
    app.state.engine.dispose()


def test_resolved_incident_does_not_take_new_alerts(client):
    first = incident_of(client, "generic", generic("z-1"))
    resolved = client.post(
        f"/api/v1/incidents/{first}/events", json={"type": "incident.resolved", "resolved_at": "2026-01-01T00:00:00Z"}
    )
    assert resolved.status_code == 200, resolved.text
    assert incident_of(client, "generic", generic("z-2")) not in (None, first)


def test_triage_rule_below_the_line_only_stores(client):
    assert incident_of(client, "generic", generic("t-1", severity="low", rule="scan")) is None
    assert incident_of(client, "generic", generic("t-2", severity="medium", rule="scan")) is not None


def test_low_alert_joins_an_open_incident_with_its_key(client):
    opened = incident_of(client, "generic", generic("t-1", severity="critical"))
    assert incident_of(client, "generic", generic("t-2", severity="info")) == opened


def test_triage_rule_per_source(settings):
    update = {"intake_triage_min_severity": "low", "intake_triage_source_min_severity": {"wazuh": "critical"}}
    app = create_app(settings.model_copy(update=update))
    with TestClient(app) as c:
        assert incident_of(c, "wazuh", payloads.WAZUH) is None  # level 10 = medium: below wazuh's line
        assert incident_of(c, "wazuh", {**payloads.WAZUH, "id": "w2", "rule": {"id": "1", "level": 15}}) is not None
        assert incident_of(c, "generic", generic("g-1", severity="low")) is not None
    app.state.engine.dispose()


def test_a_burst_for_one_event_opens_exactly_one_incident(client):
    import concurrent.futures

    bodies = [generic(f"burst-{i}", rule="burst", asset="fw-1") for i in range(40)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda b: post_alert(client, "generic", b), bodies + bodies))
    assert {a.status_code for a in answers} == {200, 202}
    assert sum(a.status_code == 202 for a in answers) == 40
    assert len({a.json()["incident_id"] for a in answers}) == 1
    assert len({a.json()["alert_id"] for a in answers}) == 40


def test_merge_moves_alerts_and_marks_the_source_merged(client):
    a = incident_of(client, "generic", generic("m-1", rule="r-a"))
    b = incident_of(client, "generic", generic("m-2", rule="r-b"))
    response = client.post(f"/api/v1/incidents/{a}/merge", json={"from_incident_id": b})
    assert response.status_code == 200, response.text
    assert {x["external_id"] for x in client.get(f"/api/v1/incidents/{a}/alerts").json()} == {"m-1", "m-2"}
    assert client.get(f"/api/v1/incidents/{b}/alerts").json() == []
    merged = client.get(f"/api/v1/incidents/{b}").json()
    assert (merged["state"], merged["merged_into_id"]) == ("merged", a)
    assert "merged_into" not in merged["facts"]  # its own column, not a fact
    assert client.get(f"/api/v1/incidents/{a}").json()["merged_into_id"] is None
    assert "incident.merged" in [r["event_type"] for r in client.get(f"/api/v1/incidents/{b}/audit").json()]
    assert "incident.merge_received" in [r["event_type"] for r in client.get(f"/api/v1/incidents/{a}/audit").json()]
    # Later alerts with the merged incident's key now land on the surviving incident.
    assert incident_of(client, "generic", generic("m-3", rule="r-b")) == a


def test_merge_of_an_incident_past_triage_is_409(client):
    a = incident_of(client, "generic", generic("m-1", rule="r-a"))
    b = incident_of(client, "generic", generic("m-2", rule="r-b"))
    client.put("/api/v1/organisation", json=__import__("tests.conftest").conftest.HOSPITAL)
    event = {"type": "cbw.significant", "aware_at": "2026-01-01T00:00:00Z", "reasoning": "EPD down"}
    assert client.post(f"/api/v1/incidents/{b}/events", json=event).status_code == 200
    response = client.post(f"/api/v1/incidents/{a}/merge", json={"from_incident_id": b})
    assert response.status_code == 409
    assert "triage" in response.json()["detail"]


@pytest.mark.parametrize("target", ["self", "missing"])
def test_merge_problems(client, target):
    a = incident_of(client, "generic", generic("m-1"))
    source = a if target == "self" else 9999
    assert client.post(f"/api/v1/incidents/{a}/merge", json={"from_incident_id": source}).status_code in (404, 422)


def test_split_moves_alerts_to_a_new_triage_incident(client):
    a = incident_of(client, "generic", generic("s-1"))
    incident_of(client, "generic", generic("s-2"))
    alerts = client.get(f"/api/v1/incidents/{a}/alerts").json()
    assert len(alerts) == 2
    moved = alerts[1]["id"]
    response = client.post(f"/api/v1/incidents/{a}/split", json={"alert_ids": [moved], "title": "Separate event"})
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["state"] == "triage" and new["title"] == "Separate event"
    assert [x["id"] for x in client.get(f"/api/v1/incidents/{new['id']}/alerts").json()] == [moved]
    assert [x["id"] for x in client.get(f"/api/v1/incidents/{a}/alerts").json()] == [alerts[0]["id"]]


def test_split_refuses_alerts_of_another_incident(client):
    a = incident_of(client, "generic", generic("s-1", rule="one"))
    b = incident_of(client, "generic", generic("s-2", rule="two"))
    other = client.get(f"/api/v1/incidents/{b}/alerts").json()[0]["id"]
    response = client.post(f"/api/v1/incidents/{a}/split", json={"alert_ids": [other], "title": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "alert_ids"]


def test_incidents_opened_in_one_batch_keep_the_audit_chain_intact(app, client):
    import concurrent.futures

    from sqlmodel import Session

    from notifier.audit.chain import verify

    bodies = [generic(f"chain-{i}", rule=f"rule-{i}") for i in range(30)]
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda b: post_alert(client, "generic", b), bodies))
    assert len({a.json()["incident_id"] for a in answers}) == 30
    with Session(app.state.engine) as s:
        result = verify(s)
    assert result.ok and result.records == 30
