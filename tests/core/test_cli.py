"""The public CLI contract of `notifier deadlines` and `notifier audit verify`, run as real processes."""

import json
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import text

from tests.audit.tampering import tamper
from tests.conftest import new_incident, post_event


def run(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "notifier.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def deadlines(*args: str) -> list[dict]:
    result = run("deadlines", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cbw_deadlines_across_spring_forward():
    items = deadlines("--regime", "cbw", "--aware-at", "2026-03-28T23:30:00+01:00")
    assert [(i["stage"], i["due"], i["provisional"]) for i in items] == [
        ("early_warning", "2026-03-30T00:30:00+02:00", False),
        ("incident_notification", "2026-04-01T00:30:00+02:00", False),
        ("final_report", "2026-05-01T00:30:00+02:00", True),
    ]


def test_final_report_from_the_actual_notification():
    items = deadlines(
        "--regime",
        "cbw",
        "--aware-at",
        "2026-01-29T10:00:00+01:00",
        "--notification-submitted-at",
        "2026-01-31T14:00:00+01:00",
    )
    final = next(i for i in items if i["stage"] == "final_report")
    assert final == {**final, "due": "2026-02-28T14:00:00+01:00", "provisional": False}


def test_resolved_after_the_final_due_gives_progress_then_final():
    items = deadlines(
        "--regime",
        "cbw",
        "--aware-at",
        "2026-01-29T10:00:00+01:00",
        "--notification-submitted-at",
        "2026-01-31T14:00:00+01:00",
        "--resolved-at",
        "2026-04-15T09:00:00+02:00",
    )
    by_stage = {i["stage"]: i["due"] for i in items}
    assert by_stage["progress_report"] == "2026-02-28T14:00:00+01:00"
    assert by_stage["final_report"] == "2026-05-15T09:00:00+02:00"


def test_resolved_before_the_final_due_gives_no_progress_report():
    items = deadlines(
        "--regime",
        "cbw",
        "--aware-at",
        "2026-01-29T10:00:00+01:00",
        "--notification-submitted-at",
        "2026-01-31T14:00:00+01:00",
        "--resolved-at",
        "2026-02-10T09:00:00+01:00",
    )
    assert [i["stage"] for i in items] == ["early_warning", "incident_notification", "final_report"]


def test_trust_service_and_other_timezone():
    items = deadlines(
        "--regime", "cbw", "--aware-at", "2026-07-01T10:00:00Z", "--trust-service", "--timezone", "America/New_York"
    )
    notification = next(i for i in items if i["stage"] == "incident_notification")
    assert notification["due"] == "2026-07-02T06:00:00-04:00"


def test_avg_72_hours():
    items = deadlines("--regime", "avg", "--aware-at", "2026-10-23T12:00:00+02:00")
    assert [(i["stage"], i["due"]) for i in items] == [("ap_notification", "2026-10-26T11:00:00+01:00")]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--regime", "cbw", "--aware-at", "yesterday"], "--aware-at"),
        (["--regime", "cbw", "--aware-at", "2026-03-28T23:30:00"], "no UTC offset"),
        (["--regime", "cbw", "--aware-at", "2026-03-28T23:30:00Z", "--timezone", "Europe/Atlantis"], "Atlantis"),
        (["--regime", "cbw", "--aware-at", "2026-03-28T23:30:00Z", "--resolved-at", "soon"], "--resolved-at"),
        (["--regime", "nis3", "--aware-at", "2026-03-28T23:30:00Z"], "unknown regime"),
        (["--regime", "dora", "--aware-at", "2026-03-28T23:30:00Z"], "--classified-at is required"),
        (["--regime", "cra", "--aware-at", "2026-03-28T23:30:00Z"], "--kind is required"),
        (["--regime", "cbw"], "--aware-at"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, needle):
    result = run("deadlines", *args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]


def test_audit_verify_detects_an_edited_row(client, app, db_url):
    incident = new_incident(client)
    post_event(
        client,
        incident["id"],
        type="cbw.significant",
        aware_at="2026-01-05T10:00:00+01:00",
        reasoning="Ziekenhuisinformatiesysteem uren onbeschikbaar",
    )
    env = {"NOTIFIER_DATABASE_URL": db_url}
    intact = run("audit", "verify", env=env)
    assert intact.returncode == 0, intact.stderr
    assert "intact" in intact.stdout
    tamper(db_url, "UPDATE audit_record SET actor = 'someone-else' WHERE seq = 2")
    broken = run("audit", "verify", env=env)
    assert broken.returncode == 1
    assert "record seq 2: content does not match its hash" in broken.stderr


def test_audit_verify_detects_a_removed_last_row(client, app, db_url):
    new_incident(client)
    new_incident(client, title="Tweede")
    with app.state.engine.begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_record")).scalar()
    tamper(db_url, ("DELETE FROM audit_record WHERE seq = :seq", {"seq": last}))
    broken = run("audit", "verify", env={"NOTIFIER_DATABASE_URL": db_url})
    assert broken.returncode == 1
    assert "chain head" in broken.stderr


def test_audit_verify_detects_a_rewritten_chain_link(client, app, db_url):
    new_incident(client)
    new_incident(client, title="Tweede")
    tamper(db_url, ("UPDATE audit_record SET prev_hash = :h WHERE seq = 2", {"h": "f" * 64}))
    broken = run("audit", "verify", env={"NOTIFIER_DATABASE_URL": db_url})
    assert broken.returncode == 1
    assert "record seq 2" in broken.stderr


def test_final_report_in_the_spring_forward_gap_is_the_first_instant_after_it():
    items = deadlines(
        "--regime",
        "cbw",
        "--aware-at",
        "2032-02-26T02:30:00+01:00",
        "--notification-submitted-at",
        "2032-02-28T02:30:00+01:00",
    )
    final = next(i for i in items if i["stage"] == "final_report")
    assert final["due"] == "2032-03-28T03:00:00+02:00"


def test_autumn_ambiguous_time_takes_the_earlier_instant():
    items = deadlines(
        "--regime",
        "cbw",
        "--aware-at",
        "2026-09-20T02:30:00+02:00",
        "--notification-submitted-at",
        "2026-09-25T02:30:00+02:00",
    )
    # 2026-10-25 02:30 happens twice in Amsterdam; the first (CEST) is the stricter.
    assert next(i for i in items if i["stage"] == "final_report")["due"] == "2026-10-25T02:30:00+02:00"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["--aware-at", "2026-03-10T10:00:00+01:00", "--resolved-at", "2026-03-09T10:00:00+01:00"],
            "--resolved-at",
        ),
        (
            ["--aware-at", "2026-03-10T10:00:00+01:00", "--notification-submitted-at", "2026-03-10T09:59:00+01:00"],
            "--notification-submitted-at",
        ),
    ],
)
def test_impossible_combinations_exit_2_with_one_line(args, needle):
    result = run("deadlines", "--regime", "cbw", *args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "--aware-at" in lines[0]


@pytest.mark.parametrize("value", ["2026-03-28", "2026-03-28T23:30", "2026-03-28 23:30:15"])
def test_the_hint_for_a_time_without_offset_is_a_valid_time(value):
    from datetime import datetime

    result = run("deadlines", "--regime", "cbw", "--aware-at", value, "--json")
    assert result.returncode == 2
    line = result.stderr.strip()
    hints = re.findall(r"e\.g\. (\S+) or (\S+)$", line)
    assert hints, line
    for hint in hints[0]:
        assert datetime.fromisoformat(hint).tzinfo is not None, hint
    ok = run("deadlines", "--regime", "cbw", "--aware-at", hints[0][0], "--json")
    assert ok.returncode == 0, ok.stderr


def test_help_documents_every_flag():
    result = run("deadlines", "--help")
    assert result.returncode == 0
    parser = __import__("notifier.cli", fromlist=["build_parser"]).build_parser()
    sub = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "deadlines")[1]
    for action in sub._actions:
        if action.option_strings and "--help" not in action.option_strings:
            assert action.help, f"{action.option_strings} has no help"
            assert action.option_strings[-1] in result.stdout
    assert "--entity-type" in result.stdout and "public_electronic_communications" in result.stdout


def test_avg_telecom_provider_24_hours_whatever_the_risk():
    items = deadlines(
        "--regime",
        "avg",
        "--aware-at",
        "2026-10-23T12:00:00+02:00",
        "--entity-type",
        "public_electronic_communications",
    )
    assert [(i["stage"], i["due"]) for i in items] == [("ap_notification", "2026-10-24T12:00:00+02:00")]
    assert "611/2013" in items[0]["legal_basis"]


def test_entity_type_trust_service_gives_24_hour_notification():
    items = deadlines("--regime", "cbw", "--aware-at", "2026-07-01T10:00:00Z", "--entity-type", "trust_service")
    assert next(i for i in items if i["stage"] == "incident_notification")["due"] == "2026-07-02T12:00:00+02:00"


def test_unknown_entity_type_exits_2():
    result = run("deadlines", "--regime", "avg", "--aware-at", "2026-07-01T10:00:00Z", "--entity-type", "bakery")
    assert result.returncode == 2 and "--entity-type" in result.stderr
