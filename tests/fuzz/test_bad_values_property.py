"""Property: out-of-range instants, huge integers, non-finite numbers and text no database can hold, put into any
field of a valid body for every write endpoint of the API, every SIEM intake source and the processor reply page,
are never answered 5xx, and a refusal (4xx) stores nothing: every table reads the same before and after.

The bodies start valid (the endpoint would accept them), so the bad value is what is tested, not a missing field.
Every write operation in the OpenAPI schema must have a body here: a new endpoint without one fails the test.
Examples per test are bounded for CI (BAD_VALUE_SCALE=10 runs ten times as many).
"""

import hashlib
import json
import os
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, select

from notifier import clock
from notifier.processors import links
from tests.conftest import AUTH, HOSPITAL
from tests.intake import payloads
from tests.intake.conftest import INTAKE_AUTH, generic
from tests.intake.conftest import settings as settings  # fixture: the app with an intake token
from tests.processors.test_processor_chase import CLOUD

PRODUCT = {"name": "Infuuspomp IP-7", "version": "1.0", "member_states": ["NL", "BE"]}
SCALE = float(os.environ.get("BAD_VALUE_SCALE", "1"))


def run(examples: int):  # noqa: ANN201
    return hypothesis_settings(
        max_examples=int(examples * SCALE),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


class Raw:
    """A JSON literal json.dumps cannot write: an integer of more digits than Python converts, or 1e999."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:12]}...)"


INSTANTS = st.sampled_from(
    [
        "9999-12-31T23:00-12:00",
        "9999-12-31T23:59:59.999999+00:00",
        "0001-01-01T00:00+01:00",
        "0001-01-01T00:00:00Z",
        "1900-01-01T00:00:00+00:00",
        "2100-01-02T00:00:00+00:00",
        "2026-11-23T09:00",  # no offset
        "2026-02-30T09:00+01:00",
        "+002026-11-23T09:00Z",
    ]
)
HUGE_INTEGERS = st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**100, -1, -(10**30)]) | st.sampled_from(
    [Raw("9" * 4301), Raw("-" + "1" * 5000), Raw("1e999"), Raw("-1e999"), Raw("NaN"), Raw("Infinity")]
)
LONE_SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
BAD_TEXT = st.tuples(st.text(max_size=5), LONE_SURROGATE | st.just("\x00"), st.text(max_size=5)).map("".join)
BAD_VALUES = INSTANTS | HUGE_INTEGERS | BAD_TEXT


def bad_for(current: Any):  # noqa: ANN201
    """Any bad value, but more often one of the kind the field holds (so it gets past the type check)."""
    if isinstance(current, int | float) and not isinstance(current, bool):
        return HUGE_INTEGERS | BAD_VALUES
    if isinstance(current, str):
        return INSTANTS | BAD_TEXT | BAD_VALUES
    return BAD_VALUES


def at(value: Any, path: tuple) -> Any:
    for part in path:
        value = value.get(part) if isinstance(value, dict) else value[part]
    return value


def encode(body: Any) -> bytes:
    raws: list[Raw] = []

    def keep(value: Any) -> str:
        raws.append(value)
        return f"@@raw{len(raws) - 1}@@"

    text = json.dumps(body, default=keep)  # ensure_ascii: a lone surrogate goes out as the escape "\ud800"
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@raw{index}@@"', raw.text)
    return text.encode()


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value a bad value can go: each leaf, each container, and a new key of each object."""
    found = [prefix]
    if isinstance(value, dict):
        found.append((*prefix, "unexpected"))
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value.get(head), rest, new)}
    copy = list(value)
    copy[head] = replaced(copy[head], rest, new)
    return copy


TABLES: dict[str, MetaData] = {}


def snapshot(engine) -> dict[str, str]:  # noqa: ANN001
    """Every table's rows, hashed: a refusal must leave each one as it was."""
    meta = TABLES.get(str(engine.url))
    if meta is None:
        meta = TABLES[str(engine.url)] = MetaData()
        meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def check(engine, send):  # noqa: ANN001, ANN201
    before = snapshot(engine)
    response = send()
    assert response.status_code < 500, response.text[:500]
    if 400 <= response.status_code < 500:
        after = snapshot(engine)
        changed = [name for name in before if before[name] != after.get(name)]
        assert not changed, f"refused with {response.status_code} but changed {changed}: {response.text[:300]}"
    return response


def ago(**delta) -> str:
    return (clock.now() - timedelta(**delta)).isoformat()


@pytest.fixture
def world(app):
    """An app with an organisation, incidents (one in triage with an alert), a processor linked to an incident, an
    assessment; returns the client and the ids the write endpoints need."""
    with TestClient(app, headers=AUTH) as client:
        assert client.put("/api/v1/organisation", json=HOSPITAL).status_code == 200
        incident = client.post("/api/v1/incidents", json={"title": "Fuzz", "summary": "x"}).json()
        alert = client.post("/api/v1/intake/generic", json=generic("w-1", severity="low"), headers=INTAKE_AUTH)
        assert alert.status_code == 202, alert.text
        triage = client.post("/api/v1/intake/generic", json=generic("w-2", severity="high"), headers=INTAKE_AUTH)
        processor = client.post("/api/v1/processors", json=CLOUD).json()
        product = client.post("/api/v1/products", json=PRODUCT)
        assert product.status_code == 201, product.text
        link = client.post(f"/api/v1/incidents/{incident['id']}/processors", json={"processor_id": processor["id"]})
        assert link.status_code == 201, link.text
        answers = {"answers": {"financial_loss_eur": 10.0, "deaths": 0}}
        assert client.post(f"/api/v1/incidents/{incident['id']}/assessments", json=answers).status_code == 201
        token = client.post("/api/v1/organisations/default/tokens", json={"name": "fuzz", "role": "viewer"})
        assert token.status_code == 201, token.text
        ids = {
            "token_id": token.json()["id"],
            "incident_id": incident["id"],
            "triage_id": triage.json()["incident_id"],
            "alert_id": alert.json()["alert_id"],
            "processor_id": processor["id"],
            "product_id": product.json()["id"],
            "link_id": link.json()["id"],
        }
        yield client, ids


def write_operations(ids: dict) -> list[tuple[str, str, Any]]:
    """(method, path, a body the endpoint accepts) for every write endpoint; None: no body."""
    i, t, p = ids["incident_id"], ids["triage_id"], ids["processor_id"]
    return [
        ("PUT", "/api/v1/organisation", HOSPITAL),
        ("PUT", "/api/v1/intake-sources/{source}", {"rotate_token": True, "signing_secret": "s" * 24}),
        ("DELETE", "/api/v1/intake-sources/{source}", None),
        ("POST", f"/api/v1/incidents/{i}/merge", {"from_incident_id": t}),
        ("POST", f"/api/v1/incidents/{t}/split", {"alert_ids": [ids["alert_id"]], "title": "split off"}),
        ("POST", f"/api/v1/incidents/{i}/assessments", {"answers": {"financial_loss_eur": 5.5, "deaths": 0}}),
        ("POST", f"/api/v1/incidents/{i}/assessments/1/confirm", {"agree": True, "aware_at": ago(hours=1)}),
        ("POST", "/api/v1/incidents", {"title": "t", "summary": "s", "detected_at": ago(hours=2)}),
        ("POST", f"/api/v1/incidents/{i}/events", {"type": "cbw.significant", "aware_at": ago(hours=1),
                                                   "reasoning": "r"}),
        ("POST", f"/api/v1/incidents/{i}/events", {"type": "avg.breach", "aware_at": ago(hours=1), "risk": "high",
                                                   "reasoning": "r"}),
        ("POST", f"/api/v1/incidents/{i}/events", {"type": "cbw.submitted", "stage": "early_warning",
                                                   "submitted_at": ago(minutes=5), "reference": "x"}),
        ("PATCH", f"/api/v1/incidents/{i}/facts", {"nature": "n", "started_at": ago(days=1), "subjects_min": 1,
                                                    "subjects_max": 5}),
        ("POST", "/api/v1/processors", CLOUD),
        ("PUT", f"/api/v1/processors/{p}", CLOUD),
        ("POST", f"/api/v1/incidents/{i}/processors", {"processor_id": p, "processor_aware_at": ago(hours=1),
                                                        "informed_at": ago(minutes=30)}),
        ("POST", "/api/v1/products", {**PRODUCT, "version": "2.1"}),
        ("PATCH", f"/api/v1/products/{ids['product_id']}", {"version": "1.1", "member_states": ["NL", "DE"]}),
        ("DELETE", f"/api/v1/products/{ids['product_id']}", None),
        ("POST", "/api/v1/calendar/token", None),
        ("POST", "/api/v1/organisations", {"name": "Tweede organisatie", "slug": "tweede"}),
        ("POST", "/api/v1/organisations/default/tokens", {"name": "n", "role": "officer",
                                                          "expires_at": "2027-01-01T00:00:00+01:00"}),
        ("DELETE", f"/api/v1/organisations/default/tokens/{ids['token_id']}", None),
    ]  # fmt: skip


def test_every_write_operation_of_the_schema_has_a_body_here(app, world):
    client, ids = world
    ours = {(m, _template(path)) for m, path, _ in write_operations(ids)}
    schema = app.openapi()["paths"]
    documented = {
        (m.upper(), path)
        for path, operations in schema.items()
        for m in operations
        if m in {"post", "put", "patch", "delete"} and not path.startswith("/api/v1/intake/")
    }
    assert documented == ours


def _template(path: str) -> str:
    """/api/v1/incidents/3/merge -> /api/v1/incidents/{incident_id}/merge, as the schema names it."""
    parts = path.split("/")
    names = {
        "incidents": "{incident_id}",
        "processors": "{processor_id}",
        "products": "{product_id}",
        "assessments": "{version}",
        "tokens": "{token_id}",
    }
    out = []
    for index, part in enumerate(parts):
        if part == "default" and parts[index - 1] == "organisations":
            out.append("{slug}")
            continue
        out.append(names.get(parts[index - 1], part) if part.isdigit() else part)
    return "/".join(out)


@run(800)
@given(data=st.data())
def test_bad_values_in_any_field_of_any_write_endpoint(world, app, data):
    client, ids = world
    method, path, body = data.draw(st.sampled_from(write_operations(ids)), label="operation")
    path = path.replace("{source}", data.draw(st.sampled_from(["generic", "splunk"])))
    if body is None:
        content, where = b"", None
    else:
        where = data.draw(st.sampled_from(paths(body)), label="where")
        content = encode(replaced(body, where, data.draw(bad_for(at(body, where)), label="value")))
    headers = {**AUTH, "Content-Type": "application/json"}
    check(app.state.engine, lambda: client.request(method, path, content=content, headers=headers))


@run(100)
@given(data=st.data())
def test_bad_values_in_any_id_of_an_address(world, app, data):
    client, ids = world
    method, path, body = data.draw(st.sampled_from([op for op in write_operations(ids) if "/incidents/" in op[1]]))
    bad = data.draw(st.sampled_from(["\u00b2", "9" * 5000, str(2**63), "-1", "1e3", "\u0661"]), label="id")
    path = path.replace(f"/{ids['incident_id']}/", f"/{bad}/", 1).replace(f"/{ids['triage_id']}/", f"/{bad}/", 1)
    content = b"" if body is None else encode(body)
    headers = {**AUTH, "Content-Type": "application/json"}
    check(app.state.engine, lambda: client.request(method, path, content=content, headers=headers))


SEVEN = {
    "generic": generic("p-1"),
    "splunk": payloads.SPLUNK,
    "elastic": payloads.ELASTIC,
    "sentinel": payloads.SENTINEL,
    "wazuh": payloads.WAZUH,
    "graylog": payloads.GRAYLOG,
    "thehive": payloads.THEHIVE,
}


@run(500)
@given(data=st.data())
def test_bad_values_in_any_field_of_any_intake_source(world, app, data):
    client, _ = world
    source = data.draw(st.sampled_from(sorted(SEVEN)), label="source")
    where = data.draw(st.sampled_from(paths(SEVEN[source])), label="where")
    content = encode(replaced(SEVEN[source], where, data.draw(bad_for(at(SEVEN[source], where)), label="value")))
    headers = {**INTAKE_AUTH, "Content-Type": "application/json"}
    response = check(
        app.state.engine, lambda: client.post(f"/api/v1/intake/{source}", content=content, headers=headers)
    )
    # 503 makes a SIEM retry a bad alert forever: bad data is never "try again later".
    assert response.status_code in {200, 202, 400, 422}, response.text[:500]


@run(100)
@given(data=st.data())
def test_bad_values_on_the_processor_reply_page(world, app, data):
    client, ids = world
    token = links.sign(
        app.state.settings.secret_key, link_id=ids["link_id"], expires_at=clock.now() + timedelta(days=1)
    )
    field = data.draw(st.sampled_from(["started_at", "ended_at", "nature", "subjects_min", "subjects_max"]))
    value = data.draw(BAD_VALUES.map(lambda v: v.text if isinstance(v, Raw) else str(v)), label="value")
    form = {field: value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")}
    check(app.state.engine, lambda: client.post(f"/reply/{token}", data=form))
