"""The HTTP API's conventions (issue 13, section 3): RFC 9457 problem details for every error, stable operationIds,
a valid OpenAPI document that declares them, Location on 201, one way of paging, ETag / If-Match, one time format,
and /docs without a CDN."""

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from openapi_spec_validator import validate

from tests.conftest import HOSPITAL, new_incident, put_organisation
from tests.intake.conftest import INTAKE_AUTH, INTAKE_TOKEN, generic

PROBLEM = "application/problem+json"


@pytest.fixture
def settings(settings):
    update = {
        "intake_token": INTAKE_TOKEN,
        "intake_writer": "thread",
        "intake_rate_limit": 1,
        "intake_rate_burst": 2,
        "intake_max_body_bytes": 4096,
    }
    return settings.model_copy(update=update)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert "detail" in body
    return body


# --- problem details -----------------------------------------------------------------------------------------------


def test_400_malformed_json_at_the_intake(client):
    body = assert_problem(client.post("/api/v1/intake/generic", content=b"{not json", headers=INTAKE_AUTH), 400)
    assert body["type"] == "about:blank" and body["title"] == "Bad Request"
    assert body["detail"].startswith("malformed JSON")


def test_401_keeps_the_detail_and_the_challenge(app):
    with TestClient(app) as anonymous:
        response = anonymous.get("/api/v1/incidents")
    body = assert_problem(response, 401)
    assert body["detail"] == "missing or invalid bearer token"
    assert response.headers["www-authenticate"] == "Bearer"


def test_403_of_a_web_page_stays_an_html_page(app):
    # No API operation answers 403 (the API has one administrator token); the pages that do keep their HTML.
    with TestClient(app) as anonymous:
        response = anonymous.get("/reply/not-a-valid-token")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")


def test_404_unknown_incident_and_unknown_path(client):
    body = assert_problem(client.get("/api/v1/incidents/999"), 404)
    assert body["detail"] == "incident 999 not found"
    assert assert_problem(client.get("/api/v1/no-such-thing"), 404)["detail"] == "Not Found"


def test_409_keeps_current_state_and_allowed_events(client):
    iid = new_incident(client)["id"]
    response = client.post(
        f"/api/v1/incidents/{iid}/events",
        json={"type": "cbw.submitted", "stage": "early_warning", "submitted_at": "2026-06-01T09:00:00Z"},
    )
    body = assert_problem(response, 409)
    assert body["type"] == "urn:meldplicht:problem:transition-not-allowed"
    assert body["current_state"] == "pending"
    assert body["allowed_events"] == ["cbw.not_significant", "cbw.significant"]
    assert isinstance(body["detail"], str)


def test_413_body_too_large_at_the_intake(client):
    big = json.dumps(generic(title="x" * 5000)).encode()
    response = client.post(
        "/api/v1/intake/generic", content=big, headers={**INTAKE_AUTH, "Content-Type": "application/json"}
    )
    assert assert_problem(response, 413)["detail"] == "body larger than 4096 bytes"


def test_422_names_each_field_and_keeps_the_old_list(client):
    response = client.post("/api/v1/incidents", json={"summary": 5})
    body = assert_problem(response, 422)
    assert body["type"] == "urn:meldplicht:problem:validation-error"
    assert isinstance(body["detail"], list)  # the list clients read before problem details
    assert {e["field"] for e in body["errors"]} == {"title", "summary"}
    assert [{k: e[k] for k in ("loc", "msg", "type")} for e in body["errors"]] == body["detail"]


def test_422_from_a_service_check_and_from_the_intake_adapter(client):
    answer = assert_problem(client.get("/api/v1/incidents", params={"state": "asleep"}), 422)
    assert answer["errors"][0]["field"] == "state"
    unmappable = client.post("/api/v1/intake/generic", json={"title": "no id"}, headers=INTAKE_AUTH)
    assert assert_problem(unmappable, 422)["errors"][0]["field"] == "id"


def test_422_from_the_text_guard_before_any_route(client):
    # notifier/http/json_text.py answers before FastAPI parses the body; its 422 has the same shape.
    response = client.post("/api/v1/incidents", json={"title": "Nimbus\x00Cloud", "summary": "x"})
    body = assert_problem(response, 422)
    assert body["type"] == "urn:meldplicht:problem:validation-error"
    assert body["errors"] == [
        {"field": "title", "loc": ["body", "title"], "msg": body["detail"][0]["msg"], "type": "nul_character"}
    ]


def test_429_over_the_intake_budget_keeps_retry_after(client):
    with freeze_time("2026-06-01T10:00:00Z"):
        answers = [client.post("/api/v1/intake/generic", json=generic(f"a-{i}"), headers=INTAKE_AUTH) for i in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 429]
    body = assert_problem(answers[-1], 429)
    assert body["title"] == "Too Many Requests" and "rate limit" in body["detail"]
    assert answers[-1].headers["retry-after"] == "1"


# --- ETag / If-Match -----------------------------------------------------------------------------------------------


def test_organisation_stale_write_is_412_and_a_fresh_one_passes(client):
    put_organisation(client)
    first = client.get("/api/v1/organisation")
    tag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    officer_a = client.put("/api/v1/organisation", json=_org_in(client, name="A"), headers={"If-Match": tag})
    assert officer_a.status_code == 200, officer_a.text
    assert officer_a.headers["etag"] != tag
    officer_b = client.put("/api/v1/organisation", json=_org_in(client, name="B"), headers={"If-Match": tag})
    assert assert_problem(officer_b, 412)["type"] == "urn:meldplicht:problem:stale-version"
    assert client.get("/api/v1/organisation").json()["name"] == "A"
    again = client.put(
        "/api/v1/organisation", json=_org_in(client, name="B"), headers={"If-Match": officer_a.headers["etag"]}
    )
    assert again.status_code == 200 and again.json()["name"] == "B"
    assert client.get("/api/v1/organisation").headers["etag"] == again.headers["etag"]
    # Without If-Match the write is accepted, as before ETags existed.
    assert client.put("/api/v1/organisation", json=_org_in(client, name="C")).status_code == 200


def _org_in(client, **changes) -> dict:
    return {**HOSPITAL, **changes}


def test_facts_stale_patch_is_412_and_changes_nothing(client):
    iid = new_incident(client)["id"]
    read = client.get(f"/api/v1/incidents/{iid}/facts")
    tag = read.headers["etag"]
    first = client.patch(f"/api/v1/incidents/{iid}/facts", json={"affected_users": 10}, headers={"If-Match": tag})
    assert first.status_code == 200, first.text
    stale = client.patch(f"/api/v1/incidents/{iid}/facts", json={"affected_users": 99}, headers={"If-Match": tag})
    assert_problem(stale, 412)
    now = client.get(f"/api/v1/incidents/{iid}/facts")
    assert now.json()["facts"]["affected_users"] == 10
    assert now.headers["etag"] == first.headers["etag"]
    assert client.patch(f"/api/v1/incidents/{iid}/facts", json={"affected_users": 11}).status_code == 200


# --- Location, paging, times --------------------------------------------------------------------------------------


def test_created_answers_carry_location(client):
    created = client.post("/api/v1/incidents", json={"title": "Phishing", "summary": "x"})
    assert created.status_code == 201
    assert created.headers["location"] == f"/api/v1/incidents/{created.json()['id']}"
    assert client.get(created.headers["location"]).json()["id"] == created.json()["id"]


def test_lists_are_paged_with_total_and_link_headers(client):
    for i in range(5):
        new_incident(client, title=f"incident {i}")
    page = client.get("/api/v1/incidents", params={"limit": 2, "offset": 2, "state": "triage"})
    assert page.status_code == 200 and isinstance(page.json(), list) and len(page.json()) == 2
    assert page.headers["x-total-count"] == "5"
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', page.headers["link"]))  # rel -> url
    assert links == {
        "next": "/api/v1/incidents?state=triage&limit=2&offset=4",
        "prev": "/api/v1/incidents?state=triage&limit=2&offset=0",
    }
    sources = client.get("/api/v1/intake-sources", params={"limit": 1})
    assert len(sources.json()) == 1 and int(sources.headers["x-total-count"]) > 1
    everything = client.get("/api/v1/intake-sources")  # formerly unpaged lists answer everything without a limit
    assert len(everything.json()) == int(everything.headers["x-total-count"])
    assert "link" not in everything.headers


def test_every_list_operation_documents_the_same_paging(app):
    schema = app.openapi()
    lists = [
        (path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method == "get" and _answers_array(op)
    ]
    assert len(lists) >= 8
    for path, op in lists:
        names = {p["name"] for p in op.get("parameters", [])}
        assert {"limit", "offset"} <= names, path
        assert {"X-Total-Count", "Link"} <= set(op["responses"]["200"].get("headers", {})), path


def _answers_array(op: dict) -> bool:
    content = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
    return content.get("schema", {}).get("type") == "array" or op["operationId"] == "listBreaches"


def test_processor_link_instants_are_in_the_organisations_offset(client):
    t0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    with freeze_time(t0):
        put_organisation(client)
        incident = new_incident(client)
        processor = client.post(
            "/api/v1/processors",
            json={
                "name": "NimbusCloud B.V.",
                "notification_term_hours": 4,
                "contacts": [{"level": 1, "name": "Servicedesk", "email": "servicedesk@nimbus.example"}],
            },
        )
        assert processor.status_code == 201 and processor.headers["location"].endswith(f"/{processor.json()['id']}")
    with freeze_time(t0 + timedelta(hours=1)):
        linked = client.post(
            f"/api/v1/incidents/{incident['id']}/processors",
            json={"processor_id": processor.json()["id"], "processor_aware_at": "2026-11-16T07:30:00Z"},
        )
    assert linked.status_code == 201, linked.text
    assert linked.headers["location"] == f"/api/v1/incidents/{incident['id']}/processors"
    listed = client.get(f"/api/v1/incidents/{incident['id']}/processors").json()[0]
    for answer in (linked.json(), listed):
        assert answer["requested_at"] == "2026-11-16T10:00:00+01:00"  # 09:00 UTC, Amsterdam in November
        assert answer["processor_aware_at"] == "2026-11-16T08:30:00+01:00"
    report = client.get(f"/api/v1/processors/{processor.json()['id']}/report").json()
    assert report["items"][0]["processor_aware_at"] == "2026-11-16T08:30:00+01:00"
    assert client.get("/api/v1/processors/report").json()[0]["items"][0]["informed_at"] == linked.json()["informed_at"]


# --- the OpenAPI document ------------------------------------------------------------------------------------------


def test_the_openapi_document_is_valid(client):
    validate(client.get("/openapi.json").json())


def test_every_operation_has_a_unique_pinned_camel_case_operation_id(app):
    from notifier.operations.openapi import OPERATION_IDS

    operations = [
        (method.upper(), path, op) for path, ops in app.openapi()["paths"].items() for method, op in ops.items()
    ]
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for method, path, op in operations:
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", op["operationId"]), op["operationId"]
        assert OPERATION_IDS.get((method, path)) == op["operationId"], (method, path)
    named = {op["operationId"]: (m, p) for m, p, op in operations}
    assert named["createIncident"] == ("POST", "/api/v1/incidents")
    assert named["postIncidentEvent"] == ("POST", "/api/v1/incidents/{incident_id}/events")
    assert named["receiveAlert"] == ("POST", "/api/v1/intake/{source}")


def test_every_error_answer_is_documented_as_problem_details(app):
    schema = app.openapi()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            errors = {s: r for s, r in op["responses"].items() if s[0] in "45"}
            if path == "/healthz":
                assert errors == {}, errors  # public and without parameters: no error answer at all
                continue
            assert errors, (method, path)
            if path == "/readyz":
                assert set(errors) == {"503"} and "application/json" in errors["503"]["content"]
                continue
            for status, answer in errors.items():
                expected = "ValidationProblem" if status == "422" else "Problem"
                assert answer["content"] == {PROBLEM: {"schema": {"$ref": f"#/components/schemas/{expected}"}}}
            if "201" in op["responses"]:
                assert "Location" in op["responses"]["201"]["headers"], path
    facts = schema["paths"]["/api/v1/incidents/{incident_id}/facts"]["patch"]
    assert "412" in facts["responses"] and any(p["name"] == "If-Match" for p in facts["parameters"])
    assert "412" in schema["paths"]["/api/v1/organisation"]["put"]["responses"]


def test_the_intake_security_schemes_are_declared(app):
    schema = app.openapi()
    schemes = schema["components"]["securitySchemes"]
    intake = schema["paths"]["/api/v1/intake/{source}"]["post"]
    assert intake["security"] == [{"IntakeBearer": []}, {"IntakeQueryToken": []}]
    assert schemes["IntakeBearer"] == {**schemes["IntakeBearer"], "type": "http", "scheme": "bearer"}
    assert schemes["IntakeQueryToken"]["in"] == "query" and schemes["IntakeQueryToken"]["name"] == "token"


# --- /docs ---------------------------------------------------------------------------------------------------------


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.urls += [v for k, v in attrs if k in {"src", "href"} and v]


def test_docs_reference_only_local_assets_that_answer(app):
    with TestClient(app) as anonymous:
        page = anonymous.get("/docs")
        assert page.status_code == 200
        assert "content-security-policy" in page.headers  # no inline script, no CDN: the CSP stays on
        parser = _References()
        parser.feed(page.text)
        assert "<script>" not in page.text.replace(" ", "")
        assert len(parser.urls) >= 3
        for url in parser.urls:
            assert url.startswith("/") and not url.startswith("//"), url
            answer = anonymous.get(url)
            assert answer.status_code == 200 and answer.content, url
        start = anonymous.get("/docs/assets/start.js").text
        assert '"/openapi.json"' in start
        assert anonymous.get("/docs/assets/index.html").status_code == 404
        assert anonymous.get("/redoc").status_code == 404
