"""Facts, completeness, the ledger (immutability, hash, audit), late AP notifications, inconsistencies, printing."""

import shutil

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session

from notifier.config import PROJECT_ROOT
from notifier.incidents.models import Submission
from notifier.main import create_app
from notifier.submissions import pdf
from notifier.submissions.ledger import LedgerImmutable
from notifier.submissions.render import sha256
from tests.conftest import AUTH, new_incident, post_event, put_organisation
from tests.submissions.conftest import draft, ledger, set_facts


def audit(client: TestClient, incident_id: int, event_type: str) -> list[dict]:
    rows = client.get(f"/api/v1/incidents/{incident_id}/audit").json()
    return [r for r in rows if r["event_type"] == event_type]


def significant(client: TestClient, aware_at: str = "2026-11-23T08:30:00Z") -> int:
    put_organisation(client)
    iid = new_incident(client)["id"]
    post_event(client, iid, type="cbw.significant", aware_at=aware_at, reasoning="EPD onbeschikbaar")
    return iid


# --- facts -------------------------------------------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
def test_facts_are_validated_per_type_and_name_the_field(client):
    iid = new_incident(client)["id"]
    cases = {
        "no_such_fact": "x",
        "started_at": "2026-11-23T03:10:00",  # no offset
        "malicious_suspected": "yes",
        "affected_users": -1,
        "severity": "apocalyptic",
        "breach_nature": ["read", "eaten"],
        "records_count": True,
    }
    for key, value in cases.items():
        response = client.patch(f"/api/v1/incidents/{iid}/facts", json={key: value})
        assert response.status_code == 422, (key, response.text)
        assert response.json()["detail"][0]["loc"][-1] == key
    future = client.patch(f"/api/v1/incidents/{iid}/facts", json={"started_at": "2026-11-24T09:00:00Z"})
    assert future.status_code == 422 and "future" in future.json()["detail"][0]["msg"]


@freeze_time("2026-11-23T09:00:00Z")
def test_facts_store_utc_clear_with_null_and_are_audited(client):
    iid = new_incident(client)["id"]
    body = set_facts(
        client, iid, started_at="2026-11-23T03:10:00+01:00", breach_nature=["stolen", "read"], affected_users=12
    )
    assert body["facts"] == {
        "started_at": "2026-11-23T03:10:00+01:00",  # answered in the organisation's offset, stored in UTC (below)
        "breach_nature": ["read", "stolen"],  # catalogue order
        "affected_users": 12,
    }
    body = set_facts(client, iid, affected_users=None, nature="Versleuteld")
    assert "affected_users" not in body["facts"] and body["facts"]["nature"] == "Versleuteld"
    records = audit(client, iid, "incident.facts_updated")
    assert len(records) == 2
    assert records[0]["payload"]["changed"]["started_at"]["after"] == "2026-11-23T02:10:00+00:00"
    assert records[1]["payload"]["changed"] == {
        "affected_users": {"before": 12, "after": None},
        "nature": {"before": None, "after": "Versleuteld"},
    }
    assert client.get(f"/api/v1/incidents/{iid}").json()["facts"]["nature"] == "Versleuteld"


@freeze_time("2026-11-23T09:00:00Z")
def test_a_bad_key_writes_nothing(client):
    iid = new_incident(client)["id"]
    set_facts(client, iid, expect=422, nature="Versleuteld", subjects_min=10, subjects_max=5)
    assert client.get(f"/api/v1/incidents/{iid}/facts").json() == {"facts": {}}
    assert audit(client, iid, "incident.facts_updated") == []


# --- completeness and the ledger ----------------------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
def test_missing_required_field_is_reported_and_recorded_with_the_filing(client):
    iid = significant(client)
    set_facts(client, iid, malicious_suspected=True)
    body = draft(client, iid, "cbw", "early_warning")
    assert body["missing"] == ["cross_border_possible"]
    assert body["present"] == ["malicious_suspected", "contact.reporting_officer"]
    assert "[ontbreekt: Mogelijk grensoverschrijdende gevolgen]" in body["text"]
    assert [r["id"] for r in body["recipients"]] == ["z_cert", "igj"]
    assert body["json"]["required"]["missing"] == ["cross_border_possible"]

    # An incomplete early warning on time beats a complete one too late: accepted, and the gap is recorded.
    post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-11-23T09:00:00Z")
    entry = ledger(client, iid)[0]
    assert entry["missing"] == ["cross_border_possible"]
    assert entry["language"] == "nl" and entry["confirmed_by"]
    assert entry["sha256"] == sha256(entry["text"], entry["json"])
    record = audit(client, iid, "cbw.submitted")[0]
    assert record["payload"]["missing"] == ["cross_border_possible"]
    assert record["payload"]["sha256"] == entry["sha256"]


@freeze_time("2026-11-23T09:00:00Z")
def test_filed_text_never_changes_when_facts_change(client, app):
    iid = significant(client)
    set_facts(client, iid, malicious_suspected=True, cross_border_possible=False)
    post_event(
        client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-11-23T09:00:00Z", language="en"
    )
    filed = ledger(client, iid)[0]
    assert filed["text"].startswith("# Early warning")

    set_facts(client, iid, malicious_suspected=False, cross_border_possible=True)
    assert (
        "## 1. Suspected unlawful or malicious action\nNo" in draft(client, iid, "cbw", "early_warning", "en")["text"]
    )
    again = ledger(client, iid)[0]
    assert again["text"] == filed["text"] and again["json"] == filed["json"] and again["intact"] is True
    assert "## 1. Suspected unlawful or malicious action\nYes" in again["text"]

    with Session(app.state.engine) as session:
        row = session.get(Submission, filed["id"])
        row.text = "something else"
        session.add(row)
        with pytest.raises(LedgerImmutable):
            session.commit()
        session.rollback()
        row = session.get(Submission, filed["id"])
        session.delete(row)
        with pytest.raises(LedgerImmutable):
            session.commit()


def test_late_ap_notification_needs_a_delay_reason(client):
    with freeze_time("2026-11-23T09:00:00Z") as clock:
        iid = significant(client)
        post_event(client, iid, type="avg.breach", aware_at="2026-11-23T08:00:00Z", risk="risk", reasoning="NAW")
        clock.move_to("2026-11-27T10:00:00Z")
        assert "delay_reason" in draft(client, iid, "avg", "ap_notification")["missing"]
        refused = client.post(
            f"/api/v1/incidents/{iid}/events",
            json={"type": "avg.submitted", "stage": "ap_notification", "submitted_at": "2026-11-27T10:00:00Z"},
        )
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"][-1] == "delay_reason"
        assert ledger(client, iid) == []

        reason = "De omvang was pas na forensisch onderzoek bekend."
        post_event(
            client,
            iid,
            type="avg.submitted",
            stage="ap_notification",
            submitted_at="2026-11-27T10:00:00Z",
            delay_reason=reason,
        )
        entry = ledger(client, iid)[0]
        assert "- **Gemeld binnen 72 uur na kennisname:** Nee" in entry["text"]
        assert f"**Reden voor melding later dan 72 uur (art. 33(1))**\n{reason}" in entry["text"]
        assert entry["json"]["delay_reason"] == reason and entry["json"]["deadline"]["late"] is True
        assert "delay_reason" not in entry["missing"]


def test_inconsistent_facts_across_regimes_are_shown(client):
    with freeze_time("2026-11-23T09:00:00Z") as clock:
        iid = significant(client)
        set_facts(client, iid, started_at="2026-11-23T03:10:00+01:00", severity="high", nature="Versleuteld")
        post_event(client, iid, type="avg.breach", aware_at="2026-11-23T08:40:00Z", risk="risk", reasoning="NAW")
        post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-11-23T09:00:00Z")
        post_event(
            client, iid, type="cbw.submitted", stage="incident_notification", submitted_at="2026-11-23T09:00:00Z"
        )
        assert client.get(f"/api/v1/incidents/{iid}").json()["inconsistencies"] == []

        clock.move_to("2026-11-24T09:00:00Z")
        set_facts(client, iid, started_at="2026-11-22T23:40:00+01:00", nature="Versleuteld en gestolen")
        post_event(client, iid, type="avg.submitted", stage="ap_notification", submitted_at="2026-11-24T09:00:00Z")
        found = client.get(f"/api/v1/incidents/{iid}").json()["inconsistencies"]
        # Free text (nature) is narrative and not compared; the start time is a contradiction.
        assert [i["fact"] for i in found] == ["started_at"]
        values = {(v["regime"], v["stage"]): v["value"] for v in found[0]["values"]}
        assert values == {
            ("cbw", "incident_notification"): "2026-11-23T02:10:00+00:00",
            ("avg", "ap_notification"): "2026-11-22T22:40:00+00:00",
        }


# --- API shape, printing, fallback --------------------------------------------------------------------------------


@freeze_time("2026-11-23T09:00:00Z")
def test_unknown_regime_or_stage_is_404_and_bad_language_422(client):
    iid = significant(client)
    assert client.get(f"/api/v1/incidents/{iid}/submissions/dora/initial").status_code == 404
    assert client.get(f"/api/v1/incidents/{iid}/submissions/cbw/nope").status_code == 404
    assert client.get("/api/v1/incidents/999/submissions/cbw/early_warning").status_code == 404
    bad = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning", params={"lang": "de"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "lang"


@freeze_time("2026-11-23T09:00:00Z")
def test_printable_html_escapes_and_lists_missing_fields(client):
    iid = significant(client)
    set_facts(client, iid, malicious_suspected=True, nature="<script>alert(1)</script> & meer")
    response = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning/print")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in page
    assert "Ontbrekende verplichte gegevens: Mogelijk grensoverschrijdende gevolgen" in page
    assert "<h2>1. Vermoeden van onrechtmatige of kwaadwillige handeling</h2>" in page
    assert "@media print" in page

    post_event(
        client,
        iid,
        type="cbw.submitted",
        stage="early_warning",
        submitted_at="2026-11-23T09:00:00Z",
        reference="NCSC-1",
    )
    sub_id = ledger(client, iid)[0]["id"]
    filed = client.get(f"/api/v1/incidents/{iid}/submissions/filed/{sub_id}/print")
    assert filed.status_code == 200 and "kenmerk NCSC-1" in filed.text
    assert client.get(f"/api/v1/incidents/{iid}/submissions/filed/9999").status_code == 404


@freeze_time("2026-11-23T09:00:00Z")
def test_a_stage_without_its_own_template_uses_the_generic_one(settings, tmp_path):
    templates = tmp_path / "templates"
    (templates / "submissions").mkdir(parents=True)
    for name in ("_common.nl.md.j2", "_common.en.md.j2", "_generic.nl.md.j2", "_generic.en.md.j2", "labels.yaml"):
        shutil.copy(PROJECT_ROOT / "templates" / "submissions" / name, templates / "submissions" / name)
    app = create_app(settings.model_copy(update={"templates_dir": templates}))
    with TestClient(app, headers=AUTH) as client:
        iid = significant(client)
        text = draft(client, iid, "cbw", "final_report", "en")["text"]
        assert "## Required information" in text
        assert "- **Type of threat or root cause:** [missing: Type of threat or root cause]" in text
        assert "- **Officer responsible for the report:** Anna de Vries" in text
    app.state.engine.dispose()


@freeze_time("2026-11-23T09:00:00Z")
def test_pdf_of_draft_and_filed_report(client):
    if not pdf.available():
        pytest.skip("DejaVu Sans (fonts-dejavu-core) not installed")
    iid = significant(client)
    set_facts(client, iid, malicious_suspected=True, cross_border_possible=False, nature="Versleuteld — €, ë, ï")
    response = client.get(f"/api/v1/incidents/{iid}/submissions/cbw/early_warning/pdf", params={"lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 2000
    post_event(client, iid, type="cbw.submitted", stage="early_warning", submitted_at="2026-11-23T09:00:00Z")
    sub_id = ledger(client, iid)[0]["id"]
    filed = client.get(f"/api/v1/incidents/{iid}/submissions/filed/{sub_id}/pdf")
    assert filed.status_code == 200 and filed.content.startswith(b"%PDF-")
