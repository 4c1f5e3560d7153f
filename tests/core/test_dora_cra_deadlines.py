"""Golden deadlines of DORA (2025/301 art. 5) and the CRA (2024/2847 art. 14) through `notifier deadlines`, and
rules that change while a clock runs (reference section 8). Times in Europe/Amsterdam."""

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifier.config import PROJECT_ROOT
from notifier.deadlines.rules import Anchors, compute_due
from notifier.workflow import load_registry
from tests.core.test_cli import deadlines, run

AMS = ZoneInfo("Europe/Amsterdam")


def dora(aware: str, classified: str, *more: str) -> dict[str, str]:
    out = deadlines("--regime", "dora", "--aware-at", aware, "--classified-at", classified, *more)
    assert [d["stage"] for d in out] == ["initial_notification", "intermediate_report", "final_report"]
    return {d["stage"]: d["due"] for d in out}


@pytest.mark.parametrize(
    ("classified", "initial"),
    [
        ("2026-12-01T10:00:00+01:00", "2026-12-01T14:00:00+01:00"),  # early: 4 h after the classification
        ("2026-12-01T23:00:00+01:00", "2026-12-02T03:00:00+01:00"),  # late in the day: still 4 h
        ("2026-12-02T06:00:00+01:00", "2026-12-02T09:00:00+01:00"),  # after 21 h: the 24 h limit comes first
        ("2026-12-02T10:00:00+01:00", "2026-12-02T14:00:00+01:00"),  # after 25 h: 4 h after it (art. 5(2))
    ],
)
def test_the_initial_notification_4_h_and_24_h(classified, initial):
    assert dora("2026-12-01T09:00:00+01:00", classified)["initial_notification"] == initial


def test_a_due_time_on_saturday_moves_to_noon_on_monday_but_not_for_a_bank():
    got = dora("2026-12-04T22:00:00+01:00", "2026-12-05T08:00:00+01:00")
    assert got["initial_notification"] == "2026-12-07T12:00:00+01:00"
    bank = dora("2026-12-04T22:00:00+01:00", "2026-12-05T08:00:00+01:00", "--dora-entity-type", "credit_institution")
    assert bank["initial_notification"] == "2026-12-05T12:00:00+01:00"  # art. 5(5): no extension


def test_kings_day_and_christmas_are_holidays_in_the_netherlands_not_in_germany():
    kings_day = dora("2027-04-27T06:00:00+02:00", "2027-04-27T07:00:00+02:00")
    assert kings_day["initial_notification"] == "2027-04-28T12:00:00+02:00"
    german = dora("2027-04-27T06:00:00+02:00", "2027-04-27T07:00:00+02:00", "--country", "DE")
    assert german["initial_notification"] == "2027-04-27T11:00:00+02:00"
    # Christmas Day (Friday), Boxing Day (Saturday), Sunday: Monday noon.
    christmas = dora("2026-12-25T06:00:00+01:00", "2026-12-25T06:30:00+01:00")
    assert christmas["initial_notification"] == "2026-12-28T12:00:00+01:00"


@pytest.mark.parametrize(
    ("submitted", "intermediate"),
    [
        ("2026-03-27T10:00:00+01:00", "2026-03-30T11:00:00+02:00"),  # 72 elapsed hours across spring-forward
        ("2026-10-23T10:00:00+02:00", "2026-10-26T09:00:00+01:00"),  # and across fall-back
    ],
)
def test_the_intermediate_report_72_h_after_the_initial_one_across_dst(submitted, intermediate):
    got = dora("2026-03-27T06:00:00+01:00", "2026-03-27T07:00:00+01:00", "--initial-submitted-at", submitted)
    assert got["intermediate_report"] == intermediate


def test_the_final_report_one_month_after_the_intermediate_one_clamped_and_extended():
    args = ("--initial-submitted-at", "2027-03-28T10:00:00+02:00")
    clamped = dora("2027-03-28T06:00:00+02:00", "2027-03-28T07:00:00+02:00", *args,
                   "--intermediate-submitted-at", "2027-03-31T14:00:00+02:00")  # fmt: skip
    assert clamped["final_report"] == "2027-04-30T14:00:00+02:00"  # 31 March + 1 month: 30 April
    # 31 January 2026 + 1 month is Saturday 28 February: the final report keeps the extension even for a bank.
    bank = deadlines("--regime", "dora", "--aware-at", "2026-01-27T06:00:00+01:00", "--classified-at",
                     "2026-01-27T07:00:00+01:00", "--initial-submitted-at", "2026-01-27T10:00:00+01:00",
                     "--intermediate-submitted-at", "2026-01-31T14:00:00+01:00",
                     "--dora-entity-type", "credit_institution")  # fmt: skip
    assert bank[-1] == {
        "stage": "final_report",
        "due": "2026-03-02T12:00:00+01:00",
        "provisional": False,
        "legal_basis": bank[-1]["legal_basis"],
    }


def test_cra_14_days_across_the_october_change_take_the_earlier_reading():
    out = deadlines("--regime", "cra", "--kind", "vulnerability", "--aware-at", "2026-10-19T10:00:00+02:00",
                    "--fix-available-at", "2026-10-20T10:00:00+02:00")  # fmt: skip
    due = {d["stage"]: d["due"] for d in out}
    assert due == {
        "early_warning": "2026-10-20T10:00:00+02:00",
        "notification": "2026-10-22T10:00:00+02:00",
        "final_report": "2026-11-03T09:00:00+01:00",  # 14 x 24 h is an hour before the same local time
    }


def test_the_vulnerabilitys_final_report_waits_for_a_fix():
    out = deadlines("--regime", "cra", "--kind", "vulnerability", "--aware-at", "2026-10-19T10:00:00+02:00")
    assert out[-1]["stage"] == "final_report" and out[-1]["due"] is None
    table = run("deadlines", "--regime", "cra", "--kind", "vulnerability", "--aware-at", "2026-10-19T10:00:00+02:00")
    assert "corrective or mitigating measure" in table.stdout


def test_a_severe_incidents_final_report_one_month_after_the_notification_no_weekend_extension():
    out = deadlines("--regime", "cra", "--kind", "incident", "--aware-at", "2026-09-29T10:00:00+02:00",
                    "--notification-submitted-at", "2026-10-01T12:00:00+02:00")  # fmt: skip
    assert out[-1] == {
        "stage": "final_report",
        "due": "2026-11-01T12:00:00+01:00",  # a Sunday: the CRA has no weekend rule
        "provisional": False,
        "legal_basis": out[-1]["legal_basis"],
    }
    provisional = deadlines("--regime", "cra", "--kind", "incident", "--aware-at", "2026-09-29T10:00:00+02:00")
    assert provisional[-1]["provisional"] is True and provisional[-1]["due"] == "2026-11-02T10:00:00+01:00"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--classified-at", "2026-12-01T08:00:00+01:00"], "--classified-at"),
        (
            ["--classified-at", "2026-12-01T10:00:00+01:00", "--initial-submitted-at", "2026-12-01T09:30:00+01:00"],
            "--initial-submitted-at",
        ),
        (
            [
                "--classified-at",
                "2026-12-01T10:00:00+01:00",
                "--intermediate-submitted-at",
                "2026-12-02T10:00:00+01:00",
            ],
            "needs --initial-submitted-at",
        ),
        (["--classified-at", "2026-12-01T10:00:00+01:00", "--dora-entity-type", "bank"], "--dora-entity-type"),
        (["--classified-at", "2026-12-01T10:00:00+01:00", "--kind", "incident"], "--kind"),
    ],
)
def test_bad_dora_combinations_exit_2_with_one_line(args, needle):
    result = run("deadlines", "--regime", "dora", "--aware-at", "2026-12-01T09:00:00+01:00", *args)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and needle in lines[0]


def test_a_running_clock_keeps_the_version_it_started_under(tmp_path):
    """Two versions of a regime in one directory: a clock that started before the second applies keeps the first."""
    workflows = tmp_path / "workflows"
    shutil.copytree(PROJECT_ROOT / "workflows", workflows)
    text = (workflows / "cra.yaml").read_text()
    v2 = text.replace("version: 1\napplies_from: 2026-09-11", "version: 2\napplies_from: 2027-06-01")
    v2 = v2.replace("due: {from: aware, hours: 24}", "due: {from: aware, hours: 12}")
    assert v2 != text
    (workflows / "cra.v2.yaml").write_text(v2)
    registry = load_registry(workflows)
    assert [wf.version for wf in registry.versions["cra"]] == [1, 2]
    before, after = datetime(2027, 5, 31, 12, tzinfo=AMS), datetime(2027, 6, 2, 12, tzinfo=AMS)
    assert registry.version_at("cra", before).version == 1 and registry.version_at("cra", after).version == 2
    for aware, hours in ((before, 24), (after, 12)):
        workflow = registry.version_at("cra", aware)
        due = compute_due(workflow, Anchors(aware_at=aware, declaration={"kind": "incident"}), AMS)[0]
        assert due.stage == "early_warning" and (due.due - aware).total_seconds() == hours * 3600
    assert registry.of_version("cra", 1).stages["early_warning"].due.hours == 24
    # The CLI takes the version in force at the awareness time it is given.
    assert deadlines("--regime", "cra", "--kind", "incident", "--aware-at", before.isoformat())[0]["due"] == (
        "2027-06-01T12:00:00+02:00"
    )
