from freezegun import freeze_time

from tests.conftest import deadline, new_incident, post_event, put_organisation


def test_healthz_is_public(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as anonymous:
        assert anonymous.get("/healthz").json() == {"status": "ok"}
        assert anonymous.get("/api/v1/incidents").status_code == 401


@freeze_time("2026-11-23T09:00:00Z")
def test_significant_incident_gets_its_deadlines(client):
    put_organisation(client)
    incident = new_incident(client)
    incident = post_event(
        client, incident["id"], type="cbw.significant", aware_at="2026-11-23T08:30:00Z", reasoning="EPD onbeschikbaar"
    )
    assert incident["state"] == "open"
    assert deadline(incident, "cbw", "early_warning")["due"] == "2026-11-24T09:30:00+01:00"
