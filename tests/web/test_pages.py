"""The pages through the real app (TestClient): forms keep the input and name the field, changes are audited."""

import html
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from notifier import clock
from notifier.audit.models import AuditRecord
from notifier.web.forms import local_input
from tests.conftest import new_incident, post_event, put_organisation
from tests.web.test_avg_forms import set_language

ROOT = Path(__file__).resolve().parents[2]
ZONE_NOW = lambda: local_input(clock.now(), __import__("zoneinfo").ZoneInfo("Europe/Amsterdam"))  # noqa: E731


def errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([^"]+)-error" role="alert">([^<]+)</p>', html))


def test_log_incident_keeps_input_and_names_the_field(client, signed_in):
    put_organisation(client)
    web, token = signed_in("officer")
    future = local_input(clock.now() + timedelta(days=2), __import__("zoneinfo").ZoneInfo("Europe/Amsterdam"))
    page = web.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "title": "",
            "summary": "Mail server sends spam",
            "fact_subjects_min": "many",
            "significant": "yes",
            "cbw_aware_at": future,
            "cbw_reasoning": "",
        },
    )
    assert page.status_code == 422
    found = errors(page.text)
    assert {"title", "fact_subjects_min", "cbw_reasoning"} <= set(found)
    assert "Mail server sends spam" in page.text and 'value="many"' in page.text
    # A future awareness time is refused by the service and shown at its field, with nothing written.
    page = web.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "title": "Spam",
            "significant": "yes",
            "cbw_aware_at": future,
            "cbw_reasoning": "x",
        },
    )
    assert page.status_code == 422 and "cbw_aware_at" in errors(page.text)
    assert client.get("/api/v1/incidents").json() == []


def test_confirm_submitted_needs_the_missing_fields_acknowledged(client, signed_in):
    put_organisation(client)
    incident = new_incident(client)
    aware = (clock.now() - timedelta(minutes=5)).isoformat()
    post_event(client, incident["id"], type="cbw.significant", aware_at=aware, reasoning="EPD down")
    web, token = signed_in("officer")
    form = {
        "csrf_token": token,
        "type": "cbw.submitted",
        "stage": "early_warning",
        "submitted_at": ZONE_NOW(),
        "reference": "NCSC-42",
        "language": "nl",
    }
    page = web.post(f"/incidents/{incident['id']}/events", data=form)
    assert page.status_code == 422
    assert "ack_missing" in errors(page.text) and 'value="NCSC-42"' in page.text
    assert client.get(f"/api/v1/incidents/{incident['id']}").json()["submissions"] == []
    page = web.post(f"/incidents/{incident['id']}/events", data={**form, "ack_missing": "yes"})
    assert page.status_code == 200, errors(page.text) or re.findall(r"class=\"error\"[^>]*>([^<]+)", page.text)
    assert re.search(r'data-stage="early_warning" data-status="met"', page.text)
    ledger = client.get(f"/api/v1/incidents/{incident['id']}/submissions").json()
    assert ledger[0]["reference"] == "NCSC-42" and ledger[0]["confirmed_by"].startswith("user:officer")
    assert "malicious_suspected" in ledger[0]["missing"]


def test_late_ap_notification_asks_for_the_delay_reason(app, client, signed_in):
    put_organisation(client)
    incident = new_incident(client)
    aware = (clock.now() - timedelta(hours=80)).isoformat()
    post_event(client, incident["id"], type="avg.breach", aware_at=aware, risk="risk", reasoning="Patient data")
    web, token = signed_in("officer")
    page = web.get(f"/incidents/{incident['id']}")
    assert 'name="delay_reason"' in page.text  # shown because the deadline has passed
    form = {
        "csrf_token": token,
        "type": "avg.submitted",
        "stage": "ap_notification",
        "submitted_at": ZONE_NOW(),
        "reference": "AP-1",
        "language": "nl",
        "ack_missing": "yes",
    }
    page = web.post(f"/incidents/{incident['id']}/events", data=form)
    assert page.status_code == 422 and "delay_reason" in errors(page.text)
    # In the officer's words and zone (the test users read English), not the service's codes and ISO time.
    said = html.unescape(errors(page.text)["delay_reason"])
    assert said.startswith("The deadline for the breach notification to the AP passed at "), said
    assert "ap_notification" not in said and "T" not in said.split(" at ")[1][:12], said
    set_language(app, "nl")
    page = web.post(f"/incidents/{incident['id']}/events", data=form)
    said = html.unescape(errors(page.text)["delay_reason"])
    assert said.startswith("De termijn voor ‘melding datalek aan de AP’ is verstreken op "), said
    assert said.endswith("geef bij een te late indiening de reden van de vertraging."), said
    page = web.post(f"/incidents/{incident['id']}/events", data={**form, "delay_reason": "Weekend, no DPO"})
    assert page.status_code == 200
    assert re.search(r'data-stage="ap_notification" data-status="late"', page.text)


def test_facts_form_updates_through_the_service_and_is_audited(client, signed_in, app):
    incident = new_incident(client)
    web, token = signed_in("officer")
    page = web.post(
        f"/incidents/{incident['id']}/facts",
        data={
            "csrf_token": token,
            "fact_records_count": "12 thousand",
            "fact_nature": "Encrypted file servers",
        },
    )
    assert page.status_code == 422 and "fact_records_count" in errors(page.text)
    assert "Encrypted file servers" in page.text
    page = web.post(
        f"/incidents/{incident['id']}/facts",
        data={
            "csrf_token": token,
            "fact_records_count": "12.000",
            "fact_started_at": "2026-01-05T03:10",
            "fact_malicious_suspected": "yes",
            "fact_breach_nature": "read\ncopied",
        },
    )
    assert page.status_code == 200
    facts = client.get(f"/api/v1/incidents/{incident['id']}/facts").json()["facts"]
    assert facts["records_count"] == 12000 and facts["malicious_suspected"] is True
    assert facts["started_at"] == "2026-01-05T03:10:00+01:00"  # answered in the organisation's offset (CET)
    assert facts["breach_nature"] == ["read", "copied"]
    with Session(app.state.engine) as s:
        record = s.exec(select(AuditRecord).where(AuditRecord.event_type == "incident.facts_updated")).one()
    assert record.actor.startswith("user:officer")


def test_dashboard_orders_by_next_deadline_with_urgency(client, signed_in):
    put_organisation(client)
    now = clock.now()
    for title, hours_ago in (("overdue", 30), ("urgent", 22), ("soon", 10)):
        incident = new_incident(client, title=title)
        aware = (now - timedelta(hours=hours_ago)).isoformat()
        post_event(client, incident["id"], type="cbw.significant", aware_at=aware, reasoning="x")
    later = new_incident(client, title="later")  # an AP notification: 72 hours
    aware = (now - timedelta(hours=1)).isoformat()
    post_event(client, later["id"], type="avg.breach", aware_at=aware, risk="risk", reasoning="x")
    triage = new_incident(client, title="Unassessed alert")
    web, _ = signed_in("viewer")
    page = web.get("/").text
    cards = re.findall(r'data-urgency="(\w+)" data-incident="\d+"', page)
    assert cards == ["overdue", "urgent", "soon", "later"]
    assert page.count('data-due="') >= 4 and "Z-CERT" in page
    assert f'/incidents/{triage["id"]}">Unassessed alert' in page  # in the triage queue
    assert page.count('<svg class="timeline"') == 4 and "<title>" in page


def test_settings_pages_save_through_the_services(client, signed_in):
    web, token = signed_in("administrator")
    page = web.post(
        "/settings",
        data={
            "csrf_token": token,
            "name": "",
            "sector": "health",
            "entity_type": "healthcare_provider",
            "kvk_number": "123",
        },
    )
    assert page.status_code == 422 and {"name", "kvk_number"} <= set(errors(page.text))
    page = web.post(
        "/settings",
        data={
            "csrf_token": token,
            "name": "Ziekenhuis",
            "sector": "health",
            "entity_type": "healthcare_provider",
            "staff_count": "2400",
            "timezone": "Europe/Amsterdam",
            "dpo_name": "Dirk",
            "dpo_email": "nope",
        },
    )
    assert page.status_code == 422 and "dpo_email" in errors(page.text)
    page = web.post(
        "/settings",
        data={
            "csrf_token": token,
            "name": "Ziekenhuis",
            "sector": "health",
            "entity_type": "healthcare_provider",
            "staff_count": "2400",
            "timezone": "Europe/Amsterdam",
        },
    )
    assert page.status_code == 200 and "essential" in page.text
    assert client.get("/api/v1/organisation").json()["classification"] == "essential"

    page = web.post(
        "/settings/users",
        data={"csrf_token": token, "email": "p@example.org", "name": "P", "role": "officer", "password": "short"},
    )
    assert page.status_code == 422 and "password" in errors(page.text) and 'value="p@example.org"' in page.text
    page = web.post(
        "/settings/users",
        data={
            "csrf_token": token,
            "email": "p@example.org",
            "name": "P",
            "role": "officer",
            "password": "a much longer passphrase",
        },
    )
    assert page.status_code == 200 and "p@example.org" in page.text

    page = web.post(
        "/settings/processors",
        data={
            "csrf_token": token,
            "name": "CloudCo",
            "notification_term_hours": "24",
            "level1_name": "Desk",
            "level1_email": "desk@cloudco.example",
        },
    )
    assert page.status_code == 200 and "CloudCo" in page.text
    assert [p["name"] for p in client.get("/api/v1/processors").json()] == ["CloudCo"]
    processor_id = client.get("/api/v1/processors").json()[0]["id"]
    page = web.get(f"/settings/processors?edit={processor_id}")
    assert 'value="desk@cloudco.example"' in page.text and f'name="id" value="{processor_id}"' in page.text
    page = web.post(
        "/settings/processors",
        data={
            "csrf_token": token,
            "id": str(processor_id),
            "name": "CloudCo",
            "notification_term_hours": "12",
            "level1_name": "Desk",
            "level1_email": "desk@cloudco.example",
            "level2_name": "Account",
            "level2_email": "am@cloudco.example",
        },
    )
    assert page.status_code == 200
    saved = client.get("/api/v1/processors").json()
    assert len(saved) == 1 and saved[0]["notification_term_hours"] == 12 and len(saved[0]["contacts"]) == 2

    page = web.post("/settings/sources/wazuh", data={"csrf_token": token})
    token_shown = re.search(r'<code id="new-token">([^<]+)</code>', page.text).group(1)
    answer = client.post("/api/v1/intake/wazuh", json={}, headers={"Authorization": f"Bearer {token_shown}"})
    assert answer.status_code != 401


def test_cli_refuses_a_weak_password(settings):
    env = {"NOTIFIER_DATABASE_URL": settings.database_url, "NOTIFIER_ENV": "test", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "notifier.cli",
            "users",
            "add",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "administrator",
            "--password-stdin",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2 and "--password: must be at least 12 characters" in done.stderr


def test_significance_assistant_proposes_and_the_officer_decides(client, signed_in):
    put_organisation(client)
    incident = new_incident(client)
    questions = client.get(f"/api/v1/incidents/{incident['id']}/assessment/questions").json()["questions"]
    web, token = signed_in("officer")
    page = web.get(f"/incidents/{incident['id']}")
    assert all(f'name="q_{q["id"]}"' in page.text for q in questions)
    answers = {f"q_{q['id']}": ("no" if q["kind"] == "bool" else "0") for q in questions}
    answers["q_recurrence_count"] = "1"  # "this one included": 0 is refused, as by the API
    answers["q_severe_operational_disruption"] = "yes"
    answers["q_unavailable_minutes"] = "lots"
    page = web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 422 and "q_unavailable_minutes" in errors(page.text)
    assert 'value="lots"' in page.text
    answers["q_unavailable_minutes"] = "240"
    page = web.post(f"/incidents/{incident['id']}/assessment", data={"csrf_token": token, **answers})
    assert page.status_code == 200 and 'class="proposal yes"' in page.text
    page = web.post(
        f"/incidents/{incident['id']}/assessment/1/confirm",
        data={"csrf_token": token, "agree": "yes", "aware_at": ZONE_NOW()},
    )
    assert page.status_code == 200
    cbw = next(t for t in client.get(f"/api/v1/incidents/{incident['id']}").json()["tracks"] if t["regime"] == "cbw")
    assert cbw["state"] == "early_warning_due" and cbw["declared_by"].startswith("user:officer")


def test_processor_is_involved_from_the_incident_page(client, signed_in):
    put_organisation(client)
    incident = new_incident(client)
    body = {
        "name": "CloudCo",
        "notification_term_hours": 24,
        "contacts": [{"level": 1, "name": "Desk", "email": "desk@cloudco.example"}],
    }
    assert client.post("/api/v1/processors", json=body).status_code in (200, 201)
    web, token = signed_in("officer")
    page = web.get(f"/incidents/{incident['id']}")
    assert "No processors involved." in page.text and ">CloudCo</option>" in page.text
    processor_id = re.search(r'<option value="(\d+)"[^>]*>CloudCo</option>', page.text).group(1)
    future = local_input(clock.now() + timedelta(days=1), __import__("zoneinfo").ZoneInfo("Europe/Amsterdam"))
    page = web.post(
        f"/incidents/{incident['id']}/processors",
        data={"csrf_token": token, "processor_id": processor_id, "processor_aware_at": future},
    )
    assert page.status_code == 422 and "processor_aware_at" in errors(page.text)
    page = web.post(
        f"/incidents/{incident['id']}/processors",
        data={"csrf_token": token, "processor_id": processor_id, "processor_aware_at": ZONE_NOW()},
    )
    assert page.status_code == 200
    assert "Waiting for an answer" in page.text and "processor.linked" in page.text


def test_dashboard_lists_recent_siem_alerts(app, client, signed_in):
    from notifier.intake.models import IntakeAlert

    incident = new_incident(client, title="Wazuh: brute force on VPN")
    with Session(app.state.engine) as s:
        s.add(
            IntakeAlert(
                source="wazuh",
                external_id="a-1",
                title="Multiple authentication failures",
                severity=3,
                correlation_key="k",
                incident_id=incident["id"],
                raw="{}",
            )
        )
        s.commit()
    web, _ = signed_in("viewer")
    page = web.get("/").text
    assert "Multiple authentication failures" in page and 'class="sev sev-high"' in page
    assert f'href="/incidents/{incident["id"]}">#{incident["id"]}</a>' in page


def test_user_input_is_escaped_everywhere(client, signed_in):
    put_organisation(client)
    incident = new_incident(client, title="<script>alert(1)</script>")
    aware = (clock.now() - timedelta(hours=1)).isoformat()
    post_event(client, incident["id"], type="cbw.significant", aware_at=aware, reasoning="<img src=x onerror=1>")
    web, _ = signed_in("viewer")
    for path in ("/", f"/incidents/{incident['id']}"):
        page = web.get(path).text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_unknown_incident_is_a_404_page(signed_in):
    web, _ = signed_in("viewer")
    page = web.get("/incidents/999")
    assert page.status_code == 404 and "Not found" in page.text and page.headers["content-type"].startswith("text/html")


def test_password_change_checks_the_current_one(app, web_client):
    from tests.web.conftest import PASSWORD, add_user, sign_in

    add_user(app, "vera@example.org", "viewer")
    token = sign_in(web_client, "vera@example.org")
    page = web_client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "wrong", "password": "another long passphrase"},
    )
    assert page.status_code == 422 and "current_password" in errors(page.text)
    page = web_client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "password": "another long passphrase"},
    )
    assert page.status_code == 200
    web_client.post("/signout", data={"csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', web_client.get("/signin").text).group(1)
    page = web_client.post(
        "/signin", data={"csrf_token": token, "email": "vera@example.org", "password": "another long passphrase"}
    )
    assert page.url.path == "/"
