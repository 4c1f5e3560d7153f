"""Rendering never fails on a stored instant: data stored before the range check (year 1, year 9999) is shown as
stored and flagged, in zones east and west of UTC (where year 1 or 9999 cannot be shifted at all)."""

import json
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import JSON, bindparam, text
from sqlmodel import Session

from notifier.db_types import UTCDateTime
from tests.conftest import AUTH, new_incident, post_event, put_organisation
from tests.intake.conftest import INTAKE_AUTH, INTAKE_TOKEN, generic

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
YEAR_1 = datetime(1, 1, 1, 0, 30, tzinfo=UTC)
YEAR_9999 = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"intake_token": INTAKE_TOKEN, "intake_writer": "thread"})


def _store_out_of_range(app, incident_id: int, alert_id: int) -> None:
    """Writes what older versions accepted, with raw SQL (typed parameters so it works on SQLite and PostgreSQL)."""
    instant = bindparam("v", type_=UTCDateTime())
    with Session(app.state.engine) as s:
        s.execute(
            text("UPDATE incident SET detected_at = :v WHERE id = :i").bindparams(instant),
            {"v": YEAR_1, "i": incident_id},
        )
        s.execute(
            text("UPDATE intake_alert SET observed_at = :v WHERE id = :i").bindparams(instant),
            {"v": YEAR_9999, "i": alert_id},
        )
        facts = s.execute(text("SELECT facts FROM incident WHERE id = :i"), {"i": incident_id}).scalar_one()
        facts = facts if isinstance(facts, dict) else json.loads(facts or "{}")  # SQLite hands back text
        facts.update(started_at="9999-12-31T23:30:00+00:00", ended_at="0001-01-01T00:30:00+00:00")
        s.execute(
            text("UPDATE incident SET facts = :f WHERE id = :i").bindparams(bindparam("f", type_=JSON())),
            {"f": facts, "i": incident_id},
        )
        s.commit()


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/Los_Angeles"])
def test_pages_and_registers_show_stored_out_of_range_instants_flagged(app, client, signed_in, zone):
    with freeze_time(NOW):
        put_organisation(client, timezone=zone)
        received = client.post("/api/v1/intake/generic", json=generic("old-1"), headers=INTAKE_AUTH)
        assert received.status_code == 202, received.text
        incident_id, alert_id = received.json()["incident_id"], received.json()["alert_id"]
        post_event(client, incident_id, type="avg.breach", aware_at="2026-11-24T08:00:00Z", risk="high", reasoning="x")
        post_event(client, incident_id, type="cbw.significant", aware_at="2026-11-24T08:00:00Z", reasoning="y")
        other = new_incident(client, title="Alles in orde")
        _store_out_of_range(app, incident_id, alert_id)
        web, _ = signed_in("officer")

        api = [
            f"/api/v1/incidents/{incident_id}",
            "/api/v1/incidents",
            f"/api/v1/incidents/{incident_id}/alerts",
            f"/api/v1/incidents/{incident_id}/facts",
            f"/api/v1/incidents/{incident_id}/submissions/avg/ap_notification",
            f"/api/v1/incidents/{incident_id}/submissions/cbw/early_warning?lang=en",
            f"/api/v1/incidents/{incident_id}/submissions/avg/ap_notification/print",
            f"/api/v1/incidents/{incident_id}/submissions/avg/ap_notification/pdf",
            "/api/v1/register/breaches",
            "/api/v1/register/breaches?format=csv",
        ]
        for path in api:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        for path in ["/", f"/incidents/{incident_id}", f"/incidents/{other['id']}"]:
            answer = web.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])

        # As stored (the year is there), flagged.
        [alert] = client.get(f"/api/v1/incidents/{incident_id}/alerts").json()
        assert alert["observed_at"].startswith("9999-12-31") and "(out of range)" in alert["observed_at"]
        incident = client.get(f"/api/v1/incidents/{incident_id}").json()
        assert incident["detected_at"].startswith("0001-01-01")
        register = client.get("/api/v1/register/breaches").json()
        [row] = [r for r in register if r["incident_id"] == incident_id]
        assert "9999" in str(row["started_at"]) and "(out of range)" in str(row["started_at"])
        csv = client.get("/api/v1/register/breaches?format=csv").text
        assert "9999-12-31" in csv and "(out of range)" in csv
        draft = client.get(f"/api/v1/incidents/{incident_id}/submissions/cbw/early_warning?lang=en").json()
        assert "9999" in draft["text"] and "(out of range)" in draft["text"]
        page = web.get(f"/incidents/{incident_id}").text
        assert "9999" in page and ("(out of range)" in page or "(buiten bereik)" in page)

        # Filing a submission with such a fact still works and keeps the value as stored.
        filed = client.post(
            f"/api/v1/incidents/{incident_id}/events",
            json={"type": "avg.submitted", "stage": "ap_notification", "submitted_at": "2026-11-25T11:00:00Z"},
            headers=AUTH,
        )
        assert filed.status_code == 200, filed.text
        [entry] = client.get(f"/api/v1/incidents/{incident_id}/submissions").json()
        assert "9999" in entry["text"]
        for path in [
            f"/api/v1/incidents/{incident_id}/submissions/filed/{entry['id']}/print",
            f"/api/v1/incidents/{incident_id}/submissions/filed/{entry['id']}/pdf",
            "/api/v1/register/breaches",
            "/api/v1/register/breaches?format=csv",
        ]:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
