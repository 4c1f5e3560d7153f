"""The assistant over HTTP: questions per entity type, versions, export, and confirmation starting the clocks."""

import csv
import io

from freezegun import freeze_time

from tests.conftest import new_incident, put_organisation


def test_questions_follow_the_entity_type(client):
    incident = new_incident(client)
    assert client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").status_code == 409  # no profile
    put_organisation(client)  # hospital: no hard thresholds
    asked = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()
    assert asked["rule"] == "open_rule"
    ids = [q["id"] for q in asked["questions"]]
    assert "severe_operational_disruption" in ids and "eu_users" not in ids
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    asked = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()
    assert asked["rule"] == "thresholds" and asked["entity_type"] == "cloud_computing"
    assert "eu_users" in [q["id"] for q in asked["questions"]]


def test_versions_are_kept_and_unasked_answers_refused(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    first = client.post(url, json={"answers": {"unavailable_minutes": 25}})
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1 and first.json()["significant"] is False
    second = client.post(url, json={"answers": {"unavailable_minutes": 45, "malicious_access": True}}).json()
    assert second["version"] == 2 and second["significant"] is True
    assert {c["criterion"] for c in second["criteria"]} == {"unavailable", "malicious_access"}
    assert all(c["article"].startswith("2024/2690 art.") for c in second["criteria"])
    assert [v["version"] for v in client.get(url).json()] == [1, 2]
    refused = client.post(url, json={"answers": {"dns_names_wrong": 5}})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "answers.dns_names_wrong"]
    missing_u = client.post(url, json={"answers": {"users_limited": 10}})
    assert missing_u.status_code == 422 and missing_u.json()["detail"][0]["loc"] == ["body", "answers.eu_users"]
    assert client.post(url, json={"answers": {"unavailable_minutes": -1}}).status_code == 422


def test_export_json_csv_markdown(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="dns")
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    client.post(url, json={"answers": {"unavailable_minutes": 31}})
    exported = client.get(f"{url}/export").json()
    assert exported["versions"][0]["criteria"][0]["threshold"] == "> 30 min fully unavailable"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{url}/export", params={"format": "csv"}).text)))
    assert rows[0]["version"] == "1" and rows[0]["significant"] == "True"
    md = client.get(f"{url}/export", params={"format": "md"}).text
    assert "| unavailable | 2024/2690 art. 5 | > 30 min fully unavailable | 31.0 |" in md


@freeze_time("2026-11-23T09:00:00Z")
def test_confirming_a_positive_proposal_starts_the_clocks(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    client.post(url, json={"answers": {"unavailable_minutes": 45}})
    assert client.post(f"{url}/1/confirm", json={}).status_code == 422  # aware_at is needed
    confirmed = client.post(f"{url}/1/confirm", json={"aware_at": "2026-11-23T08:30:00Z"})
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["state"] == "open"
    early = next(d for d in body["deadlines"] if d["regime"] == "cbw" and d["stage"] == "early_warning")
    assert early["due"] == "2026-11-24T09:30:00+01:00"
    version = client.get(f"{url}/1").json()
    assert version["decision"] == "significant" and version["confirmed_by"] == "api:bootstrap-admin"
    audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
    significant = next(r for r in audit if r["event_type"] == "cbw.significant")
    assert "unavailable (2024/2690 art. 7: > 30 min fully unavailable)" in significant["reason"]
    assert client.post(f"{url}/1/confirm", json={"aware_at": "2026-11-23T08:30:00Z"}).status_code == 409


@freeze_time("2026-11-23T09:00:00Z")
def test_agreeing_with_a_negative_proposal_records_not_significant(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    client.post(url, json={"answers": {"unavailable_minutes": 10}})
    body = client.post(f"{url}/1/confirm", json={}).json()
    assert body["state"] == "triage"
    assert client.get(f"{url}/1").json()["decision"] == "not_significant"


@freeze_time("2026-11-23T09:00:00Z")
def test_overruling_the_proposal_needs_reasoning(client):
    put_organisation(client)
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    client.post(url, json={"answers": {"severe_operational_disruption": False}})
    assert client.post(f"{url}/1/confirm", json={"agree": False, "aware_at": "2026-11-23T08:00:00Z"}).status_code == 422
    overruled = client.post(
        f"{url}/1/confirm",
        json={"agree": False, "aware_at": "2026-11-23T08:00:00Z", "reasoning": "EPD down for two wards"},
    )
    assert overruled.status_code == 200 and overruled.json()["state"] == "open"
    assert client.get(f"{url}/1").json()["decision"] == "significant"


def test_maintenance_with_malicious_access_is_flagged_and_still_assessed(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    answers = {"scheduled_maintenance": True, "unavailable_minutes": 300, "malicious_access": True}
    body = client.post(url, json={"answers": answers}).json()
    assert body["rules_version"] == 2 and body["significant"] is True
    assert [c["criterion"] for c in body["criteria"]] == ["malicious_access"]
    assert body["warnings"] == [
        {"code": "maintenance_contradiction", "criteria": ["malicious_access"], "article": "2024/2690 art. 3(2)"}
    ]
    exported = client.get(f"{url}/export").json()["versions"][0]
    assert exported["rules_version"] == 2 and exported["warnings"] == body["warnings"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{url}/export", params={"format": "csv"}).text)))
    assert rows[0]["rules_version"] == "2" and "maintenance_contradiction" in rows[0]["warnings"]
    assert list(rows[0])[-3:] == ["rules_version", "warnings", "regime"]  # new columns last: old readers keep theirs
    md = client.get(f"{url}/export", params={"format": "md"}).text
    assert "rules version 2" in md
    assert "Warning: scheduled maintenance was answered yes, but malicious_access is not a planned effect" in md


@freeze_time("2026-11-23T09:00:00Z")
def test_the_warning_goes_into_the_decision_reasoning(client):
    put_organisation(client, sector="digital_infrastructure", entity_type="cloud_computing")
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    client.post(url, json={"answers": {"scheduled_maintenance": True, "malicious_access": True}})
    assert client.post(f"{url}/1/confirm", json={"aware_at": "2026-11-23T08:30:00Z"}).status_code == 200
    audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
    reason = next(r for r in audit if r["event_type"] == "cbw.significant")["reason"]
    assert "Warning: scheduled maintenance was answered yes, but malicious_access is not a planned effect" in reason


def test_capable_of_causing_answers_are_accepted_and_counted(client):
    put_organisation(client)  # hospital: open rule, the art. 3 criteria as a yardstick
    incident = new_incident(client)
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    asked = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()["questions"]
    by_id = {q["id"]: q for q in asked}
    assert {"financial_loss_expected_eur", "death_possible", "health_damage_possible"} <= set(by_id)
    assert by_id["death_possible"]["text_nl"] and by_id["death_possible"]["text"] != by_id["death_possible"]["text_nl"]
    body = client.post(url, json={"answers": {"financial_loss_eur": 0, "health_damage_possible": True}}).json()
    assert body["significant"] is True and body["criteria"][0]["value"] == "possible"
    refused = client.post(url, json={"answers": {"financial_loss_expected_eur": -5}})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "financial_loss_expected_eur"


def test_versions_stored_under_rules_version_one_still_export(client, session):
    """Assessments recorded before rules v2 keep their answers, proposal and export; they are never recomputed."""
    from notifier import clock
    from notifier.assessment.models import SignificanceAssessment

    put_organisation(client, sector="digital_infrastructure", entity_type="dns")
    incident = new_incident(client)
    old = SignificanceAssessment(
        incident_id=incident["id"],
        regime="cbw",
        version=1,
        entity_type="dns",
        rule="thresholds",
        answers={"scheduled_maintenance": True, "malicious_access": True},
        significant=False,
        criteria=[],
        notes=["Scheduled maintenance and its planned effects are never significant (2024/2690 art. 3(2))."],
        assessor="api:bootstrap-admin",
        assessed_at=clock.now(),
    )
    session.add(old)
    session.commit()
    session.execute(__import__("sqlalchemy").text("UPDATE significance_assessment SET rules_version = 1"))
    session.commit()
    url = f"/api/v1/incidents/{incident['id']}/assessments"
    listed = client.get(url).json()
    assert listed[0]["rules_version"] == 1 and listed[0]["warnings"] == [] and listed[0]["significant"] is False
    exported = client.get(f"{url}/export").json()["versions"][0]
    assert exported["rules_version"] == 1 and exported["answers"] == old.answers
    md = client.get(f"{url}/export", params={"format": "md"}).text
    assert "rules version 1" in md and "Warning" not in md
    second = client.post(url, json={"answers": {"scheduled_maintenance": True, "malicious_access": True}}).json()
    assert second["version"] == 2 and second["rules_version"] == 2 and second["significant"] is True
