"""The deadline rules of reference section 5, as pure functions of the anchors."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from notifier.config import PROJECT_ROOT
from notifier.deadlines.rules import Anchors, add_offset, compute_due, status_of
from notifier.workflow import load_registry
from notifier.workflow.schema import DueRule

AMS = ZoneInfo("Europe/Amsterdam")
REGISTRY = load_registry(PROJECT_ROOT / "workflows")
CBW, AVG = REGISTRY.workflows["cbw"], REGISTRY.workflows["avg"]


def t(value: str) -> datetime:
    return datetime.fromisoformat(value)


def due_map(workflow, **anchors) -> dict[str, tuple[str | None, bool]]:
    items = compute_due(workflow, Anchors(**anchors), AMS)
    return {d.stage: (d.due.astimezone(AMS).isoformat() if d.due else None, d.provisional) for d in items}


def test_24_hours_are_elapsed_hours_across_spring_forward():
    # The reference's own example: 23 real hours of wall clock become 24 elapsed hours.
    result = due_map(CBW, aware_at=t("2026-03-28T23:30:00+01:00"))
    assert result["early_warning"] == ("2026-03-30T00:30:00+02:00", False)
    assert result["incident_notification"] == ("2026-04-01T00:30:00+02:00", False)


def test_24_hours_are_elapsed_hours_across_fall_back():
    result = due_map(CBW, aware_at=t("2026-10-24T10:00:00+02:00"))
    assert result["early_warning"] == ("2026-10-25T09:00:00+01:00", False)
    assert result["incident_notification"] == ("2026-10-27T09:00:00+01:00", False)


def test_72_hours_across_fall_back_for_the_ap():
    result = due_map(AVG, aware_at=t("2026-10-23T12:00:00+02:00"), declaration={"risk": "high"})
    # High risk from the start: the art. 34 communication's target runs from awareness too.
    assert result == {
        "ap_notification": ("2026-10-26T11:00:00+01:00", False),
        "data_subject_communication": ("2026-10-26T11:00:00+01:00", False),
    }


def test_one_month_keeps_the_local_wall_clock_across_dst():
    result = due_map(
        CBW,
        aware_at=t("2026-03-10T09:00:00+01:00"),
        submitted={"incident_notification": [t("2026-03-12T14:00:00+01:00")]},
    )
    assert result["final_report"] == ("2026-04-12T14:00:00+02:00", False)
    result = due_map(
        CBW,
        aware_at=t("2026-10-05T09:00:00+02:00"),
        submitted={"incident_notification": [t("2026-10-06T14:00:00+02:00")]},
    )
    assert result["final_report"] == ("2026-11-06T14:00:00+01:00", False)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        ("2026-01-31T14:00:00+01:00", "2026-02-28T14:00:00+01:00"),  # the reference's example
        ("2028-01-31T14:00:00+01:00", "2028-02-29T14:00:00+01:00"),  # leap year
        ("2026-01-30T14:00:00+01:00", "2026-02-28T14:00:00+01:00"),
        ("2026-03-31T10:00:00+02:00", "2026-04-30T10:00:00+02:00"),
        ("2026-12-31T23:30:00+01:00", "2027-01-31T23:30:00+01:00"),  # year boundary
        ("2026-02-28T09:00:00+01:00", "2026-03-28T09:00:00+01:00"),
    ],
)
def test_one_month_at_month_ends(submitted, expected):
    result = due_map(CBW, aware_at=t(submitted), submitted={"incident_notification": [t(submitted)]})
    assert result["final_report"] == (expected, False)


def test_one_month_is_local_even_when_utc_is_on_another_day():
    # 00:30 local on 1 March is still 28 February in UTC; the month is counted on the local calendar.
    submitted = t("2026-03-01T00:30:00+01:00")
    result = due_map(CBW, aware_at=submitted, submitted={"incident_notification": [submitted]})
    assert result["final_report"] == ("2026-04-01T00:30:00+02:00", False)


def test_month_target_in_a_spring_forward_gap_moves_past_the_gap():
    rule = DueRule(**{"from": "aware", "months": 1})
    # 26 March 2028 02:30 does not exist in Amsterdam (clocks jump 02:00 -> 03:00): the first instant after the
    # gap, 03:00 CEST, is the deadline (reference section 5; it was 03:30 before issue 12).
    due = add_offset(t("2028-02-26T02:30:00+01:00"), rule, AMS)
    assert due.tzinfo == UTC
    assert due.astimezone(AMS).isoformat() == "2028-03-26T03:00:00+02:00"


def test_a_gap_of_a_whole_day_resolves_to_the_transition():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from notifier.deadlines.rules import local_instant

    apia = ZoneInfo("Pacific/Apia")  # skipped 30 December 2011 entirely
    assert local_instant(datetime(2011, 12, 30, 12, 0), apia).astimezone(apia).isoformat() == (
        "2011-12-31T00:00:00+14:00"
    )


def test_month_target_on_an_ambiguous_autumn_time_takes_the_earlier_instant():
    rule = DueRule(**{"from": "aware", "months": 1})
    # 25 October 2026 02:30 happens twice; the stricter (first, CEST) occurrence is the deadline.
    due = add_offset(t("2026-09-25T02:30:00+02:00"), rule, AMS)
    assert due.astimezone(AMS).isoformat() == "2026-10-25T02:30:00+02:00"


def test_final_report_is_provisional_until_the_notification_is_filed():
    result = due_map(CBW, aware_at=t("2026-05-04T10:00:00+02:00"))
    assert result["final_report"] == ("2026-06-07T10:00:00+02:00", True)  # from the 72 h notification deadline
    result = due_map(
        CBW,
        aware_at=t("2026-05-04T10:00:00+02:00"),
        submitted={"incident_notification": [t("2026-05-05T16:00:00+02:00")]},
    )
    assert result["final_report"] == ("2026-06-05T16:00:00+02:00", False)


def test_ongoing_incident_gets_a_progress_report_then_final_after_resolution():
    base = {
        "aware_at": t("2026-05-04T10:00:00+02:00"),
        "submitted": {"incident_notification": [t("2026-05-05T16:00:00+02:00")]},
    }
    resolved_late = due_map(CBW, **base, resolved_at=t("2026-07-20T11:00:00+02:00"))
    assert resolved_late["progress_report"] == ("2026-06-05T16:00:00+02:00", False)
    assert resolved_late["final_report"] == ("2026-08-20T11:00:00+02:00", False)
    resolved_early = due_map(CBW, **base, resolved_at=t("2026-05-20T11:00:00+02:00"))
    assert "progress_report" not in resolved_early
    assert resolved_early["final_report"] == ("2026-06-05T16:00:00+02:00", False)
    exactly_at = due_map(CBW, **base, resolved_at=t("2026-06-05T16:00:00+02:00"))
    assert "progress_report" not in exactly_at


def test_progress_report_filed_while_unresolved_makes_the_final_report_wait():
    result = due_map(
        CBW,
        aware_at=t("2026-05-04T10:00:00+02:00"),
        submitted={
            "incident_notification": [t("2026-05-05T16:00:00+02:00")],
            "progress_report": [t("2026-06-05T10:00:00+02:00")],
        },
    )
    assert result["progress_report"] == ("2026-06-05T16:00:00+02:00", False)
    assert result["final_report"] == (None, True)


def test_trust_service_provider_notifies_within_24_hours():
    aware = t("2026-06-01T08:00:00+02:00")
    normal = due_map(CBW, aware_at=aware)
    trust = due_map(CBW, aware_at=aware, conditions={"organisation.trust_service_provider": True})
    assert normal["incident_notification"] == ("2026-06-04T08:00:00+02:00", False)
    assert trust["incident_notification"] == ("2026-06-02T08:00:00+02:00", False)
    assert trust["final_report"] == ("2026-07-02T08:00:00+02:00", True)


def test_avg_notification_only_when_the_breach_carries_risk():
    aware = t("2026-06-01T08:00:00+02:00")
    assert due_map(AVG, aware_at=aware, declaration={"risk": "none"}) == {}
    assert due_map(AVG, aware_at=aware, declaration={"risk": "risk"}) == {
        "ap_notification": ("2026-06-04T08:00:00+02:00", False)
    }


def test_requested_reports_are_due_when_requested():
    result = compute_due(
        CBW,
        Anchors(
            aware_at=t("2026-06-01T08:00:00+02:00"),
            requests=[t("2026-06-10T12:00:00+02:00"), t("2026-06-20T12:00:00+02:00")],
        ),
        AMS,
    )
    asked = [(d.stage, d.sequence, d.due) for d in result if d.stage == "intermediate_report"]
    assert asked == [
        ("intermediate_report", 1, t("2026-06-10T12:00:00+02:00")),
        ("intermediate_report", 2, t("2026-06-20T12:00:00+02:00")),
    ]


def test_no_awareness_means_no_deadlines():
    assert compute_due(CBW, Anchors(), AMS) == []


def test_status_met_late_overdue_open():
    due = t("2026-06-02T08:00:00+02:00")
    assert status_of(due, due, due) == "met"  # at the deadline is on time
    assert status_of(due, t("2026-06-02T08:00:01+02:00"), due) == "late"
    assert status_of(due, None, t("2026-06-02T08:00:01+02:00")) == "overdue"
    assert status_of(due, None, due) == "open"
