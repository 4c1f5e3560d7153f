"""End to end over the HTTP API under frozen time: one incident through both regimes, and the refusals."""

import re

from freezegun import freeze_time

from tests.conftest import deadline, new_incident, post_event, put_organisation


def statuses(incident: dict) -> dict[str, str]:
    return {
        f"{d['regime']}.{d['stage']}" + (f"#{d['sequence']}" if d["sequence"] else ""): d["status"]
        for d in incident["deadlines"]
    }


def test_hospital_incident_through_both_regimes(client):
    with freeze_time("2026-03-27T12:00:00Z") as frozen:
        put_organisation(client)
        incident = new_incident(client, detected_at="2026-03-27T07:40:00+01:00")
        iid = incident["id"]
        assert incident["state"] == "triage" and incident["deadlines"] == []

        incident = post_event(
            client,
            iid,
            type="cbw.significant",
            aware_at="2026-03-27T09:00:00+01:00",
            reasoning="EPD landelijk onbereikbaar; zorgprocessen verstoord",
        )
        assert incident["state"] == "open"
        assert deadline(incident, "cbw", "early_warning")["due"] == "2026-03-28T09:00:00+01:00"
        # 72 elapsed hours across the spring-forward night: the wall clock shows 10:00 CEST.
        assert deadline(incident, "cbw", "incident_notification")["due"] == "2026-03-30T10:00:00+02:00"
        assert deadline(incident, "cbw", "final_report")["provisional"] is True

        # The AVG clock has its own awareness, later than the Cbw one.
        incident = post_event(
            client,
            iid,
            type="avg.breach",
            aware_at="2026-03-27T12:30:00+01:00",
            risk="high",
            reasoning="Patiëntgegevens mogelijk ingezien (gezondheidsgegevens)",
        )
        assert deadline(incident, "avg", "ap_notification")["due"] == "2026-03-30T13:30:00+02:00"

        frozen.move_to("2026-03-28T07:00:00Z")
        incident = post_event(
            client,
            iid,
            type="cbw.submitted",
            stage="early_warning",
            submitted_at="2026-03-28T07:55:00+01:00",
            reference="NCSC-2026-0412",
        )
        assert statuses(incident)["cbw.early_warning"] == "met"
        assert [t["state"] for t in incident["tracks"] if t["regime"] == "cbw"] == ["notification_due"]

        frozen.move_to("2026-03-30T11:40:00Z")  # after both 72 h deadlines
        incident = client.get(f"/api/v1/incidents/{iid}").json()
        assert statuses(incident)["cbw.incident_notification"] == "overdue"
        assert statuses(incident)["avg.ap_notification"] == "overdue"

        frozen.move_to("2026-03-30T12:00:00Z")
        late = client.post(
            f"/api/v1/incidents/{iid}/events",
            json={"type": "avg.submitted", "stage": "ap_notification", "submitted_at": "2026-03-30T13:45:00+02:00"},
        )
        assert late.status_code == 422
        assert late.json()["detail"][0]["loc"][-1] == "delay_reason"
        incident = post_event(
            client,
            iid,
            type="avg.submitted",
            stage="ap_notification",
            submitted_at="2026-03-30T13:45:00+02:00",
            reference="AP-MLD-88812",
            delay_reason="Omvang pas na forensisch onderzoek van de verwerker bekend",
        )
        assert statuses(incident)["avg.ap_notification"] == "late"

        incident = post_event(
            client,
            iid,
            type="cbw.submitted",
            stage="incident_notification",
            submitted_at="2026-03-30T13:50:00+02:00",
            reference="NCSC-2026-0412-2",
        )
        assert statuses(incident)["cbw.incident_notification"] == "late"
        final = deadline(incident, "cbw", "final_report")
        assert final["due"] == "2026-04-30T13:50:00+02:00" and final["provisional"] is False

        frozen.move_to("2026-04-10T08:00:00Z")
        incident = post_event(
            client, iid, type="cbw.intermediate_requested", due="2026-04-14T17:00:00+02:00", requested_by="Z-CERT"
        )
        assert deadline(incident, "cbw", "intermediate_report", 1)["status"] == "open"
        frozen.move_to("2026-04-14T15:00:00Z")
        incident = post_event(
            client, iid, type="cbw.submitted", stage="intermediate_report", submitted_at="2026-04-14T16:00:00+02:00"
        )
        assert statuses(incident)["cbw.intermediate_report#1"] == "met"

        frozen.move_to("2026-05-02T08:00:00Z")
        # Still ongoing when the final report fell due: a progress report instead, final waits for resolution.
        incident = post_event(
            client, iid, type="cbw.submitted", stage="progress_report", submitted_at="2026-04-30T09:00:00+02:00"
        )
        assert statuses(incident)["cbw.progress_report"] == "met"
        assert deadline(incident, "cbw", "final_report")["due"] is None

        frozen.move_to("2026-05-20T08:00:00Z")
        incident = post_event(client, iid, type="incident.resolved", resolved_at="2026-05-19T18:00:00+02:00")
        assert incident["state"] == "resolved"  # the Cbw final report is still owed
        assert deadline(incident, "cbw", "final_report")["due"] == "2026-06-19T18:00:00+02:00"
        assert deadline(incident, "cbw", "progress_report")["due"] == "2026-04-30T13:50:00+02:00"

        incident = post_event(
            client,
            iid,
            type="cbw.submitted",
            stage="final_report",
            submitted_at="2026-05-20T09:30:00+02:00",
            reference="NCSC-2026-0412-E",
        )
        assert incident["state"] == "closed"
        assert statuses(incident)["cbw.final_report"] == "met"

        # AVG follow-ups are still possible once notified.
        incident = post_event(
            client, iid, type="avg.submitted", stage="follow_up", submitted_at="2026-05-20T09:45:00+02:00"
        )
        assert [t["state"] for t in incident["tracks"] if t["regime"] == "avg"] == ["notified"]

        audit = client.get(f"/api/v1/incidents/{iid}/audit").json()
        types = [a["event_type"] for a in audit]
        assert types[0] == "incident.created"
        assert types.count("cbw.submitted") == 5 and "incident.resolved" in types
        late_record = next(a for a in audit if a["payload"].get("stage") == "ap_notification")
        assert late_record["reason"].startswith("Omvang pas")
        assert late_record["previous_state"] == {"incident": "open", "avg": "notification_due"}
        assert late_record["new_state"] == {"incident": "open", "avg": "notified"}
        assert all(a["actor"] == "api:bootstrap-admin" for a in audit)
        assert all(
            b["prev_hash"] == a["hash"] for a, b in zip(audit, audit[1:], strict=False) if b["seq"] == a["seq"] + 1
        )


@freeze_time("2026-06-01T10:00:00Z")
def test_not_allowed_event_is_409_naming_state_and_allowed_events(client):
    iid = new_incident(client)["id"]
    response = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.submitted", "stage": "early_warning", "submitted_at": "2026-06-01T09:00:00Z"},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current_state"] == "pending"
    assert body["allowed_events"] == ["cbw.not_significant", "cbw.significant"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    again = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.significant", "aware_at": "2026-06-01T08:00:00Z", "reasoning": "twice"},
    )
    assert again.status_code == 409 and again.json()["current_state"] == "early_warning_due"
    skip = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.submitted", "stage": "final_report", "submitted_at": "2026-06-01T09:00:00Z"},
    )
    assert skip.status_code == 409
    assert "cbw.submitted(stage=early_warning)" in skip.json()["allowed_events"]
    # A refused event changes nothing and writes no audit record.
    audit = client.get(f"/api/v1/incidents/{iid}/audit").json()
    assert [a["event_type"] for a in audit] == ["incident.created", "cbw.significant"]


@freeze_time("2026-06-01T10:00:00Z")
def test_malformed_events_are_422_naming_the_field(client):
    iid = new_incident(client)["id"]

    def problem(body):
        response = client.post(f"/api/v1/incidents/{iid}/events", json=body)
        assert response.status_code == 422, response.text
        return [str(e["loc"][-1]) for e in response.json()["detail"]]

    assert "aware_at" in problem({"type": "cbw.significant", "reasoning": "x"})
    assert "aware_at" in problem({"type": "cbw.significant", "aware_at": "2026-06-01T08:00:00", "reasoning": "x"})
    assert "aware_at" in problem({"type": "cbw.significant", "aware_at": "2026-06-02T08:00:00Z", "reasoning": "x"})
    assert "reasoning" in problem({"type": "cbw.significant", "aware_at": "2026-06-01T08:00:00Z", "reasoning": ""})
    assert "risk" in problem(
        {"type": "avg.breach", "aware_at": "2026-06-01T08:00:00Z", "risk": "huge", "reasoning": "x"}
    )
    assert "type" in problem({"type": "cbw.exploded"})
    assert "stage" in problem({"type": "cbw.submitted", "stage": "postcard", "submitted_at": "2026-06-01T08:00:00Z"})
    assert "surprise" in problem({"type": "incident.resolved", "resolved_at": "2026-06-01T08:00:00Z", "surprise": 1})
    assert client.get(f"/api/v1/incidents/{iid}").json()["state"] == "triage"


@freeze_time("2026-06-01T10:00:00Z")
def test_submission_before_awareness_and_request_without_due_are_refused(client):
    iid = new_incident(client)["id"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    early = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.submitted", "stage": "early_warning", "submitted_at": "2026-06-01T07:00:00Z"},
    )
    assert early.status_code == 422 and early.json()["detail"][0]["loc"][-1] == "submitted_at"
    post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-06-01T09:00:00Z")
    unasked = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.submitted", "stage": "intermediate_report", "submitted_at": "2026-06-01T09:30:00Z"},
    )
    assert unasked.status_code == 409
    past = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.intermediate_requested", "due": "2026-05-01T09:30:00Z", "requested_by": "NCSC"},
    )
    assert past.status_code == 422 and past.json()["detail"][0]["loc"][-1] == "due"


@freeze_time("2026-06-01T10:00:00Z")
def test_not_significant_and_no_risk_breach_are_recorded_with_reasoning(client):
    iid = new_incident(client)["id"]
    incident = post_event(client, iid, type="cbw.not_significant", reasoning="Eén werkplek, geen dienstverstoring")
    incident = post_event(
        client,
        iid,
        type="avg.breach",
        aware_at="2026-06-01T09:00:00Z",
        risk="none",
        reasoning="Versleutelde laptop verloren; sleutel niet gecompromitteerd",
    )
    tracks = {t["regime"]: t for t in incident["tracks"]}
    assert tracks["cbw"]["state"] == "not_significant"
    assert tracks["cbw"]["reasoning"].startswith("Eén werkplek")
    assert tracks["avg"]["state"] == "not_notifiable" and tracks["avg"]["declaration"] == {"risk": "none"}
    assert incident["deadlines"] == [] and incident["state"] == "triage"
    incident = post_event(client, iid, type="incident.resolved", resolved_at="2026-06-01T09:30:00Z")
    assert incident["state"] == "closed"
    again = client.post(
        f"/api/v1/incidents/{iid}/events", json={"type": "incident.resolved", "resolved_at": "2026-06-01T09:30:00Z"}
    )
    assert again.status_code == 409


@freeze_time("2026-06-01T10:00:00Z")
def test_trust_service_provider_gets_24_hours(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="trust_service", staff_count=40)
    iid = new_incident(client)["id"]
    incident = post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    assert deadline(incident, "cbw", "incident_notification")["due"] == "2026-06-02T10:00:00+02:00"


@freeze_time("2026-06-01T10:00:00Z")
def test_list_filter_and_404(client):
    a = new_incident(client, title="A")["id"]
    new_incident(client, title="B")
    post_event(client, a, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    open_ones = client.get("/api/v1/incidents", params={"state": "open"}).json()
    assert [i["title"] for i in open_ones] == ["A"]
    assert len(client.get("/api/v1/incidents").json()) == 2
    assert client.get("/api/v1/incidents", params={"state": "bogus"}).status_code == 422
    assert client.get("/api/v1/incidents/999").status_code == 404
    assert (
        client.post("/api/v1/incidents/999/events", json={"type": "cbw.not_significant", "reasoning": "x"}).status_code
        == 404
    )
    assert client.post("/api/v1/incidents", json={"title": ""}).status_code == 422


def test_every_api_endpoint_needs_the_token(app):
    from fastapi.testclient import TestClient

    from tests.routing import all_routes

    checked = 0
    with TestClient(app) as anonymous:
        for path, methods, _ in all_routes(app.routes):
            if not path.startswith("/api/v1/") or path.startswith("/api/v1/intake/"):
                continue  # intake has its own credentials (tests/intake)
            url = path.replace("{incident_id}", "1").replace("{regime}", "cbw").replace("{stage}", "early_warning")
            url = re.sub(r"\{[^}]+\}", "1", url)
            for method in methods - {"HEAD", "OPTIONS"}:
                for headers in ({}, {"Authorization": "Bearer wrong"}):
                    response = anonymous.request(method, url, headers=headers)
                    assert response.status_code == 401, (method, url, response.status_code)
                    checked += 1
    assert checked > 40


@freeze_time("2026-06-01T10:00:00Z")
def test_resolved_before_the_earliest_awareness_is_422_naming_resolved_at(client):
    iid = new_incident(client)["id"]
    post_event(client, iid, type="cbw.significant", aware_at="2026-06-01T08:00:00Z", reasoning="x")
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T06:00:00Z", risk="risk", reasoning="y")
    response = client.post(
        f"/api/v1/incidents/{iid}/events", json={"type": "incident.resolved", "resolved_at": "2026-06-01T05:59:00Z"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "resolved_at"]
    assert client.get(f"/api/v1/incidents/{iid}").json()["state"] == "open"
    # between the two awareness times is fine: the earliest one counts
    post_event(client, iid, type="incident.resolved", resolved_at="2026-06-01T07:00:00Z")
