"""One instant type for all input: an offset is required, the value lies in 1990-01-01..2100-01-01 UTC, and fields
that record what happened refuse the future. Outside: 422 naming the field (CLI: exit 2 naming the flag)."""

import pytest
from freezegun import freeze_time
from sqlmodel import Session, func, select

from notifier.incidents.models import Incident
from tests.conftest import new_incident, post_event, put_organisation
from tests.core.test_cli import run

NOW = "2026-11-25T12:00:00Z"
OUT_OF_RANGE = [
    "0001-01-01T00:00:00+01:00",  # was a 500 on POST /incidents (no UTC instant exists for it)
    "9999-12-31T23:00:00-12:00",  # the same at the other end
    "1989-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
]


def incident_count(app) -> int:
    with Session(app.state.engine) as s:
        return s.exec(select(func.count()).select_from(Incident)).one()


def names(response, field: str) -> bool:
    return any(field in [str(p) for p in e["loc"]] for e in response.json()["detail"])


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_create_incident_refuses_an_implausible_detected_at(client, app, value):
    with freeze_time(NOW):
        answer = client.post("/api/v1/incidents", json={"title": "x", "detected_at": value})
    assert answer.status_code == 422, answer.text
    assert names(answer, "detected_at"), answer.text
    assert incident_count(app) == 0


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_facts_patch_refuses_an_implausible_instant(client, value):
    with freeze_time(NOW):
        incident = new_incident(client)
        answer = client.patch(f"/api/v1/incidents/{incident['id']}/facts", json={"ended_at": value})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["body", "ended_at"]
        assert "ended_at" not in client.get(f"/api/v1/incidents/{incident['id']}/facts").json()["facts"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_events_refuse_an_implausible_instant(client, value):
    with freeze_time(NOW):
        put_organisation(client)
        incident = new_incident(client)
        answer = client.post(
            f"/api/v1/incidents/{incident['id']}/events",
            json={"type": "cbw.significant", "aware_at": value, "reasoning": "x"},
        )
        assert answer.status_code == 422, answer.text
        assert names(answer, "aware_at"), answer.text
        track = client.get(f"/api/v1/incidents/{incident['id']}").json()["tracks"]
        assert all(t["aware_at"] is None for t in track)


def test_an_instant_is_answered_in_the_zone_and_stored_in_utc(client, app):
    with freeze_time(NOW):
        put_organisation(client)
        incident = new_incident(client, detected_at="2026-11-25T05:00:00-05:00")
    assert incident["detected_at"] == "2026-11-25T11:00:00+01:00"


def test_processor_link_refuses_an_implausible_instant(client):
    with freeze_time(NOW):
        put_organisation(client)
        incident = new_incident(client)
        processor = client.post(
            "/api/v1/processors",
            json={
                "name": "P",
                "notification_term_hours": 4,
                "contacts": [{"level": 1, "name": "S", "email": "s@p.example"}],
            },
        ).json()
        answer = client.post(
            f"/api/v1/incidents/{incident['id']}/processors",
            json={"processor_id": processor["id"], "processor_aware_at": "1900-01-01T00:00:00Z"},
        )
    assert answer.status_code == 422, answer.text
    assert names(answer, "processor_aware_at"), answer.text


def test_resolved_event_refuses_year_one(client):
    with freeze_time(NOW):
        incident = new_incident(client)
        post_event(client, incident["id"], expect=422, type="incident.resolved", resolved_at=OUT_OF_RANGE[0])


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--aware-at", "0001-01-01T00:00:00+01:00"),
        ("--notification-submitted-at", "1900-01-01T00:00:00Z"),
        ("--resolved-at", "2200-01-01T00:00:00Z"),
    ],
)
def test_cli_deadlines_refuses_an_implausible_instant_with_exit_2(flag, value):
    args = ["deadlines", "--regime", "cbw", "--aware-at", "2026-11-23T09:00:00+01:00", "--json"]
    if flag == "--aware-at":
        args[4] = value
    else:
        args += [flag, value]
    result = run(*args)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0] and "range" in lines[0], result.stderr
