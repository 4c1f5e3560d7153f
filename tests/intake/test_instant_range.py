"""Every intake source applies the one instant rule in the request: an offset is required and the value lies in
1990-01-01..2100-01-01 UTC. Outside: 422 naming the field, nothing stored, never 503 (a SIEM retries a 503
forever). Found: a generic alert with observed_at in year 9999 was stored; year 1 with an offset was a 503."""

import copy

import pytest

from tests.intake import payloads
from tests.intake.conftest import alert_count, generic, post_alert


def _set(body: dict, path: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node[key]
    node[last] = value
    return body


# source -> (a realistic body, where its time lives, the field the 422 names)
SOURCES = {
    "generic": (generic(), "observed_at", "observed_at"),
    "splunk": (payloads.SPLUNK, "result._time", "result._time"),
    "elastic": (payloads.ELASTIC, "context.timestamp", "context.timestamp"),
    "sentinel": (
        _set(payloads.SENTINEL, "object.properties.firstActivityTimeUtc", None),
        "object.properties.createdTimeUtc",
        "object.properties.createdTimeUtc",
    ),
    "wazuh": (payloads.WAZUH, "timestamp", "timestamp"),
    "graylog": (payloads.GRAYLOG, "event.timestamp", "event.timestamp"),
    "thehive": (payloads.THEHIVE, "startDate", "startDate"),
}
BAD = {
    "year 9999 west of UTC": "9999-12-31T23:00:00-12:00",
    "year 1 east of UTC": "0001-01-01T00:00:00+01:00",
    "before 1990": "1989-12-31T23:59:59Z",
    "from 2100": "2100-01-01T00:00:00Z",
    "no offset": "2026-11-23T09:12:44",
}


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("source", list(SOURCES))
def test_an_implausible_time_is_422_naming_the_field_and_nothing_is_stored(client, app, source, case):
    body, path, field = SOURCES[source]
    answer = post_alert(client, source, _set(body, path, BAD[case]))
    assert answer.status_code == 422, (answer.status_code, answer.text)
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", *field.split(".")], problem
    assert alert_count(app) == 0


@pytest.mark.parametrize("source", ["splunk", "thehive"])
def test_an_epoch_before_1990_is_refused(client, app, source):
    body, path, field = SOURCES[source]
    answer = post_alert(client, source, _set(body, path, 600_000_000))  # 1989-01-05 in epoch seconds
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", *field.split(".")]
    assert alert_count(app) == 0


@pytest.mark.parametrize("source", list(SOURCES))
def test_a_plausible_time_with_an_offset_is_stored_in_utc(client, app, source):
    body, path, _ = SOURCES[source]
    answer = post_alert(client, source, _set(body, path, "2026-11-23T10:12:44+01:00"))
    assert answer.status_code == 202, answer.text
    [alert] = client.get(f"/api/v1/incidents/{answer.json()['incident_id']}/alerts").json()
    assert alert["observed_at"].startswith("2026-11-23T10:12:44")  # in the zone; the instant is 09:12:44Z


def test_sentinel_names_the_field_the_time_came_from(client, app):
    body = _set(payloads.SENTINEL, "object.properties.firstActivityTimeUtc", "1989-01-01T00:00:00Z")
    answer = post_alert(client, "sentinel", body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "object", "properties", "firstActivityTimeUtc"]
    assert alert_count(app) == 0
