"""Regimes live only in data (issue 14): a third regime that exists only in a temporary directory, a workflow file
and its two report templates, appears everywhere a regime appears, with no Python change.

The "internal drill": `declared` starts a 2 h and an 8 h stage; one transition table. It is loaded through
NOTIFIER_WORKFLOWS_DIR and NOTIFIER_TEMPLATES_DIR (beside copies of the stock regimes, which keep working)."""

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.config import Settings
from notifier.incidents.models import Track
from notifier.mail.models import OutboxMail
from notifier.main import create_app
from notifier.reminders.models import ReminderStep
from notifier.reminders.sweep import sweep
from tests.conftest import AUTH, TOKEN, new_incident, post_event, put_organisation
from tests.web.conftest import add_user, csrf_of, sign_in

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

DRILL = """\
regime: drill
version: 1
applies_from: 2026-01-01
title: {nl: "Interne oefening", en: "Internal drill"}
legal_basis: "Incident response plan, section 4 (internal)"
order: 3
track:
  initial: pending
  states:
    pending: {label: {nl: "Niet gestart", en: "Not started"}}
    first_look_due: {active: true, label: {nl: "Eerste blik nodig", en: "First look due"}}
    report_due: {active: true, label: {nl: "Oefenverslag nodig", en: "Drill report due"}}
    done: {label: {nl: "Oefening afgerond", en: "Drill completed"}}
  events:
    declared:
      starts_clock: true
      label: {nl: "Oefening starten", en: "Start the drill"}
      fields:
        aware_at: {type: datetime, required: true, not_future: true, default_now: true}
        scenario: {type: choice, choices: [phishing, outage], required: true,
                   label: {nl: "Scenario", en: "Scenario"},
                   choice_labels: {phishing: {nl: "Phishing-oefening", en: "Phishing exercise"},
                                   outage: {nl: "Uitval van het EPD", en: "Records system outage"}}}
        reasoning: {type: text, required: true}
    submitted:
      submission: true
      fields:
        stage: {type: stage, required: true}
        submitted_at: {type: datetime, required: true, not_future: true}
        reference: {type: text}
        delay_reason: {type: text}
        language: {type: choice, choices: [nl, en]}
  transitions:
    - {from: [pending], event: declared, to: first_look_due}
    - {from: [first_look_due], event: submitted, when: {stage: [first_look]}, to: report_due}
    - {from: [report_due], event: submitted, when: {stage: [drill_report]}, to: done}
stages:
  first_look:
    title: {nl: "Eerste blik", en: "First look"}
    legal_basis: "Plan section 4.1"
    due: {from: aware, hours: 2}
    fields: [nature, contact.reporting_officer]
  drill_report:
    title: {nl: "Oefenverslag", en: "Drill report"}
    legal_basis: "Plan section 4.2"
    due: {from: aware, hours: 8}
    fields: [nature, measures_taken, contact.reporting_officer]
reminders:
  before_hours: [1]
  at_deadline: true
  overdue_every_hours: 2
  to: [reporting_officer]
  cc: []
recipients:
  parties:
    response_team:
      role: csirt
      name: "Intern responsteam"
      channel: {nl: "E-mail aan het responsteam", en: "E-mail to the response team"}
  default: [response_team]
"""

FIRST_LOOK = """\
{% import "_common.nl.md.j2" as c %}
{{ c.header(ctx) }}

## Oefening: eerste blik
{{ c.line(facts.nature) }}
{{ c.person(ctx.contacts.reporting_officer) }}
"""

DRILL_REPORT = """\
{% import "_common.nl.md.j2" as c %}
{{ c.header(ctx) }}

## Oefenverslag
{{ c.line(facts.nature) }}
{{ c.line(facts.measures_taken) }}
{{ c.person(ctx.contacts.reporting_officer) }}
"""


@pytest.fixture
def drill_dirs(tmp_path) -> tuple[Path, Path]:
    workflows = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", workflows)
    (workflows / "drill.yaml").write_text(DRILL, encoding="utf-8")
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "submissions" / "drill").mkdir()
    (templates / "submissions" / "drill" / "first_look.nl.md.j2").write_text(FIRST_LOOK, encoding="utf-8")
    (templates / "submissions" / "drill" / "drill_report.nl.md.j2").write_text(DRILL_REPORT, encoding="utf-8")
    return workflows, templates


@pytest.fixture
def drill_app(drill_dirs, db_url, tmp_path, monkeypatch):
    workflows, templates = drill_dirs
    # Through the environment, as an operator sets it (the Settings read NOTIFIER_*).
    monkeypatch.setenv("NOTIFIER_WORKFLOWS_DIR", str(workflows))
    monkeypatch.setenv("NOTIFIER_TEMPLATES_DIR", str(templates))
    settings = Settings(
        database_url=db_url,
        api_token=TOKEN,
        env="test",
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-" + "y" * 24,
        scheduler_enabled=False,
    )
    assert settings.workflows_dir == workflows and settings.templates_dir == templates
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


def _declared(client: TestClient) -> dict:
    with freeze_time(T0):
        put_organisation(client)
        incident = new_incident(client, title="Oefening phishing")
        return post_event(
            client,
            incident["id"],
            type="drill.declared",
            aware_at=T0.isoformat(),
            scenario="phishing",
            reasoning="Jaarlijkse oefening",
        )


def test_the_drill_regime_is_everywhere_a_regime_is(drill_app):
    with TestClient(drill_app, headers=AUTH) as client:
        # The event API and its OpenAPI schema.
        schema = client.get("/openapi.json").json()
        names = set(schema["components"]["schemas"])
        assert {"DrillDeclaredEvent", "DrillSubmittedEvent"} <= names
        declared = schema["components"]["schemas"]["DrillDeclaredEvent"]
        assert declared["properties"]["scenario"]["enum"] == ["phishing", "outage"]
        assert {"CbwSignificantEvent", "AvgBreachEvent"} <= names  # the stock regimes are still there

        incident = _declared(client)
        track = next(t for t in incident["tracks"] if t["regime"] == "drill")
        assert track["state"] == "first_look_due"
        due = {d["stage"]: d["due"] for d in incident["deadlines"] if d["regime"] == "drill"}
        assert datetime.fromisoformat(due["first_look"]) == T0 + timedelta(hours=2)
        assert datetime.fromisoformat(due["drill_report"]) == T0 + timedelta(hours=8)
        with freeze_time(T0):
            refused = client.post(
                f"/api/v1/incidents/{incident['id']}/events",
                json={"type": "drill.declared", "aware_at": T0.isoformat(), "scenario": "flood", "reasoning": "x"},
            )
        assert refused.status_code == 422 and "scenario" in refused.text

        # The draft with its completeness check: `nature` is not given yet, the contact is.
        with freeze_time(T0):
            draft = client.get(f"/api/v1/incidents/{incident['id']}/submissions/drill/first_look?lang=nl").json()
        assert "Oefening: eerste blik" in draft["text"]
        assert draft["missing"] == ["nature"] and "contact.reporting_officer" in draft["present"]
        assert draft["recipients"][0]["name"] == "Intern responsteam"

        # The reminders: planned for both stages, sent by the sweep an hour before the first.
        with Session(drill_app.state.engine) as session:
            steps = session.exec(select(ReminderStep).where(ReminderStep.regime == "drill")).all()
            assert {s.stage for s in steps} == {"first_look", "drill_report"}
        sent = sweep(
            drill_app.state.engine,
            settings=drill_app.state.settings,
            registry=drill_app.state.registry,
            now=T0 + timedelta(hours=1, minutes=1),
        )
        assert any(item.get("stage") == "first_look" for item in sent), sent
        with Session(drill_app.state.engine) as session:
            mails = session.exec(select(OutboxMail)).all()
            assert any("Eerste blik" in m.subject or "First look" in m.subject for m in mails), [
                m.subject for m in mails
            ]

        # The iCal feed.
        with freeze_time(T0):
            url = client.get("/api/v1/calendar/token").json()["url"]
            feed = client.get("/calendar/" + url.split("/calendar/", 1)[1], headers={"Authorization": ""})
        events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        drill = [e for e in events if "drill" in str(e["UID"])]
        assert {str(e["SUMMARY"]).split(":")[0] for e in drill} == {"Eerste blik", "Oefenverslag"}, events
        assert {e["DTSTART"].dt for e in drill} == {T0 + timedelta(hours=2), T0 + timedelta(hours=8)}

        # Filing: the ledger keeps the text as filed, the track moves on.
        with freeze_time(T0 + timedelta(hours=1, minutes=30)):
            client.put(f"/api/v1/incidents/{incident['id']}/facts", json={"nature": "Phishing-oefening"})
            filed = post_event(
                client,
                incident["id"],
                type="drill.submitted",
                stage="first_look",
                submitted_at=(T0 + timedelta(hours=1, minutes=30)).isoformat(),
                reference="OEF-1",
            )
        assert next(t for t in filed["tracks"] if t["regime"] == "drill")["state"] == "report_due"
        ledger = client.get(f"/api/v1/incidents/{incident['id']}/submissions").json()
        entry = next(e for e in ledger if e["regime"] == "drill")
        assert entry["stage"] == "first_look" and "Oefening: eerste blik" in entry["text"] and entry["sha256"]

        # The audit trail.
        audit = client.get(f"/api/v1/incidents/{incident['id']}/audit").json()
        kinds = [r["event_type"] for r in audit]
        assert "drill.declared" in kinds and "drill.submitted" in kinds


def test_the_drill_regime_is_on_the_pages(drill_app):
    secret = add_user(drill_app, "olga@example.org", "officer", totp=True)
    with TestClient(drill_app, headers=AUTH) as api:
        incident = _declared(api)
        with freeze_time(T0):
            bare = new_incident(api, title="Nog niet gestart")
    with TestClient(drill_app) as web, freeze_time(T0 + timedelta(minutes=5)):
        sign_in(web, "olga@example.org", secret)
        # The dashboard: the timeline has a drill row and the countdown to the first look.
        board = web.get("/").text
        assert ">DRILL</text>" in board
        assert '<span class="countdown" data-due="2026-12-02T11:00:00+00:00">1 h 55 min left</span>' in board
        assert '<span class="regime">DRILL</span> First look</span>' in board
        # The incident page: the track table with the workflow's state label and both stages.
        page = web.get(f"/incidents/{incident['id']}").text
        card = page[page.index('data-regime="drill"') :]
        card = card[: card.index("</table>")]
        assert "<h3>Internal drill</h3>" in card and '<span class="state">First look due</span>' in card
        assert 'data-stage="first_look"' in card and "<td>Drill report</td>" in card
        # The declaration form, drawn from the event definition, on a track that was not declared yet.
        fresh = web.get(f"/incidents/{bare['id']}").text
        form = fresh[fresh.index('data-form="drill.declared"') :]
        form = form[: form.index("</form>")]
        assert 'name="type" value="drill.declared"' in form
        assert 'name="aware_at"' in form and 'type="datetime-local"' in form
        assert "Phishing exercise" in form and 'value="outage"' in form
        # Posting it declares the drill through the same path as every other event.
        answer = web.post(
            f"/incidents/{bare['id']}/events",
            data={
                "csrf_token": csrf_of(fresh),
                "type": "drill.declared",
                "aware_at": "2026-12-02T10:00",
                "scenario": "outage",
                "reasoning": "Uitvaloefening",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    with Session(drill_app.state.engine) as session:
        track = session.exec(select(Track).where(Track.incident_id == bare["id"], Track.regime == "drill")).one()
        assert track.state == "first_look_due" and track.declaration["scenario"] == "outage"


def test_notifier_deadlines_knows_the_drill(drill_dirs):
    workflows, templates = drill_dirs
    env = {**os.environ, "NOTIFIER_WORKFLOWS_DIR": str(workflows), "NOTIFIER_TEMPLATES_DIR": str(templates)}
    result = subprocess.run(
        [sys.executable, "-m", "notifier.cli", "deadlines", "--regime", "drill", "--aware-at", "2026-12-02T10:00+01:00",
         "--json"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"first_look"' in result.stdout and "2026-12-02T12:00:00+01:00" in result.stdout
    assert '"drill_report"' in result.stdout and "2026-12-02T18:00:00+01:00" in result.stdout
