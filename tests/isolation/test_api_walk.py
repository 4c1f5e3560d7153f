"""Every route of the API schema, called with organisation A's token against organisation B's ids: 404, never
403 (no existence oracle), and A's lists never show a row of B. The walk is driven by the OpenAPI schema, so a
new route must be classified here before the suite passes again."""

import re

from tests.isolation.conftest import MARKER

# Routes without an id of anyone's: probes and the SIEM intake (its own credentials, tests/isolation/test_intake.py).
OUTSIDE = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("POST", "/api/v1/intake/{source}"),
}
# Writes to the caller's own organisation: no id of B can be named in them (tested where they are built).
OWN_WRITES = {
    ("PUT", "/api/v1/organisation"),
    ("POST", "/api/v1/organisations"),
    ("POST", "/api/v1/incidents"),
    ("POST", "/api/v1/processors"),
    ("POST", "/api/v1/products"),
    ("POST", "/api/v1/calendar/token"),
    ("PUT", "/api/v1/intake-sources/{source}"),
    ("DELETE", "/api/v1/intake-sources/{source}"),
}
# A valid body for each write that names an id, so a 404 means "not yours", not "malformed".
BODIES = {
    ("POST", "/api/v1/incidents/{incident_id}/merge"): lambda a, b: {"from_incident_id": a.incident_id},
    ("POST", "/api/v1/incidents/{incident_id}/split"): lambda a, b: {"alert_ids": [b.alert_id], "title": "x"},
    ("POST", "/api/v1/incidents/{incident_id}/assessments"): lambda a, b: {"answers": {}},
    ("POST", "/api/v1/incidents/{incident_id}/assessments/{version}/confirm"): lambda a, b: {
        "agree": False,
        "reasoning": "x",
    },
    ("POST", "/api/v1/incidents/{incident_id}/events"): lambda a, b: {"type": "cbw.not_significant", "reasoning": "x"},
    ("PATCH", "/api/v1/incidents/{incident_id}/facts"): lambda a, b: {"nature": "x"},
    ("PUT", "/api/v1/processors/{processor_id}"): lambda a, b: {
        "name": "Alfa renamed",
        "notification_term_hours": 4,
        "contacts": [{"level": 1, "name": "Desk", "email": "desk@alfa.example"}],
    },
    ("POST", "/api/v1/incidents/{incident_id}/processors"): lambda a, b: {"processor_id": a.processor_id},
    ("PATCH", "/api/v1/products/{product_id}"): lambda a, b: {"version": "2"},
    ("POST", "/api/v1/organisations/{slug}/tokens"): lambda a, b: {"name": "stolen", "role": "viewer"},
}


def _fill(path: str, org) -> str:  # noqa: ANN001
    values = {
        "incident_id": org.incident_id,
        "processor_id": org.processor_id,
        "product_id": org.product_id,
        "submission_id": org.submission_id,
        "version": 1,
        "regime": "cbw",
        "stage": "early_warning",
        "slug": org.slug,
        "token_id": org.token_id,
        "source": "wazuh",
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _operations(app):  # noqa: ANN001
    for path, ops in app.openapi()["paths"].items():
        for method in ops:
            yield method.upper(), path


def test_every_route_is_classified(app):
    for method, path in _operations(app):
        if (method, path) in OUTSIDE | OWN_WRITES:
            continue
        named = "{" in path
        assert named or method == "GET", f"{method} {path}: a write without an id must be listed in OWN_WRITES"
        if method != "GET" and method != "DELETE":
            assert (method, path) in BODIES, f"{method} {path}: give it a valid body in BODIES"


def test_a_token_of_a_gets_404_for_every_id_of_b_and_lists_without_b(app, orgs):
    a, b = orgs
    walked = 0
    for method, path in _operations(app):
        if (method, path) in OUTSIDE | OWN_WRITES:
            continue
        body = BODIES.get((method, path))
        json = body(a, b) if body else None
        if "{" not in path:
            answer = a.client.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert MARKER not in answer.text.lower(), f"GET {path} shows organisation B's data"
            walked += 1
            continue
        if set(re.findall(r"\{(\w+)\}", path)) <= {"source"}:
            continue  # /intake-sources/{source}: the caller's own row of a tool both organisations may use
        target = _fill(path, b)
        answer = a.client.request(method, target, json=json)
        assert answer.status_code == 404, (method, target, answer.status_code, answer.text)
        assert MARKER not in answer.text.lower(), (method, target, answer.text)
        walked += 1
        if "{submission_id}" in path:
            # B's ledger entry under A's own incident: still nothing (ledger ids count across organisations).
            mixed = target.replace(f"/incidents/{b.incident_id}/", f"/incidents/{a.incident_id}/", 1)
            answer = a.client.request(method, mixed, json=json)
            assert answer.status_code == 404, (method, mixed, answer.status_code)
    assert walked > 35
    # Nothing A did reached B: B's token, incident, processor and ledger entry are as they were.
    assert b.client.get(f"/api/v1/organisations/{b.slug}/tokens").status_code == 200
    assert b.client.get(f"/api/v1/incidents/{b.incident_id}").json()["state"] != "closed"
    assert b.client.get(f"/api/v1/processors/{b.processor_id}").json()["name"] == "Bravo Zorggroep Cloud"
    assert b.client.get(f"/api/v1/products/{b.product_id}").json()["version"] == "1"
    entry = b.client.get(f"/api/v1/incidents/{b.incident_id}/submissions/filed/{b.submission_id}")
    assert entry.status_code == 200


def test_ids_of_b_inside_a_body_answer_as_if_they_did_not_exist(app, orgs):
    """An id in a body (merge, link a processor, split off alerts) names B's row exactly as a number that names
    nothing: the same status and the same words, so the answer tells A nothing."""
    a, b = orgs
    cases = [
        (f"/api/v1/incidents/{a.incident_id}/merge", lambda v: {"from_incident_id": v}, b.incident_id),
        (f"/api/v1/incidents/{a.incident_id}/processors", lambda v: {"processor_id": v}, b.processor_id),
        (f"/api/v1/incidents/{a.incident_id}/split", lambda v: {"alert_ids": [v], "title": "x"}, b.alert_id),
    ]
    for url, body, theirs in cases:
        nothing = 987654
        for_b = a.client.post(url, json=body(theirs))
        for_nothing = a.client.post(url, json=body(nothing))
        assert for_b.status_code == for_nothing.status_code, (url, for_b.text, for_nothing.text)
        assert for_b.status_code in (404, 422), (url, for_b.text)
        same = re.sub(rf"\b{theirs}\b", "N", for_b.text) == re.sub(rf"\b{nothing}\b", "N", for_nothing.text)
        assert same, (url, for_b.text, for_nothing.text)


def test_a_deletes_no_token_of_b_through_its_own_slug(orgs):
    a, b = orgs
    answer = a.client.delete(f"/api/v1/organisations/{a.slug}/tokens/{b.token_id}")
    assert answer.status_code == 404
    assert b.client.get("/api/v1/organisation").status_code == 200  # B's token still works


def test_each_organisation_sees_only_itself(orgs):
    a, b = orgs
    assert [o["slug"] for o in a.client.get("/api/v1/organisations").json()] == [a.slug]
    assert [o["slug"] for o in b.client.get("/api/v1/organisations").json()] == [b.slug]
    assert a.client.get(f"/api/v1/organisations/{b.slug}").status_code == 404
    listed = [i["id"] for i in a.client.get("/api/v1/incidents").json()]
    assert a.incident_id in listed and b.incident_id not in listed
    assert b.client.get("/api/v1/organisation").json()["name"] == "Bravo Zorggroep"


def test_calendar_feeds_show_only_their_organisation(web_client, orgs):
    a, b = orgs
    feed = web_client.get(f"/calendar/{b.calendar_token}.ics")
    assert feed.status_code == 200 and "Bravo" in feed.text and "Alfa" not in feed.text
    assert web_client.get(f"/calendar/{b.calendar_token}/incidents/{a.incident_id}.ics").status_code == 404
    assert web_client.get(f"/calendar/{a.calendar_token}/incidents/{b.incident_id}.ics").status_code == 404
