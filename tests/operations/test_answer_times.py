"""Issue 13 section 3, "one time format in answers": every instant an API answer states is ISO 8601 with the
organisation's offset. Datetime facts are stored in UTC and stay UTC inside a report's JSON (what is filed); only
the facts endpoint and the incident answer show them in the organisation's offset."""

import re

from freezegun import freeze_time

from tests.conftest import new_incident, post_event, put_organisation

ISO_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
NOVEMBER = "+01:00"  # Europe/Amsterdam in November


def _instants(value, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _instants(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _instants(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) and ISO_INSTANT.match(value) else []


@freeze_time("2026-11-16T08:00:00Z")
def test_datetime_facts_are_answered_in_the_organisations_offset(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    patched = client.patch(f"/api/v1/incidents/{iid}/facts", json={"started_at": "2026-11-16T06:00:00Z"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["facts"]["started_at"] == "2026-11-16T07:00:00+01:00"
    read = client.get(f"/api/v1/incidents/{iid}/facts")
    assert read.json()["facts"]["started_at"] == "2026-11-16T07:00:00+01:00"
    assert read.headers["etag"] == patched.headers["etag"]
    assert client.get(f"/api/v1/incidents/{iid}").json()["facts"]["started_at"] == "2026-11-16T07:00:00+01:00"
    assert client.get("/api/v1/incidents").json()[0]["facts"]["started_at"] == "2026-11-16T07:00:00+01:00"
    # What is filed is unchanged: the report's JSON keeps the UTC form of docs/submission-schema.md.
    post_event(client, iid, type="cbw.significant", aware_at="2026-11-16T07:10:00Z", reasoning="EPD down")
    draft = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning").json()
    assert draft["json"]["facts"]["started_at"] == "2026-11-16T06:00:00+00:00"
    # An answer read back can be written back: the local form is accepted and means the same instant.
    again = client.patch(f"/api/v1/incidents/{iid}/facts", json=read.json()["facts"])
    assert again.status_code == 200 and again.headers["etag"] == read.headers["etag"]


@freeze_time("2026-11-16T08:00:00Z")
def test_no_api_answer_states_an_instant_in_another_offset(client):
    put_organisation(client)
    iid = new_incident(client, detected_at="2026-11-16T07:00:00Z")["id"]
    client.patch(f"/api/v1/incidents/{iid}/facts", json={"started_at": "2026-11-16T06:00:00Z"})
    processor = client.post(
        "/api/v1/processors",
        json={
            "name": "NimbusCloud B.V.",
            "notification_term_hours": 4,
            "contacts": [{"level": 1, "name": "Servicedesk", "email": "servicedesk@nimbus.example"}],
        },
    ).json()
    client.post(
        f"/api/v1/incidents/{iid}/processors",
        json={"processor_id": processor["id"], "processor_aware_at": "2026-11-16T07:30:00Z"},
    )
    client.post(f"/api/v1/incidents/{iid}/assessments", json={"answers": {"unavailable_minutes": 45}})
    post_event(client, iid, type="cbw.significant", aware_at="2026-11-16T07:10:00Z", reasoning="EPD down")
    post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-11-16T07:55:00Z")
    post_event(client, iid, type="avg.breach", aware_at="2026-11-16T07:50:00Z", risk="high", reasoning="x")
    post_event(client, iid, type="cbw.intermediate_requested", due="2026-11-20T12:00:00Z", requested_by="NCSC")
    assert client.post("/api/v1/calendar/token").status_code == 200
    answers = [
        "/api/v1/organisation",
        "/api/v1/incidents",
        f"/api/v1/incidents/{iid}",
        f"/api/v1/incidents/{iid}/facts",
        f"/api/v1/incidents/{iid}/assessments",
        f"/api/v1/incidents/{iid}/assessments/1",
        f"/api/v1/incidents/{iid}/submissions",
        f"/api/v1/incidents/{iid}/processors",
        "/api/v1/register/breaches",
        "/api/v1/processors",
        "/api/v1/processors/report",
        f"/api/v1/processors/{processor['id']}/report",
    ]
    seen = 0
    for url in answers:
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        if isinstance(body, dict):  # a filed or drafted report's `json` is the filed copy, UTC by its schema
            body = {k: v for k, v in body.items() if k != "json"}
        else:
            body = [{k: v for k, v in item.items() if k != "json"} if isinstance(item, dict) else item for item in body]
        found = _instants(body)
        seen += len(found)
        assert [f for f in found if not f[1].endswith(NOVEMBER)] == [], url
    assert seen >= 30
