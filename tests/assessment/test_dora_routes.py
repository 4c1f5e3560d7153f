"""The classification assistant over HTTP (?regime=dora): questions, versions of its own, the decision posting
dora.major / dora.not_major, the export with its rules version, refusals naming the field, and organisations
kept apart."""

import csv
import io

from fastapi.testclient import TestClient
from freezegun import freeze_time

from tests.conftest import deadline, new_incident, put_organisation
from tests.web.test_regimes_end_to_end import BANK

NOW = "2026-12-09T12:00:00Z"  # Wednesday 13:00 in Amsterdam
MAJOR = {"critical_functions_affected": True, "downtime_hours": 3, "clients_total": 50_000, "clients_affected": 6_000}
MINOR = {"critical_functions_affected": True, "downtime_hours": 3}


def _urls(client) -> tuple[int, str]:
    put_organisation(client, **BANK)
    iid = new_incident(client, title="Storing betaalverkeer")["id"]
    return iid, f"/api/v1/incidents/{iid}/assessments"


def test_questions_of_the_classification_assistant(client):
    iid, _ = _urls(client)
    asked = client.get(f"/api/v1/incidents/{iid}/assessment/questions", params={"regime": "dora"}).json()
    assert asked["regime"] == "dora" and asked["rule"] == "2024/1772" and asked["entity_type"] == "credit_institution"
    by_id = {q["id"]: q for q in asked["questions"]}
    assert {"critical_functions_affected", "clients_affected", "costs_eur", "recurring_count"} <= set(by_id)
    assert "Kritieke" not in by_id["critical_functions_affected"]["text"]
    assert by_id["critical_functions_affected"]["text_nl"].startswith("Treft of trof het incident ICT-diensten")
    # A bank's own assistant is the default; the significance assistant is still there by name.
    default = client.get(f"/api/v1/incidents/{iid}/assessment/questions").json()
    assert default["regime"] == "dora"
    assert (
        client.get(f"/api/v1/incidents/{iid}/assessment/questions", params={"regime": "cbw"}).json()["regime"] == "cbw"
    )


def test_versions_count_per_regime_and_the_proposal_cites_2024_1772(client):
    iid, url = _urls(client)
    first = client.post(url, params={"regime": "dora"}, json={"answers": MINOR})
    assert first.status_code == 201, first.text
    assert first.headers["Location"] == f"{url}/1?regime=dora"
    body = first.json()
    assert body["regime"] == "dora" and body["version"] == 1 and body["significant"] is False
    assert body["rules_version"] == 1 and body["rule"] == "2024/1772"
    second = client.post(url, params={"regime": "dora"}, json={"answers": MAJOR}).json()
    assert second["version"] == 2 and second["significant"] is True
    articles = {c["article"] for c in second["criteria"]}
    assert articles == {"2024/1772 art. 6", "2024/1772 art. 9(3)(b)", "2024/1772 art. 9(1)(a)"}
    cbw = client.post(url, params={"regime": "cbw"}, json={"answers": {"severe_operational_disruption": True}})
    assert cbw.status_code == 201 and cbw.json()["version"] == 1 and cbw.json()["regime"] == "cbw"
    assert [v["version"] for v in client.get(url, params={"regime": "dora"}).json()] == [1, 2]
    assert [v["regime"] for v in client.get(url, params={"regime": "cbw"}).json()] == ["cbw"]
    assert client.get(f"{url}/2", params={"regime": "dora"}).json()["significant"] is True
    assert client.get(f"{url}/2", params={"regime": "cbw"}).status_code == 404


@freeze_time(NOW)
def test_agreeing_with_major_posts_dora_major_and_starts_the_initial_notification(client):
    iid, url = _urls(client)
    client.post(url, params={"regime": "dora"}, json={"answers": MAJOR})
    missing = client.post(f"{url}/1/confirm", params={"regime": "dora"}, json={})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "aware_at"
    confirmed = client.post(
        f"{url}/1/confirm", params={"regime": "dora"}, json={"aware_at": "2026-12-09T08:00:00+01:00"}
    )
    assert confirmed.status_code == 200, confirmed.text
    incident = confirmed.json()
    # Classified at the decision (13:00): the initial notification 4 h later, within 24 h of awareness.
    assert deadline(incident, "dora", "initial_notification")["due"] == "2026-12-09T17:00:00+01:00"
    track = next(t for t in incident["tracks"] if t["regime"] == "dora")
    assert track["state"] == "initial_due"
    version = client.get(f"{url}/1", params={"regime": "dora"}).json()
    assert version["decision"] == "major" and version["confirmed_by"] == "api:bootstrap-admin"
    audit = client.get(f"/api/v1/incidents/{iid}/audit").json()
    reason = next(r for r in audit if r["event_type"] == "dora.major")["reason"]
    assert reason.startswith("Classification (2024/1772) v1 (credit_institution, 2024/1772): major.")
    assert "duration_downtime (2024/1772 art. 9(3)(b)" in reason
    assert any(r["event_type"] == "assessment.confirmed" for r in audit)
    again = client.post(f"{url}/1/confirm", params={"regime": "dora"}, json={"aware_at": "2026-12-09T08:00:00+01:00"})
    assert again.status_code == 409


@freeze_time(NOW)
def test_the_person_decides_against_the_proposal_with_reasoning(client):
    iid, url = _urls(client)
    client.post(url, params={"regime": "dora"}, json={"answers": MINOR})
    body = {"agree": False, "aware_at": "2026-12-09T09:00:00+01:00", "classified_at": "2026-12-09T12:45:00+01:00"}
    refused = client.post(f"{url}/1/confirm", params={"regime": "dora"}, json=body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reasoning"
    overruled = client.post(
        f"{url}/1/confirm", params={"regime": "dora"}, json={**body, "reasoning": "Clients' payments failed at night"}
    )
    assert overruled.status_code == 200, overruled.text
    assert deadline(overruled.json(), "dora", "initial_notification")["due"] == "2026-12-09T16:45:00+01:00"
    assert client.get(f"{url}/1", params={"regime": "dora"}).json()["decision"] == "major"


def test_agreeing_with_not_major_posts_dora_not_major(client):
    iid, url = _urls(client)
    client.post(url, params={"regime": "dora"}, json={"answers": MINOR})
    incident = client.post(f"{url}/1/confirm", params={"regime": "dora"}, json={}).json()
    assert next(t for t in incident["tracks"] if t["regime"] == "dora")["state"] == "not_major"
    assert client.get(f"{url}/1", params={"regime": "dora"}).json()["decision"] == "not_major"


def test_export_json_csv_markdown_with_the_rules_version(client):
    iid, url = _urls(client)
    client.post(url, params={"regime": "dora"}, json={"answers": MAJOR})
    exported = client.get(f"{url}/export", params={"regime": "dora"}).json()
    assert exported["regime"] == "dora" and exported["rules_version"] == 1
    item = exported["versions"][0]
    assert item["regime"] == "dora" and item["rules_version"] == 1 and item["answers"] == MAJOR
    assert any(c["threshold"] == "> 10 % of all clients using the affected service" for c in item["criteria"])
    response = client.get(f"{url}/export", params={"regime": "dora", "format": "csv"})
    assert 'filename="incident-' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["regime"] == "dora" and rows[0]["rules_version"] == "1" and rows[0]["significant"] == "True"
    md = client.get(f"{url}/export", params={"regime": "dora", "format": "md"}).text
    assert md.startswith("# Classification (2024/1772): Storing betaalverkeer")
    assert "rules version 1. Proposal: **major**." in md
    assert "| duration_downtime | 2024/1772 art. 9(3)(b) |" in md
    assert client.get(f"{url}/export", params={"regime": "cbw"}).json()["versions"] == []


def test_refusals_are_problem_details_naming_the_field(client):
    iid, url = _urls(client)

    def refused(params: dict, answers: dict) -> dict:
        response = client.post(url, params=params, json={"answers": answers})
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        return response.json()["errors"][0]

    assert refused({"regime": "dora"}, {"costs_eur": -1})["field"] == "answers.costs_eur"
    assert refused({"regime": "dora"}, {"downtime_hours": "long"})["field"] == "answers.downtime_hours"
    assert refused({"regime": "dora"}, {"unavailable_minutes": 40})["field"] == "answers.unavailable_minutes"
    assert refused({"regime": "dora"}, {"clients_affected": 10})["field"] == "answers.clients_total"
    assert refused({"regime": "dora"}, {"recurring_costs_eur": 10})["field"] == "answers.recurring_count"
    assert refused({"regime": "dora"}, {"recurring_count": 0})["field"] == "answers.recurring_count"
    unknown = refused({"regime": "nis9"}, {})
    assert unknown["field"] == "regime" and "dora" in unknown["msg"]
    assert client.get(url, params={"regime": "dora"}).json() == []


def test_another_organisation_sees_none_of_it(app, client):
    iid, url = _urls(client)
    client.post(url, params={"regime": "dora"}, json={"answers": MAJOR})
    made = client.post("/api/v1/organisations", json={"name": "Bravo Bank", "slug": "bravo"})
    assert made.status_code == 201, made.text
    token = client.post("/api/v1/organisations/bravo/tokens", json={"name": "bravo", "role": "administrator"})
    assert token.status_code == 201, token.text
    with TestClient(app, headers={"Authorization": f"Bearer {token.json()['token']}"}) as bravo:
        put_organisation(bravo, **{**BANK, "name": "Bravo Bank"})
        assert bravo.get(url, params={"regime": "dora"}).status_code == 404
        assert bravo.get(f"{url}/1", params={"regime": "dora"}).status_code == 404
        assert bravo.get(f"{url}/export", params={"regime": "dora"}).status_code == 404
        assert bravo.post(url, params={"regime": "dora"}, json={"answers": MAJOR}).status_code == 404
        assert bravo.post(f"{url}/1/confirm", params={"regime": "dora"}, json={}).status_code == 404
        own = new_incident(bravo, title="Bravo storing")["id"]
        listed = bravo.get(f"/api/v1/incidents/{own}/assessments", params={"regime": "dora"}).json()
        assert listed == []
    assert client.get(url, params={"regime": "dora"}).json()[0]["answers"] == MAJOR
