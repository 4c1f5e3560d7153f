"""Arbitrary JSON to every adapter endpoint: an answer from the documented set, never a 500."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifier.intake.adapters import SOURCES
from tests.intake.conftest import INTAKE_AUTH

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip
KEYS = ["id", "_id", "sid", "title", "severity", "priority", "level", "timestamp", "startDate", "observed_at",
        "object", "event", "rule", "alert", "context", "result", "agent", "properties", "uuid",
        "incident_key"]  # fmt: skip
# Bodies shaped like the tools' payloads reach deeper into the adapters than random dictionaries.
shaped = st.recursive(
    scalars,
    lambda inner: st.dictionaries(st.sampled_from(KEYS), inner, max_size=6) | st.lists(inner, max_size=3),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(SOURCES), body=json_values | shaped)
def test_arbitrary_json_never_gives_a_500(client, source, body):
    content = json.dumps(body).encode()  # httpx sends no body at all for json=None
    response = client.post(f"/api/v1/intake/{source}", content=content, headers=INTAKE_AUTH)
    assert response.status_code in (200, 202, 422), response.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(SOURCES), body=st.binary(max_size=200))
def test_arbitrary_bytes_never_give_a_500(client, source, body):
    response = client.post(f"/api/v1/intake/{source}", content=body, headers=INTAKE_AUTH)
    assert response.status_code in (200, 202, 400, 422), response.text


def test_lone_surrogates_and_nul_in_json_escapes_are_stored_safely(client):
    body = (
        b'{"id": "\\ud800-1", "rule": {"level": 12, "description": "nul \\u0000 here"}, "agent": {"name": "\\udfff"}}'
    )
    response = client.post("/api/v1/intake/wazuh", content=body, headers=INTAKE_AUTH)
    assert response.status_code == 202, response.text
    alerts = client.get(f"/api/v1/incidents/{response.json()['incident_id']}/alerts").json()
    assert alerts[0]["title"] == "nul \\x00 here"
    again = client.post("/api/v1/intake/wazuh", content=body, headers=INTAKE_AUTH)
    assert again.status_code == 200 and again.json()["duplicate"] is True
