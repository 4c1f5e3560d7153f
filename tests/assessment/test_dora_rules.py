"""The classification assistant's rules (Delegated Regulation (EU) 2024/1772): every threshold of art. 9 below, at
and above its edge, the art. 8(1) combination and the recurring incidents of art. 8(2)."""

import pytest

from notifier.regimes.assistant import MissingAnswer
from notifier.regimes.dora_classification import assess, criteria

CRITICAL = {"critical_functions_affected": True}


def met(answers: dict) -> set[str]:
    return {f.article.removeprefix("2024/1772 art. ") for f in criteria(answers)}


@pytest.mark.parametrize(
    ("answers", "article", "expected"),
    [
        # art. 9(1)(a): higher than 10 % of the clients using the affected service
        ({"clients_total": 1000, "clients_affected": 99}, "9(1)(a)", False),
        ({"clients_total": 1000, "clients_affected": 100}, "9(1)(a)", False),
        ({"clients_total": 1000, "clients_affected": 101}, "9(1)(a)", True),
        # art. 9(1)(b): higher than 100 000 clients
        ({"clients_total": 10_000_000, "clients_affected": 99_999}, "9(1)(b)", False),
        ({"clients_total": 10_000_000, "clients_affected": 100_000}, "9(1)(b)", False),
        ({"clients_total": 10_000_000, "clients_affected": 100_001}, "9(1)(b)", True),
        # art. 9(1)(c): higher than 30 % of the financial counterparts
        ({"counterparts_total": 10, "counterparts_affected": 2}, "9(1)(c)", False),
        ({"counterparts_total": 10, "counterparts_affected": 3}, "9(1)(c)", False),
        ({"counterparts_total": 10, "counterparts_affected": 4}, "9(1)(c)", True),
        # art. 9(1)(d): higher than 10 % of the daily average number of transactions
        ({"transactions_daily_average": 1000, "transactions_affected": 99}, "9(1)(d)", False),
        ({"transactions_daily_average": 1000, "transactions_affected": 100}, "9(1)(d)", False),
        ({"transactions_daily_average": 1000, "transactions_affected": 101}, "9(1)(d)", True),
        # art. 9(1)(e): higher than 10 % of the daily average value (no absolute amount in the RTS)
        ({"transactions_value_daily_average_eur": 1e6, "transactions_affected_amount_eur": 99_999}, "9(1)(e)", False),
        ({"transactions_value_daily_average_eur": 1e6, "transactions_affected_amount_eur": 100_000}, "9(1)(e)", False),
        ({"transactions_value_daily_average_eur": 1e6, "transactions_affected_amount_eur": 100_001}, "9(1)(e)", True),
        ({"transactions_value_daily_average_eur": 1e9, "transactions_affected_amount_eur": 15e6 + 1}, "9(1)(e)", False),
        # art. 9(1)(f): relevant clients or counterparts (art. 1(3))
        ({"relevant_clients_affected": False}, "9(1)(f)", False),
        ({"relevant_clients_affected": True}, "9(1)(f)", True),
        # art. 9(3)(a): duration longer than 24 hours
        ({"duration_hours": 23.9}, "9(3)(a)", False),
        ({"duration_hours": 24}, "9(3)(a)", False),
        ({"duration_hours": 24.1}, "9(3)(a)", True),
        # art. 9(3)(b): downtime longer than 2 hours of ICT services supporting critical or important functions
        ({"downtime_hours": 1.9}, "9(3)(b)", False),
        ({"downtime_hours": 2}, "9(3)(b)", False),
        ({"downtime_hours": 2.1}, "9(3)(b)", True),
        # art. 9(4): an impact in two or more Member States
        ({"member_states_affected": 1}, "9(4)", False),
        ({"member_states_affected": 2}, "9(4)", True),
        ({"member_states_affected": 3}, "9(4)", True),
        # art. 9(5)(a): an impact on data only counts with an adverse impact
        ({"data_impact": True}, "9(5)(a)", False),
        ({"data_impact": True, "data_impact_adverse": True}, "9(5)(a)", True),
        # art. 9(5)(b): a malicious unauthorised access that may result in data losses
        ({"malicious_access": True}, "9(5)(b)", False),
        ({"malicious_access": True, "malicious_access_data_losses": True}, "9(5)(b)", True),
        # art. 9(6): costs and losses higher than EUR 100 000
        ({"costs_eur": 99_999}, "9(6)", False),
        ({"costs_eur": 100_000}, "9(6)", False),
        ({"costs_eur": 100_001}, "9(6)", True),
    ],
)
def test_each_threshold_at_its_edge(answers, article, expected):
    assert (article in met(answers)) is expected


@pytest.mark.parametrize("key", ["media", "repetitive_complaints", "regulatory_requirements", "clients_lost"])
def test_any_reputational_criterion_of_article_2_meets_9_2(key):
    assert "9(2)" in met({key: True}) and "9(2)" not in met({key: False})


@pytest.mark.parametrize("key", ["critical_functions_affected", "authorised_services_affected", "malicious_access"])
def test_any_point_of_article_6_means_critical_services_affected(key):
    assert "6" in met({key: True}) and "6" not in met({key: False})


def test_the_percentage_needs_the_total_unless_the_absolute_number_is_met():
    with pytest.raises(MissingAnswer) as missing:
        criteria({"clients_affected": 50})
    assert missing.value.question == "clients_total"
    assert "9(1)(b)" in met({"clients_affected": 100_001})
    for affected, total in [("counterparts_affected", "counterparts_total"),
                            ("transactions_affected", "transactions_daily_average"),
                            ("transactions_affected_amount_eur", "transactions_value_daily_average_eur")]:  # fmt: skip
        with pytest.raises(MissingAnswer) as missing:
            criteria({affected: 1})
        assert missing.value.question == total


ONE_OTHER = {**CRITICAL, "costs_eur": 150_000}
TWO_OTHERS = {**ONE_OTHER, "member_states_affected": 2}


def test_article_8_critical_services_and_two_other_criteria_are_major():
    assert assess("credit_institution", ONE_OTHER).significant is False
    proposal = assess("credit_institution", TWO_OTHERS)
    assert proposal.significant is True
    assert {f.criterion for f in proposal.fired} == {"critical_services", "economic_impact", "geographical_spread"}
    assert "8(1)(b)" in proposal.notes[0] and proposal.rule == "2024/1772" and proposal.rules_version == 1


def test_two_thresholds_of_one_criterion_count_once():
    answers = {**CRITICAL, "duration_hours": 30, "downtime_hours": 3}
    assert met(answers) >= {"9(3)(a)", "9(3)(b)"}
    assert assess("credit_institution", answers).significant is False


def test_without_critical_services_nothing_else_makes_it_major():
    everything = {"clients_affected": 200_000, "costs_eur": 1e6, "member_states_affected": 5, "media": True,
                  "duration_hours": 48, "data_impact": True, "data_impact_adverse": True}  # fmt: skip
    proposal = assess("credit_institution", everything)
    assert proposal.significant is False and "No critical services affected" in proposal.notes[0]


def test_malicious_access_that_may_lose_data_is_major_on_its_own():
    proposal = assess("credit_institution", {"malicious_access": True, "malicious_access_data_losses": True})
    assert proposal.significant is True and "8(1)(a)" in proposal.notes[0]
    # An access that cannot lose data is a critical service affected (art. 6(c)), not yet a threshold.
    assert assess("credit_institution", {"malicious_access": True, "costs_eur": 200_000}).significant is False


def test_recurring_incidents_together_are_one_major_incident():
    answers = {**ONE_OTHER, "recurring_count": 3, "recurring_member_states": 2}
    proposal = assess("credit_institution", answers)
    assert proposal.significant is True
    recurring = next(f for f in proposal.fired if f.criterion == "recurring")
    assert recurring.article == "2024/1772 art. 8(2)"
    assert recurring.value == {"count": 3, "criteria": ["geographical_spread", "economic_impact"]}


def test_recurring_figures_are_added_with_this_incident_and_critical_services_of_any_of_them():
    answers = {"costs_eur": 60_000, "recurring_count": 2, "recurring_costs_eur": 120_000,
               "recurring_critical_services": True, "recurring_downtime_hours": 2.5}  # fmt: skip
    assert assess("credit_institution", answers).significant is True
    assert assess("credit_institution", {**answers, "recurring_critical_services": False}).significant is False


def test_one_occurrence_is_not_recurring_and_together_short_of_8_1_is_not_major():
    once = {**ONE_OTHER, "recurring_count": 1, "recurring_member_states": 4}
    assert assess("credit_institution", once).significant is False
    short = {**ONE_OTHER, "recurring_count": 2, "recurring_costs_eur": 300_000}
    proposal = assess("credit_institution", short)
    assert proposal.significant is False and "8(2)(c)" in proposal.notes[-1]


def test_microenterprises_and_article_16_entities_are_not_assessed_together():
    answers = {**ONE_OTHER, "recurring_count": 2, "recurring_member_states": 2, "recurring_exempt": True}
    proposal = assess("exempted_payment_institution", answers)
    assert proposal.significant is False and "does not apply to microenterprises" in proposal.notes[-1]


def test_a_major_incident_needs_no_recurring_assessment():
    proposal = assess("credit_institution", {**TWO_OTHERS, "recurring_count": 2, "recurring_member_states": 3})
    assert proposal.significant is True and "recurring" not in {f.criterion for f in proposal.fired}
    assert "Major on its own" in proposal.notes[-1]


def test_recurring_figures_need_the_number_of_incidents():
    with pytest.raises(MissingAnswer) as missing:
        assess("credit_institution", {**CRITICAL, "recurring_costs_eur": 500_000})
    assert missing.value.question == "recurring_count"
