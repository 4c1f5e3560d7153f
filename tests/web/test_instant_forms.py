"""The officer's web forms apply the one instant rule (notifier.instants): a value outside 1990-01-01..2100-01-01 UTC
is refused with the page again (HTTP 422, input kept, field marked), never a JSON body and never stored. Year 1 in a
datetime-local field used to overflow in the zone conversion and answer a JSON 422 instead of the form."""

import pytest
from freezegun import freeze_time

from tests.conftest import new_incident, put_organisation
from tests.web.test_pages import errors

NOW = "2026-11-25T12:00:00Z"
BAD = ["0001-01-01T00:00", "1989-12-31T00:00", "9999-12-31T23:59"]


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/Los_Angeles"])
@pytest.mark.parametrize("value", BAD)
def test_facts_form_refuses_an_implausible_instant_with_the_page(client, signed_in, zone, value):
    with freeze_time(NOW):
        put_organisation(client, timezone=zone)
        incident = new_incident(client)
        web, token = signed_in("officer")
        page = web.post(
            f"/incidents/{incident['id']}/facts",
            data={"csrf_token": token, "fact_ended_at": value, "fact_nature": "Encrypted file servers"},
        )
        assert page.status_code == 422, page.text[:300]
        assert page.headers["content-type"].startswith("text/html")
        assert "fact_ended_at" in errors(page.text), errors(page.text)
        assert f'value="{value}"' in page.text and "Encrypted file servers" in page.text
        assert client.get(f"/api/v1/incidents/{incident['id']}/facts").json()["facts"] == {}


@pytest.mark.parametrize("value", BAD)
def test_event_form_refuses_an_implausible_instant_with_the_page(client, signed_in, value):
    with freeze_time(NOW):
        put_organisation(client, timezone="America/Los_Angeles")
        incident = new_incident(client)
        web, token = signed_in("officer")
        page = web.post(
            f"/incidents/{incident['id']}/events",
            data={"csrf_token": token, "type": "cbw.significant", "aware_at": value, "reasoning": "EPD down"},
        )
        assert page.status_code == 422, page.text[:300]
        assert page.headers["content-type"].startswith("text/html")
        assert any(k.endswith("aware_at") for k in errors(page.text)), errors(page.text)
        tracks = client.get(f"/api/v1/incidents/{incident['id']}").json()["tracks"]
        assert all(t["aware_at"] is None for t in tracks)


def test_new_incident_form_refuses_year_one(client, signed_in):
    with freeze_time(NOW):
        put_organisation(client, timezone="America/Los_Angeles")
        web, token = signed_in("officer")
        page = web.post(
            "/incidents/new",
            data={"csrf_token": token, "title": "Spam", "detected_at": "0001-01-01T00:00", "summary": "s"},
        )
        assert page.status_code == 422, page.text[:300]
        assert "detected_at" in errors(page.text)
        assert client.get("/api/v1/incidents").json() == []
