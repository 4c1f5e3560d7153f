"""Telecom providers (ePrivacy art. 4(3), Regulation 611/2013 art. 2): every breach to the AP within 24 h."""

from freezegun import freeze_time

from tests.conftest import deadline, new_incident, post_event, put_organisation

TELECOM = {
    "sector": "digital_infrastructure",
    "entity_type": "public_electronic_communications",
    "staff_count": 80,
    "annual_turnover_eur": 20_000_000,
    "balance_sheet_eur": 15_000_000,
}


@freeze_time("2026-06-01T10:00:00Z")
def test_risk_none_still_opens_the_24_hour_notification(client):
    put_organisation(client, **TELECOM)
    iid = new_incident(client)["id"]
    incident = post_event(
        client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="none", reasoning="versleuteld"
    )
    avg = next(t for t in incident["tracks"] if t["regime"] == "avg")
    assert avg["state"] == "notification_due"
    ap = deadline(incident, "avg", "ap_notification")
    assert ap["due"] == "2026-06-02T10:00:00+02:00"
    assert "611/2013" in ap["legal_basis"]
    assert [d["stage"] for d in incident["deadlines"] if d["regime"] == "avg"] == ["ap_notification"]


@freeze_time("2026-06-01T10:00:00Z")
def test_telecom_high_risk_also_owes_the_data_subjects(client):
    put_organisation(client, **TELECOM)
    iid = new_incident(client)["id"]
    incident = post_event(
        client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="high", reasoning="wachtwoorden"
    )
    assert deadline(incident, "avg", "ap_notification")["due"] == "2026-06-02T10:00:00+02:00"
    # the data-subject communication has no fixed deadline; it is submittable (the page lists it)
    again = post_event(
        client,
        iid,
        type="avg.submitted",
        stage="data_subject_communication",
        submitted_at="2026-06-01T09:00:00Z",
    )
    assert next(t for t in again["tracks"] if t["regime"] == "avg")["state"] == "notification_due"


@freeze_time("2026-06-01T10:00:00Z")
def test_other_organisations_keep_72_hours_and_the_risk_exemption(client):
    put_organisation(client)
    iid = new_incident(client)["id"]
    incident = post_event(
        client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="none", reasoning="versleuteld"
    )
    assert next(t for t in incident["tracks"] if t["regime"] == "avg")["state"] == "not_notifiable"
    assert [d for d in incident["deadlines"] if d["regime"] == "avg"] == []
    other = new_incident(client, title="B")["id"]
    incident = post_event(client, other, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    assert deadline(incident, "avg", "ap_notification")["due"] == "2026-06-04T10:00:00+02:00"


def test_the_variant_is_data_in_the_workflow_file():
    from notifier.config import PROJECT_ROOT
    from notifier.workflow import load_registry

    avg = load_registry(PROJECT_ROOT / "workflows").workflows["avg"]
    variants = avg.stages["ap_notification"].variants
    telecom = [v for v in variants if v.when.get("organisation.entity_type") == "public_electronic_communications"]
    assert telecom and telecom[0].due.hours == 24 and telecom[0].applies_when == {}


@freeze_time("2026-06-01T10:00:00Z")
def test_the_ap_draft_states_the_term_that_applies(client):
    """The AP notification said "within 72 hours" for a telecom provider, whose term is 24 h."""
    put_organisation(client, **TELECOM)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="avg.breach", aware_at="2026-06-01T08:00:00Z", risk="risk", reasoning="x")
    nl = client.get(f"/api/v1/incidents/{iid}/submissions/avg/ap_notification?lang=nl").json()["text"]
    en = client.get(f"/api/v1/incidents/{iid}/submissions/avg/ap_notification?lang=en").json()["text"]
    assert "Gemeld binnen 24 uur na kennisname" in nl and "72 uur" not in nl
    assert "Notified within 24 hours of awareness" in en and "72 hours" not in en
