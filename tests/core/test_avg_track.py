"""The AVG track (issue 12): the processor's clock, risk revisions, art. 34(3) exceptions, art. 34(4) demands and
the end of the breach when the incident is resolved. End to end through the HTTP API."""

from freezegun import freeze_time

from notifier.config import PROJECT_ROOT
from notifier.workflow import load_registry
from tests.conftest import deadline, new_incident, post_event, put_organisation

CLOUD = {
    "name": "NimbusCloud B.V.",
    "notification_term_hours": 4,
    "contacts": [{"level": 1, "name": "Servicedesk", "email": "servicedesk@nimbus.example"}],
}


def avg(incident: dict) -> dict:
    return next(t for t in incident["tracks"] if t["regime"] == "avg")


def avg_deadlines(incident: dict) -> list[dict]:
    return [d for d in incident["deadlines"] if d["regime"] == "avg"]


def link_processor(client, iid: int, **times) -> dict:
    processor = client.post("/api/v1/processors", json=CLOUD)
    assert processor.status_code == 201, processor.text
    response = client.post(
        f"/api/v1/incidents/{iid}/processors", json={"processor_id": processor.json()["id"], **times}
    )
    assert response.status_code == 201, response.text
    return response.json()


def problem_fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["loc"][-1] for e in response.json()["detail"]]


# --- the processor's clock ---------------------------------------------------------------------------------------


@freeze_time("2026-06-01T12:00:00Z")
def test_declaring_after_an_earlier_processor_notice_needs_awareness_reasoning(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    link_processor(client, iid, processor_aware_at="2026-06-01T05:00:00Z", informed_at="2026-06-01T06:00:00Z")
    body = {"type": "avg.breach", "aware_at": "2026-06-01T08:00:00Z", "risk": "risk", "reasoning": "klantdata"}

    refused = client.post(f"/api/v1/incidents/{iid}/events", json=body)
    assert problem_fields(refused) == ["awareness_reasoning"]
    assert "2026-06-01T08:00:00+02:00" in refused.json()["detail"][0]["msg"]  # names the processor's notice

    incident = post_event(client, iid, **body, awareness_reasoning="De melding kwam in een ongelezen mailbox")
    # the clock is not moved: 72 h from the awareness time entered, and a warning says so
    assert avg(incident)["aware_at"] == "2026-06-01T10:00:00+02:00"
    assert deadline(incident, "avg", "ap_notification")["due"] == "2026-06-04T10:00:00+02:00"
    assert incident["warnings"] == [
        {
            "code": "aware_after_processor_informed",
            "regime": "avg",
            "processor": "NimbusCloud B.V.",
            "informed_at": "2026-06-01T08:00:00+02:00",
            "aware_at": "2026-06-01T10:00:00+02:00",
        }
    ]
    assert avg(incident)["declaration"]["awareness_reasoning"] == "De melding kwam in een ongelezen mailbox"
    assert client.get(f"/api/v1/incidents/{iid}").json()["warnings"] == incident["warnings"]


@freeze_time("2026-06-01T12:00:00Z")
def test_a_link_recorded_after_the_declaration_warns_and_a_later_notice_does_not(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    incident = post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    assert incident["warnings"] == []
    link_processor(client, iid, informed_at="2026-06-01T07:30:00Z")
    warnings = client.get(f"/api/v1/incidents/{iid}").json()["warnings"]
    assert [(w["code"], w["informed_at"], w["aware_at"]) for w in warnings] == [
        ("aware_after_processor_informed", "2026-06-01T09:30:00+02:00", "2026-06-01T10:00:00+02:00")
    ]

    other = new_incident(client, title="B")["id"]
    post_event(client, other, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    client.post(f"/api/v1/incidents/{other}/processors", json={"processor_id": 1, "informed_at": "2026-06-01T09:00Z"})
    assert client.get(f"/api/v1/incidents/{other}").json()["warnings"] == []
    # informed after our own awareness time: nothing to explain, no reasoning asked
    third = new_incident(client, title="C")["id"]
    client.post(f"/api/v1/incidents/{third}/processors", json={"processor_id": 1, "informed_at": "2026-06-01T09:00Z"})
    post_event(client, third, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="none", reasoning="x")


# --- risk revisions ------------------------------------------------------------------------------------------


def test_a_revision_to_high_makes_the_communication_due_against_a_target(client):
    with freeze_time("2026-06-01T12:00:00Z"):
        put_organisation(client)
        iid = new_incident(client)["id"]
        incident = post_event(
            client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="adressen"
        )
        assert [d["stage"] for d in avg_deadlines(incident)] == ["ap_notification"]
        assert deadline(incident, "avg", "ap_notification")["target"] is False
    with freeze_time("2026-06-02T09:15:00Z"):
        incident = post_event(
            client, iid, type="avg.risk_revised", risk="high", reasoning="Ook BSN's in het bestand gevonden"
        )
    assert avg(incident)["state"] == "notification_due"
    assert avg(incident)["declaration"]["risk"] == "high"
    assert avg(incident)["reasoning"] == "Ook BSN's in het bestand gevonden"
    communication = deadline(incident, "avg", "data_subject_communication")
    assert communication["due"] == "2026-06-05T11:15:00+02:00"  # 72 h after the revision
    assert communication["target"] is True and communication["status"] == "open"
    # the AP clock stays on awareness
    assert deadline(incident, "avg", "ap_notification")["due"] == "2026-06-04T10:00:00+02:00"


@freeze_time("2026-06-01T12:00:00Z")
def test_a_revision_to_none_before_notifying_settles_the_track(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="laptop kwijt")
    incident = post_event(
        client, iid, type="avg.risk_revised", risk="none", reasoning="Laptop teruggevonden, schijf was versleuteld"
    )
    assert avg(incident)["state"] == "not_notifiable"
    assert avg(incident)["reasoning"] == "Laptop teruggevonden, schijf was versleuteld"
    assert avg_deadlines(incident) == []
    # and back: the AP notification is due again, still from awareness
    incident = post_event(client, iid, type="avg.risk_revised", risk="risk", reasoning="Toch een kopie gemaakt")
    assert avg(incident)["state"] == "notification_due"
    assert deadline(incident, "avg", "ap_notification")["due"] == "2026-06-04T10:00:00+02:00"


@freeze_time("2026-06-01T12:00:00Z")
def test_revisions_after_notifying_keep_the_track_notified_and_are_refused_when_withdrawn(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    post_event(client, iid, type="avg.submitted", stage="ap_notification", submitted_at="2026-06-01T11:00:00Z")
    incident = post_event(client, iid, type="avg.risk_revised", risk="none", reasoning="Onderzoek: niets ingezien")
    assert avg(incident)["state"] == "notified"
    missing = client.post(f"/api/v1/incidents/{iid}/events", json={"type": "avg.risk_revised", "risk": "high"})
    assert problem_fields(missing) == ["reasoning"]
    post_event(client, iid, type="avg.submitted", stage="withdrawal", submitted_at="2026-06-01T11:30:00Z")
    refused = client.post(
        f"/api/v1/incidents/{iid}/events", json={"type": "avg.risk_revised", "risk": "high", "reasoning": "x"}
    )
    assert refused.status_code == 409 and refused.json()["current_state"] == "withdrawn"


# --- art. 34(3) exceptions and art. 34(4) demands ---------------------------------------------------------------


def high_risk_incident(client) -> int:
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    post_event(client, iid, type="avg.risk_revised", risk="high", reasoning="wachtwoorden")
    return iid


@freeze_time("2026-06-01T12:00:00Z")
def test_an_art_34_3_exception_closes_the_communication_duty(client):
    iid = high_risk_incident(client)
    incident = post_event(
        client,
        iid,
        type="avg.subjects_not_informed",
        exception="subsequent_measures",
        reasoning="Alle wachtwoorden gereset voordat iemand ze kon gebruiken",
    )
    assert [d["stage"] for d in avg_deadlines(incident)] == ["ap_notification"]
    assert avg(incident)["declaration"]["subjects_not_informed"]["exception"] == "subsequent_measures"
    # the assessment's reasoning is not overwritten by the exception's
    assert avg(incident)["reasoning"] == "wachtwoorden"


@freeze_time("2026-06-01T12:00:00Z")
def test_disproportionate_effort_requires_the_public_communication(client):
    iid = high_risk_incident(client)
    body = {"type": "avg.subjects_not_informed", "exception": "disproportionate_effort", "reasoning": "geen adressen"}
    refused = client.post(f"/api/v1/incidents/{iid}/events", json=body)
    assert problem_fields(refused) == ["public_communication_at"]
    assert "34(3)(c)" in refused.json()["detail"][0]["msg"]
    bad = client.post(f"/api/v1/incidents/{iid}/events", json={**body, "exception": "forgotten"})
    assert problem_fields(bad) == ["exception"]
    incident = post_event(client, iid, **body, public_communication_at="2026-06-01T11:00:00Z")
    assert avg(incident)["declaration"]["subjects_not_informed"]["public_communication_at"].startswith("2026-06-01")
    assert [d["stage"] for d in avg_deadlines(incident)] == ["ap_notification"]


def test_an_ap_demand_makes_the_communication_due_by_its_date(client):
    with freeze_time("2026-06-01T12:00:00Z"):
        put_organisation(client)
        iid = new_incident(client)["id"]
        post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
        post_event(client, iid, type="avg.submitted", stage="ap_notification", submitted_at="2026-06-01T11:00:00Z")
        past = client.post(
            f"/api/v1/incidents/{iid}/events",
            json={"type": "avg.ap_demanded_communication", "due": "2026-06-01T10:00:00Z", "reference": "AP-1"},
        )
        assert problem_fields(past) == ["due"]
        incident = post_event(
            client, iid, type="avg.ap_demanded_communication", due="2026-06-08T17:00:00+02:00", reference="AP-2026-77"
        )
        demanded = deadline(incident, "avg", "data_subject_communication", sequence=1)
        assert demanded["due"] == "2026-06-08T17:00:00+02:00" and demanded["target"] is False
        assert [(r["stage"], r["requested_by"]) for r in incident["requests"]] == [
            ("data_subject_communication", "Autoriteit Persoonsgegevens (AP), AP-2026-77")
        ]
    with freeze_time("2026-06-09T12:00:00Z"):
        assert (
            deadline(client.get(f"/api/v1/incidents/{iid}").json(), "avg", "data_subject_communication", 1)["status"]
            == "overdue"
        )
        incident = post_event(
            client, iid, type="avg.submitted", stage="data_subject_communication", submitted_at="2026-06-08T14:00:00Z"
        )
        assert deadline(incident, "avg", "data_subject_communication", 1)["status"] == "met"


# --- the end of the breach ------------------------------------------------------------------------------------


@freeze_time("2026-06-03T12:00:00Z")
def test_resolving_the_incident_sets_the_end_of_the_breach(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    post_event(client, iid, type="avg.submitted", stage="ap_notification", submitted_at="2026-06-01T11:00:00Z")
    before = client.get(f"/api/v1/incidents/{iid}/submissions/avg/follow_up", params={"lang": "en"}).json()
    assert "still ongoing" in before["text"]
    post_event(client, iid, type="incident.resolved", resolved_at="2026-06-02T16:00:00Z")
    assert client.get(f"/api/v1/incidents/{iid}/facts").json()["facts"]["ended_at"] == "2026-06-02T18:00:00+02:00"
    after = client.get(f"/api/v1/incidents/{iid}/submissions/avg/follow_up", params={"lang": "en"}).json()
    assert "still ongoing" not in after["text"] and "2026" in after["text"]
    nl = client.get(f"/api/v1/incidents/{iid}/submissions/avg/follow_up", params={"lang": "nl"}).json()
    assert "Einde van de inbreuk" in nl["text"] and "duurt nog voort" not in nl["text"]


@freeze_time("2026-06-03T12:00:00Z")
def test_an_end_entered_by_the_officer_is_kept_on_resolving(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    patched = client.patch(f"/api/v1/incidents/{iid}/facts", json={"ended_at": "2026-06-01T09:00:00Z"})
    assert patched.status_code == 200, patched.text
    post_event(client, iid, type="incident.resolved", resolved_at="2026-06-02T16:00:00Z")
    assert client.get(f"/api/v1/incidents/{iid}/facts").json()["facts"]["ended_at"] == "2026-06-01T11:00:00+02:00"


# --- rules as data --------------------------------------------------------------------------------------------


def test_the_new_events_are_data_in_the_workflow_file():
    wf = load_registry(PROJECT_ROOT / "workflows").workflows["avg"]
    rows = [(tuple(tr.from_), tr.when.get("risk")) for tr in wf.track.transitions if tr.event == "risk_revised"]
    allowed = {state for from_, _ in rows for state in from_}
    assert allowed == {"pending", "not_notifiable", "notification_due", "notified"}
    assert wf.track.events["subjects_not_informed"].settles == "data_subject_communication"
    assert wf.track.events["ap_demanded_communication"].request == "data_subject_communication"
    rule = wf.stages["data_subject_communication"].due
    assert rule.from_ == "revised:risk" and rule.hours == 72 and rule.target is True


@freeze_time("2026-06-01T12:00:00Z")
def test_a_telecom_revision_to_none_keeps_the_notification_due(client):
    put_organisation(
        client,
        sector="digital_infrastructure",
        entity_type="public_electronic_communications",
        staff_count=80,
        annual_turnover_eur=20_000_000,
        balance_sheet_eur=15_000_000,
    )
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    incident = post_event(client, iid, type="avg.risk_revised", risk="none", reasoning="versleuteld")
    assert avg(incident)["state"] == "notification_due"
    assert deadline(incident, "avg", "ap_notification")["due"] == "2026-06-02T10:00:00+02:00"


def test_the_target_is_reminded_like_a_deadline(client, app):
    from sqlmodel import Session, select

    from notifier.reminders.models import ReminderStep

    with freeze_time("2026-06-01T12:00:00Z"):
        put_organisation(client)
        iid = new_incident(client)["id"]
        post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
        post_event(client, iid, type="avg.risk_revised", risk="high", reasoning="BSN")
    with Session(app.state.engine) as session:
        planned = session.exec(
            select(ReminderStep).where(
                ReminderStep.incident_id == iid, ReminderStep.stage == "data_subject_communication"
            )
        ).all()
    assert planned, "the target has reminder steps"


@freeze_time("2026-06-03T12:00:00Z")
def test_resolving_before_the_start_of_the_incident_is_refused(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    client.patch(f"/api/v1/incidents/{iid}/facts", json={"started_at": "2026-06-02T10:00:00Z"})
    refused = client.post(
        f"/api/v1/incidents/{iid}/events", json={"type": "incident.resolved", "resolved_at": "2026-06-02T09:00:00Z"}
    )
    assert problem_fields(refused) == ["resolved_at"]
    assert "started_at" in refused.json()["detail"][0]["msg"]
