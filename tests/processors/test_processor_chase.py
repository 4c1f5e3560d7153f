"""The processor chase end to end: request mail, signed reply link, answers on the incident, escalation, report."""

import re
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.incidents.models import Incident
from notifier.processors.models import ProcessorAnswer
from tests.conftest import new_incident, post_event, put_organisation

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
CLOUD = {
    "name": "NimbusCloud B.V.",
    "notification_term_hours": 4,
    "contacts": [
        {"level": 1, "name": "Servicedesk", "email": "servicedesk@nimbus.example"},
        {"level": 2, "name": "Eva Accountmanager", "email": "eva@nimbus.example"},
        {"level": 3, "name": "FG NimbusCloud", "email": "dpo@nimbus.example"},
    ],
}


def setup_incident(client, app) -> tuple[dict, dict]:
    with freeze_time(T0):
        put_organisation(client)
        incident = new_incident(client)
        post_event(client, incident["id"], type="cbw.significant", aware_at=T0.isoformat(), reasoning="cloud outage")
        with Session(
            app.state.engine
        ) as session:  # the officer already knows one fact; the processor may not change it
            row = session.get(Incident, incident["id"])
            row.facts = {"nature": "Versleuteling van de opslag (ingevuld door ons)"}
            session.add(row)
            session.commit()
        created = client.post("/api/v1/processors", json=CLOUD)
        assert created.status_code == 201, created.text
    return incident, created.json()


def link(client, incident_id: int, processor_id: int, **extra) -> dict:
    with freeze_time(T0 + timedelta(hours=1)):
        response = client.post(
            f"/api/v1/incidents/{incident_id}/processors", json={"processor_id": processor_id, **extra}
        )
    assert response.status_code == 201, response.text
    return response.json()


def reply_path(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://mp\.example(/reply/\S+)", text).group(1)


def session_answers(app) -> list:
    with Session(app.state.engine) as session:
        return list(session.exec(select(ProcessorAnswer)).all())


def test_request_mail_lists_exactly_the_missing_facts_and_the_reply_link_works(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    # Missing over the open early warning, incident notification and (provisional) final report, in due order;
    # profile references (contact.*) and our own assessments (cross-border effects) are ours to fill, not the
    # processor's (workflows/facts.yaml `processor: true`).
    assert linked["requested_facts"] == [
        "malicious_suspected",
        "started_at",
        "severity",
        "impact",
        "causes",
        "measures_taken",
        "indicators",
        "root_cause",
        "mitigation_ongoing",
    ]
    actions = tick(T0 + timedelta(hours=1))
    assert [a["action"] for a in actions if a["action"].startswith("mail")] == ["mail.sent"]
    [mail] = smtp.handler.by_key(f"processor:{linked['id']}:level:1")
    assert mail.rcpt_tos == ["servicedesk@nimbus.example"]
    text = mail.message.get_body(("plain",)).get_content()
    assert "Vermoedelijk onrechtmatige of kwaadwillige handeling" in text and "Aard en omvang" not in text
    path = reply_path(mail.message)

    with freeze_time(T0 + timedelta(hours=2)):
        page = client.get(path, headers={"Authorization": ""})
        assert page.status_code == 200 and 'name="severity"' in page.text and 'name="nature"' not in page.text
        form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""}
        answers = "severity=high&causes=Verlopen+certificaat&malicious_suspected=nee"
        # "gisteren" is no instant: the officer's fact form refuses it, so the reply page does too (issue 11).
        refused = client.post(path, content=answers + "&started_at=gisteren", headers=form)
        assert refused.status_code == 422 and 'id="error-started_at"' in refused.text
        assert session_answers(app) == []
        answered = client.post(path, content=answers, headers=form)
        assert answered.status_code == 200, answered.text
    with Session(app.state.engine) as session:
        facts = session.get(Incident, incident["id"]).facts
        answer = session.exec(select(ProcessorAnswer)).one()
    assert facts["severity"] == "high" and facts["causes"] == "Verlopen certificaat"
    assert facts["malicious_suspected"] is False
    assert facts["nature"] == "Versleuteling van de opslag (ingevuld door ons)"  # never overwritten
    assert "started_at" not in facts
    assert answer.author == "processor:NimbusCloud B.V."
    assert "nature" not in answer.answers  # nature was not asked
    assert sorted(answer.applied) == ["causes", "malicious_suspected", "severity"]
    audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
    assert any(r["event_type"] == "processor.answered" and r["actor"] == "processor:NimbusCloud B.V." for r in audit)
    # An answered request is not escalated.
    assert [a for a in tick(T0 + timedelta(hours=30)) if a["action"] == "processor.escalated"] == []


def test_an_altered_or_expired_link_is_refused(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    tick(T0 + timedelta(hours=1))
    path = reply_path(smtp.handler.by_key(f"processor:{linked['id']}:level:1")[0].message)
    payload, mac = path.removeprefix("/reply/").split(".")
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "AB")
    with freeze_time(T0 + timedelta(hours=2)):
        assert client.get(f"/reply/{forged_payload}.{mac}").status_code == 403
        assert client.get(f"/reply/{payload}.{mac[:-1]}x").status_code == 403
        assert client.get("/reply/nonsense").status_code == 403
        refused = client.post(
            f"/reply/{payload}.{mac[:-1]}x",
            content="severity=low",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert refused.status_code == 403 and "ongeldig" in refused.text
    with freeze_time(T0 + timedelta(days=15, hours=2)):
        expired = client.get(path)
        assert expired.status_code == 410 and "verlopen" in expired.text
    with Session(app.state.engine) as session:
        assert session.exec(select(ProcessorAnswer)).all() == []


def test_no_answer_within_the_term_escalates_one_level_at_a_time_up_to_level_3(client, app, smtp, tick):
    incident, processor = setup_incident(client, app)
    linked = link(client, incident["id"], processor["id"])
    start = T0 + timedelta(hours=1)
    escalations = []
    for hours in (1, 4.9, 5, 5, 8.9, 9, 13, 30):
        escalations += [a for a in tick(start + timedelta(hours=hours - 1)) if a["action"] == "processor.escalated"]
    assert [(e["from_level"], e["to_level"]) for e in escalations] == [(1, 2), (2, 3)]
    chase = smtp.handler.by_key(f"processor:{linked['id']}:")
    assert [m.rcpt_tos for m in chase] == [
        ["servicedesk@nimbus.example"],
        ["eva@nimbus.example"],
        ["dpo@nimbus.example"],
    ]
    assert "ESCALATIE (niveau 2)" in chase[1].message["Subject"]
    audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
    assert [r["payload"]["to_level"] for r in audit if r["event_type"] == "processor.escalated"] == [2, 3]
    assert client.get(f"/api/v1/incidents/{incident['id']}/processors").json()[0]["current_level"] == 3
    assert linked["current_level"] == 1


def test_timeliness_report(client, app, smtp):
    incident, processor = setup_incident(client, app)
    other = new_incident(client, title="Tweede incident")
    link(
        client,
        incident["id"],
        processor["id"],
        processor_aware_at=(T0 - timedelta(hours=10)).isoformat(),
        informed_at=T0.isoformat(),
    )
    link(
        client,
        other["id"],
        processor["id"],
        processor_aware_at=(T0 - timedelta(hours=3)).isoformat(),
        informed_at=(T0 - timedelta(hours=1)).isoformat(),
    )
    report = client.get(f"/api/v1/processors/{processor['id']}/report").json()
    assert (report["incidents"], report["late"], report["on_time"]) == (2, 1, 1)
    assert [(i["delay_hours"], i["late"]) for i in report["items"]] == [(10.0, True), (2.0, False)]
    everyone = client.get("/api/v1/processors/report").json()
    assert everyone[0]["late"] == 1


def test_bad_input_is_a_4xx_naming_the_field(client, app, smtp):
    incident, processor = setup_incident(client, app)
    assert (
        client.post("/api/v1/processors", json={**CLOUD, "name": "X", "notification_term_hours": 0}).status_code == 422
    )
    assert client.post("/api/v1/processors", json=CLOUD).status_code == 409
    missing = client.post(f"/api/v1/incidents/{incident['id']}/processors", json={"processor_id": 999})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "processor_id"]
    with freeze_time(T0 + timedelta(hours=1)):
        wrong = client.post(
            f"/api/v1/incidents/{incident['id']}/processors",
            json={"processor_id": processor["id"], "processor_aware_at": "2026-11-16T08:00"},
        )
    assert wrong.status_code == 422
    link(client, incident["id"], processor["id"])
    with freeze_time(T0 + timedelta(hours=1)):
        again = client.post(f"/api/v1/incidents/{incident['id']}/processors", json={"processor_id": processor["id"]})
    assert again.status_code == 409
    assert client.get("/api/v1/processors", headers={"Authorization": "Bearer wrong"}).status_code == 401
