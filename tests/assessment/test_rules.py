"""The thresholds of reference section 2, each criterion on both sides of its line (pure rules, no database)."""

import pytest

from notifier.assessment import rules

NO_TURNOVER = None


def fired(kind: str, answers: dict, turnover: float | None = 100_000_000) -> set[str]:
    return {f.criterion for f in rules.assess(kind, answers, turnover=turnover).fired}


def significant(kind: str, answers: dict, turnover: float | None = 100_000_000) -> bool:
    return rules.assess(kind, answers, turnover=turnover).significant


# ---- art. 3(1): any type with thresholds ----


@pytest.mark.parametrize(
    ("turnover", "line"),
    [(100_000_000, 500_000), (4_000_000, 200_000), (None, 500_000), (10_000_000, 500_000)],
)
def test_financial_loss_more_than_min_of_500k_and_5_percent(turnover, line):
    assert not significant("cloud_computing", {"financial_loss_eur": line}, turnover)
    assert significant("cloud_computing", {"financial_loss_eur": line + 1}, turnover)


def test_turnover_answer_overrides_the_missing_profile_value():
    answers = {"financial_loss_eur": 200_001, "annual_turnover_eur": 4_000_000}
    assert significant("dns", answers, NO_TURNOVER)
    assert not significant("dns", {**answers, "financial_loss_eur": 200_000}, NO_TURNOVER)


@pytest.mark.parametrize("flag", ["trade_secrets_exfiltrated", "health_damage", "malicious_access"])
def test_yes_no_criteria(flag):
    assert not significant("cdn", {flag: False})
    assert flag.split("_")[0] in " ".join(fired("cdn", {flag: True}))


def test_death():
    assert not significant("data_centre", {"deaths": 0})
    assert fired("data_centre", {"deaths": 1}) == {"death"}


def test_recurrence_at_least_twice_and_together_over_the_financial_line():
    base = {"recurrence_count": 2, "recurrence_financial_loss_eur": 500_001}
    assert fired("cloud_computing", base) == {"recurring"}
    assert not significant("cloud_computing", {**base, "recurrence_count": 1})
    assert not significant("cloud_computing", {**base, "recurrence_financial_loss_eur": 500_000})


def test_scheduled_maintenance_is_never_significant():
    proposal = rules.assess("dns", {"scheduled_maintenance": True, "unavailable_minutes": 600}, turnover=None)
    assert proposal.significant is False and "art. 3(2)" in proposal.notes[0]


# ---- per type (art. 5-14) ----


@pytest.mark.parametrize("kind", ["dns", "cloud_computing", "cdn", "managed_service", "managed_security_service"])
def test_fully_unavailable_more_than_30_minutes(kind):
    assert not significant(kind, {"unavailable_minutes": 30})
    assert fired(kind, {"unavailable_minutes": 30.5}) == {"unavailable"}


@pytest.mark.parametrize("kind", ["tld", "data_centre"])
def test_fully_unavailable_any_duration(kind):
    assert not significant(kind, {"unavailable_minutes": 0})
    assert fired(kind, {"unavailable_minutes": 1}) == {"unavailable"}


def test_trust_service_unavailable_more_than_20_minutes():
    assert not significant("trust_service", {"unavailable_minutes": 20})
    assert fired("trust_service", {"unavailable_minutes": 21}) == {"unavailable"}


@pytest.mark.parametrize("kind", ["dns", "tld"])
def test_slow_answers_more_than_10_seconds_for_more_than_an_hour(kind):
    line = {"avg_response_seconds": 10, "limited_minutes": 61}
    assert not significant(kind, line)
    assert not significant(kind, {"avg_response_seconds": 11, "limited_minutes": 60})
    assert fired(kind, {"avg_response_seconds": 10.5, "limited_minutes": 61}) == {"limited_availability"}


def test_data_centre_limited_more_than_an_hour():
    assert not significant("data_centre", {"limited_minutes": 60})
    assert fired("data_centre", {"limited_minutes": 61}) == {"limited_availability"}


@pytest.mark.parametrize(("eu_users", "u"), [(10_000_000, 500_000), (40_000_000, 1_000_000), (1_000, 50)])
def test_cloud_limited_more_than_u_users_for_more_than_an_hour(eu_users, u):
    at_line = {"eu_users": eu_users, "users_limited": u, "limited_minutes": 61}
    assert not significant("cloud_computing", at_line)
    assert fired("cloud_computing", {**at_line, "users_limited": u + 1}) == {"limited_availability"}
    assert not significant("cloud_computing", {**at_line, "users_limited": u + 1, "limited_minutes": 60})


def test_u_needs_the_number_of_eu_users():
    with pytest.raises(rules.MissingAnswer) as info:
        rules.assess("cdn", {"users_limited": 5}, turnover=None)
    assert info.value.question == "eu_users"


@pytest.mark.parametrize("kind", ["online_marketplace", "search_engine", "social_network"])
def test_platforms_more_than_u_users(kind):
    at = {"eu_users": 10_000_000, "users_unavailable": 500_000, "users_limited": 500_000}
    assert not significant(kind, at)
    assert fired(kind, {**at, "users_unavailable": 500_001}) == {"unavailable"}
    assert fired(kind, {**at, "users_limited": 500_001}) == {"limited_availability"}


@pytest.mark.parametrize("kind", ["cloud_computing", "cdn", "managed_service", "online_marketplace"])
def test_integrity_suspectedly_malicious_or_more_than_u_users(kind):
    base = {"integrity_compromised": True, "eu_users": 10_000_000}
    assert not significant(kind, {**base, "integrity_malicious": False, "users_integrity": 500_000})
    assert fired(kind, {**base, "integrity_malicious": False, "users_integrity": 500_001}) == {"integrity"}
    assert fired(kind, {**base, "integrity_malicious": True}) == {"integrity"}


def test_dns_integrity_any_except_small_misconfiguration():
    small = {"integrity_compromised": True, "dns_misconfiguration": True, "dns_names_wrong": 999}
    assert not significant("dns", {**small, "dns_names_total": 99_900})  # 999 <= 1 % of 99 900
    assert fired("dns", {**small, "dns_names_total": 99_800}) == {"integrity"}  # 999 > 1 % of 99 800
    assert fired("dns", {**small, "dns_names_wrong": 1000, "dns_names_total": 10_000_000}) == {"integrity"}
    assert fired("dns", {**small, "dns_misconfiguration": False, "dns_names_total": 10_000_000}) == {"integrity"}


def test_tld_integrity_any():
    assert not significant("tld", {"integrity_compromised": False})
    assert fired("tld", {"integrity_compromised": True}) == {"integrity"}


def test_data_centre_integrity_malicious_or_physical_access():
    assert not significant("data_centre", {"integrity_compromised": True, "integrity_malicious": False})
    assert fired("data_centre", {"integrity_compromised": True, "integrity_malicious": True}) == {"integrity"}
    assert fired("data_centre", {"physical_access_compromised": True}) == {"physical_access"}


def test_trust_service_week_and_user_lines():
    assert not significant("trust_service", {"unavailable_minutes_week": 60})
    assert fired("trust_service", {"unavailable_minutes_week": 61}) == {"limited_availability"}
    # min(1 %; 200 000): 1 % of 1 000 000 = 10 000; for 50 000 000 users the cap of 200 000 applies.
    assert not significant("trust_service", {"eu_users": 1_000_000, "users_limited": 10_000})
    assert fired("trust_service", {"eu_users": 1_000_000, "users_limited": 10_001}) == {"limited_availability"}
    assert not significant("trust_service", {"eu_users": 50_000_000, "users_limited": 200_000})
    assert fired("trust_service", {"eu_users": 50_000_000, "users_limited": 200_001}) == {"limited_availability"}
    # min(0.1 %; 100): 0.1 % of 50 000 = 50; for 1 000 000 users the cap of 100 applies.
    assert not significant("trust_service", {"eu_users": 50_000, "users_integrity": 50})
    assert fired("trust_service", {"eu_users": 50_000, "users_integrity": 51}) == {"integrity"}
    assert not significant("trust_service", {"eu_users": 1_000_000, "users_integrity": 100})
    assert fired("trust_service", {"eu_users": 1_000_000, "users_integrity": 101}) == {"integrity"}
    assert fired("trust_service", {"physical_access_compromised": True}) == {"physical_access"}


# ---- open rule (Cbw art. 25(2)) for types without hard thresholds ----


def test_open_rule_questions_and_criteria():
    ids = rules.question_ids("healthcare_provider", turnover_known=True)
    assert "severe_operational_disruption" in ids and "dns_names_wrong" not in ids and "eu_users" not in ids
    proposal = rules.assess("healthcare_provider", {}, turnover=1)
    assert proposal.significant is False and proposal.rule == "open_rule"
    for flag in ("severe_operational_disruption", "considerable_financial_loss", "considerable_damage_to_others"):
        proposal = rules.assess("healthcare_provider", {flag: True}, turnover=1)
        assert proposal.significant and proposal.fired[0].article.startswith("Cbw art. 25(2)")
    assert significant("other", {"deaths": 1})


def test_only_relevant_questions_per_type():
    assert "dns_names_wrong" in rules.question_ids("dns", turnover_known=True)
    assert "dns_names_wrong" not in rules.question_ids("cloud_computing", turnover_known=True)
    assert "unavailable_minutes_week" in rules.question_ids("trust_service", turnover_known=True)
    assert "annual_turnover_eur" not in rules.question_ids("dns", turnover_known=True)
    assert "annual_turnover_eur" in rules.question_ids("dns", turnover_known=False)
    assert rules.effective_type("other", trust_service_provider=True) == "trust_service"


def test_qualified_trust_service_uses_the_trust_service_thresholds():
    assert rules.effective_type("qualified_trust_service") == "trust_service"


# ---- rules v2 (issue 12): "has caused or is capable of causing" (art. 3(1)); maintenance excludes planned effects ----


def test_rules_version_two_is_recorded_on_every_proposal():
    assert rules.RULES_VERSION == 2
    assert rules.assess("dns", {}, turnover=None).rules_version == 2


@pytest.mark.parametrize(("turnover", "line"), [(100_000_000, 500_000), (4_000_000, 200_000), (None, 500_000)])
def test_expected_financial_loss_counts_like_the_loss_so_far(turnover, line):
    # Art. 3(1)(a): "has caused or is capable of causing direct financial loss"; the expected total counts too.
    so_far = {"financial_loss_eur": 1_000}
    assert not significant("cloud_computing", {**so_far, "financial_loss_expected_eur": line}, turnover)
    proposal = rules.assess("cloud_computing", {**so_far, "financial_loss_expected_eur": line + 1}, turnover=turnover)
    assert [f.criterion for f in proposal.fired] == ["financial_loss"]
    assert proposal.fired[0].value == {"so_far_eur": 1_000, "expected_eur": line + 1}
    only_expected = rules.assess("cdn", {"financial_loss_expected_eur": line + 1}, turnover=turnover).fired[0]
    assert only_expected.value == {"expected_eur": line + 1}
    assert rules.assess("cdn", {"financial_loss_eur": line + 1}, turnover=turnover).fired[0].value == line + 1  # v1


@pytest.mark.parametrize(
    ("flag", "criterion"),
    [
        ("trade_secrets_exfiltration_possible", "trade_secrets_exfiltrated"),
        ("death_possible", "death"),
        ("health_damage_possible", "health_damage"),
    ],
)
def test_possible_harm_counts_like_harm_that_happened(flag, criterion):
    assert not significant("managed_service", {flag: False})
    proposal = rules.assess("managed_service", {flag: True}, turnover=1)
    assert [f.criterion for f in proposal.fired] == [criterion]
    assert proposal.fired[0].value == "possible" and proposal.fired[0].article.startswith("2024/2690 art. 3(1)")


def test_recurrence_counts_the_expected_combined_loss():
    base = {"recurrence_count": 2, "recurrence_financial_loss_eur": 100}
    assert not significant("cdn", {**base, "recurrence_financial_loss_expected_eur": 500_000})
    assert fired("cdn", {**base, "recurrence_financial_loss_expected_eur": 500_001}) == {"recurring"}
    value = (
        rules.assess("cdn", {**base, "recurrence_financial_loss_expected_eur": 500_001}, turnover=None).fired[0].value
    )
    assert value == {"count": 2, "financial_loss_eur": 100, "expected_eur": 500_001}
    assert not significant("cdn", {**base, "recurrence_count": 1, "recurrence_financial_loss_expected_eur": 10**7})


def test_the_capable_of_causing_questions_are_asked_for_every_type():
    new = {
        "financial_loss_expected_eur",
        "trade_secrets_exfiltration_possible",
        "death_possible",
        "health_damage_possible",
        "recurrence_financial_loss_expected_eur",
    }
    for kind in ["dns", "cloud_computing", "trust_service", "social_network", "healthcare_provider", "other"]:
        ids = rules.question_ids(kind, turnover_known=True)
        assert new <= set(ids), kind
        # Each "can it still" question follows the "what happened" question it completes.
        assert ids.index("financial_loss_expected_eur") == ids.index("financial_loss_eur") + 1
    for key in new:
        assert "can" in rules.Q[key].text.lower()


def test_maintenance_excludes_only_its_planned_effects_and_flags_the_contradiction():
    answers = {"scheduled_maintenance": True, "unavailable_minutes": 600, "malicious_access": True}
    proposal = rules.assess("cloud_computing", answers, turnover=None)
    assert proposal.significant is True
    assert [f.criterion for f in proposal.fired] == ["malicious_access"]  # the planned outage is not counted
    assert proposal.warnings == [
        {"code": "maintenance_contradiction", "criteria": ["malicious_access"], "article": "2024/2690 art. 3(2)"}
    ]
    assert any("art. 3(2)" in n and "unavailable" in n for n in proposal.notes)


def test_maintenance_with_only_planned_effects_is_not_significant_and_not_flagged():
    answers = {"scheduled_maintenance": True, "unavailable_minutes": 600, "limited_minutes": 600, "eu_users": 10,
               "users_limited": 10}  # fmt: skip
    proposal = rules.assess("cloud_computing", answers, turnover=None)
    assert proposal.significant is False and proposal.fired == [] and proposal.warnings == []
    assert any("art. 3(2)" in n for n in proposal.notes)


@pytest.mark.parametrize(
    ("kind", "extra", "criterion"),
    [
        ("dns", {"integrity_compromised": True}, "integrity"),
        ("data_centre", {"physical_access_compromised": True}, "physical_access"),
        ("trust_service", {"physical_access_compromised": True}, "physical_access"),
        ("cdn", {"deaths": 1}, "death"),
        ("cdn", {"financial_loss_expected_eur": 600_000}, "financial_loss"),
        ("healthcare_provider", {"considerable_damage_to_others": True}, "considerable_damage_to_others"),
        ("healthcare_provider", {"malicious_access": True}, "malicious_access"),
    ],
)
def test_maintenance_still_assesses_every_unplanned_criterion(kind, extra, criterion):
    proposal = rules.assess(kind, {"scheduled_maintenance": True, "unavailable_minutes": 45, **extra}, turnover=None)
    assert proposal.significant is True
    assert [f.criterion for f in proposal.fired] == [criterion]
    assert proposal.warnings[0]["code"] == "maintenance_contradiction"
    assert proposal.warnings[0]["criteria"] == [criterion]


def test_open_rule_maintenance_disruption_is_a_planned_effect():
    answers = {"scheduled_maintenance": True, "severe_operational_disruption": True}
    proposal = rules.assess("healthcare_provider", answers, turnover=1)
    assert proposal.significant is False and proposal.warnings == []


def test_without_maintenance_there_is_no_warning():
    proposal = rules.assess("cloud_computing", {"unavailable_minutes": 600, "malicious_access": True}, turnover=None)
    assert {f.criterion for f in proposal.fired} == {"unavailable", "malicious_access"} and proposal.warnings == []


def test_every_question_and_criterion_has_its_dutch_and_english_words():
    from notifier.assessment import labels

    assert set(labels.QUESTIONS_NL) == set(rules.Q)
    assert all(labels.question(q, "nl") != labels.question(q, "en") for q in rules.Q)
    names = {"financial_loss", "trade_secrets_exfiltrated", "death", "health_damage", "malicious_access", "recurring",
             "unavailable", "limited_availability", "integrity", "physical_access"}  # fmt: skip
    names |= set(rules.PLANNED_EFFECTS)
    assert names <= set(labels.CRITERIA)
    text = labels.warning({"code": "maintenance_contradiction", "criteria": ["malicious_access"]}, "nl")
    assert "vermoedelijk kwaadwillige onbevoegde toegang" in text and "2024/2690 art. 3(2)" in text
