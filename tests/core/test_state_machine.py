"""Every (state, event) pair of every table: allowed exactly when the table says so, to the state it says."""

import itertools

import pytest

from notifier.config import PROJECT_ROOT
from notifier.incidents.state_machine import (
    INCIDENT_TRANSITIONS,
    TransitionNotAllowed,
    allowed_track_events,
    incident_transition,
    track_transition,
)
from notifier.workflow import load_registry

REGISTRY = load_registry(PROJECT_ROOT / "workflows")

# The reviewed tables, written out by hand so an accidental edit of a workflow file fails here.
# (state, event, guard value) -> new state; the guard is the stage for submissions, the risk for a breach.
EXPECTED = {
    "cbw": {
        ("pending", "not_significant", None): "not_significant",
        ("pending", "significant", None): "early_warning_due",
        ("not_significant", "significant", None): "early_warning_due",
        ("early_warning_due", "submitted", "early_warning"): "notification_due",
        ("notification_due", "submitted", "incident_notification"): "final_report_due",
        ("notification_due", "intermediate_requested", None): "notification_due",
        ("final_report_due", "intermediate_requested", None): "final_report_due",
        ("notification_due", "submitted", "intermediate_report"): "notification_due",
        ("final_report_due", "submitted", "intermediate_report"): "final_report_due",
        ("final_report_due", "submitted", "progress_report"): "final_report_due",
        ("final_report_due", "submitted", "final_report"): "closed",
    },
    "avg": {
        ("pending", "breach", "none"): "not_notifiable",
        ("pending", "breach", "risk"): "notification_due",
        ("pending", "breach", "high"): "notification_due",
        ("not_notifiable", "breach", "risk"): "notification_due",
        ("not_notifiable", "breach", "high"): "notification_due",
        ("notification_due", "submitted", "ap_notification"): "notified",
        ("notified", "submitted", "follow_up"): "notified",
        ("notified", "submitted", "correction"): "notified",
        ("notified", "submitted", "withdrawal"): "withdrawn",
        ("notification_due", "submitted", "data_subject_communication"): "notification_due",
        ("notified", "submitted", "data_subject_communication"): "notified",
        ("not_notifiable", "submitted", "data_subject_communication"): "not_notifiable",
        # issue 12: risk revisions, art. 34(3) exceptions and art. 34(4) demands
        ("pending", "risk_revised", "none"): "not_notifiable",
        ("pending", "risk_revised", "risk"): "pending",
        ("pending", "risk_revised", "high"): "pending",
        ("not_notifiable", "risk_revised", "none"): "not_notifiable",
        ("not_notifiable", "risk_revised", "risk"): "notification_due",
        ("not_notifiable", "risk_revised", "high"): "notification_due",
        ("notification_due", "risk_revised", "none"): "not_notifiable",
        ("notification_due", "risk_revised", "risk"): "notification_due",
        ("notification_due", "risk_revised", "high"): "notification_due",
        ("notified", "risk_revised", "none"): "notified",
        ("notified", "risk_revised", "risk"): "notified",
        ("notified", "risk_revised", "high"): "notified",
        **{
            (state, "subjects_not_informed", exception): state
            for state in ("notification_due", "notified")
            for exception in ("unintelligible", "subsequent_measures", "disproportionate_effort")
        },
        ("not_notifiable", "ap_demanded_communication", None): "not_notifiable",
        ("notification_due", "ap_demanded_communication", None): "notification_due",
        ("notified", "ap_demanded_communication", None): "notified",
    },
    # issue 16: DORA (2025/301 art. 5) and the CRA (2024/2847 art. 14)
    "dora": {
        ("pending", "not_major", None): "not_major",
        ("pending", "major", None): "initial_due",
        ("not_major", "major", None): "initial_due",
        ("initial_due", "submitted", "initial_notification"): "intermediate_due",
        ("intermediate_due", "submitted", "intermediate_report"): "final_due",
        ("final_due", "submitted", "updated_intermediate_report"): "final_due",
        ("final_due", "submitted", "final_report"): "closed",
        **{(state, "recovered", None): state for state in ("initial_due", "intermediate_due", "final_due")},
        **{
            (state, "submitted", "client_communication"): state
            for state in ("initial_due", "intermediate_due", "final_due", "closed")
        },
        **{
            (state, "reclassified_non_major", None): "reclassified"
            for state in ("initial_due", "intermediate_due", "final_due")
        },
        ("reclassified", "submitted", "reclassification"): "withdrawn",
    },
    "cra": {
        ("pending", "not_reportable", None): "not_reportable",
        **{
            (state, event, None): "early_warning_due"
            for state in ("pending", "not_reportable")
            for event in ("exploited_vulnerability", "severe_incident")
        },
        ("early_warning_due", "submitted", "early_warning"): "notification_due",
        ("notification_due", "submitted", "notification"): "final_report_due",
        ("final_report_due", "submitted", "final_report"): "closed",
        **{
            (state, "fix_available", None): state
            for state in ("early_warning_due", "notification_due", "final_report_due")
        },
        **{
            (state, "submitted", "user_information"): state
            for state in ("early_warning_due", "notification_due", "final_report_due", "closed")
        },
    },
}


def _guard_values(workflow, event_name):
    """The payloads worth distinguishing for one event: every stage, every choice, or just one."""
    fields = workflow.track.events[event_name].fields
    if "stage" in fields:
        return [("stage", s) for s in workflow.stages]
    choices = [(name, f.choices) for name, f in fields.items() if f.type == "choice" and name != "language"]
    if choices:
        name, values = choices[0]
        return [(name, v) for v in values]
    return [(None, None)]


@pytest.mark.parametrize("regime", sorted(EXPECTED))
def test_track_table_is_exactly_the_reviewed_one(regime):
    workflow = REGISTRY.workflows[regime]
    seen = {}
    for state, event in itertools.product(workflow.track.states, workflow.track.events):
        for key, value in _guard_values(workflow, event):
            payload = {key: value} if key else {}
            expected = EXPECTED[regime].get((state, event, value))
            if expected is None:
                with pytest.raises(TransitionNotAllowed) as refused:
                    track_transition(workflow, state, event, payload)
                assert refused.value.current_state == state
                assert refused.value.allowed_events == allowed_track_events(workflow, state)
            else:
                assert track_transition(workflow, state, event, payload) == expected, (state, event, value)
                seen[(state, event, value)] = expected
    assert seen == EXPECTED[regime], "every reviewed transition must be reachable"


def test_every_workflow_has_a_reviewed_table():
    assert set(REGISTRY.workflows) == set(EXPECTED)


def test_refusal_names_state_and_allowed_events():
    cbw = REGISTRY.workflows["cbw"]
    with pytest.raises(TransitionNotAllowed) as refused:
        track_transition(cbw, "pending", "submitted", {"stage": "final_report"})
    assert "pending" in str(refused.value)
    assert refused.value.allowed_events == ["cbw.not_significant", "cbw.significant"]


INCIDENT_EVENTS = sorted({e for row in INCIDENT_TRANSITIONS.values() for e in row} | {"incident.unknown"})


@pytest.mark.parametrize(("state", "event"), list(itertools.product(INCIDENT_TRANSITIONS, INCIDENT_EVENTS)))
def test_incident_table_over_every_pair(state, event):
    expected = INCIDENT_TRANSITIONS[state].get(event)
    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            incident_transition(state, event)
        assert refused.value.current_state == state
    else:
        assert incident_transition(state, event) == expected


def test_resolving_twice_is_refused():
    with pytest.raises(TransitionNotAllowed):
        incident_transition("resolved", "incident.resolved")


TELECOM = {"organisation.entity_type": "public_electronic_communications"}


@pytest.mark.parametrize(("state", "risk"), itertools.product(["pending", "not_notifiable"], ["none", "risk", "high"]))
def test_a_telecom_providers_breach_is_notifiable_whatever_the_risk(state, risk):
    avg = REGISTRY.workflows["avg"]
    assert track_transition(avg, state, "breach", {"risk": risk}, TELECOM) == "notification_due"
    assert "avg.breach" in allowed_track_events(avg, state, TELECOM)


def test_without_the_telecom_condition_risk_none_is_not_notifiable():
    avg = REGISTRY.workflows["avg"]
    other = {"organisation.entity_type": "cloud_computing"}
    assert track_transition(avg, "pending", "breach", {"risk": "none"}, other) == "not_notifiable"
    assert "avg.breach" not in allowed_track_events(avg, "pending", other)
