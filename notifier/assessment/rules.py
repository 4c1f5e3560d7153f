"""Is an incident significant? Pure rules per reference section 2 (Cbw art. 25; Implementing Regulation 2024/2690).

Every hard threshold is "more than"; the recurrence rule (art. 4) is "at least twice". The software proposes,
a person decides: assess() returns the proposal and every criterion that fired, with its article and threshold.

Rules version 2 (issue 12). 2024/2690 art. 3(1)(a)-(d) read "the incident has caused or is capable of causing"
(financial loss, exfiltration of trade secrets, death, considerable damage to health), and art. 3(1)(e) counts a
malicious access "which is capable of causing severe operational disruption" (recital 39: an attacker settling in
to disrupt later). So beside what happened the questions ask what the incident can still cause; the answer keys of
version 1 keep their meaning and new keys carry the "can still" half. Art. 3(2) excludes "scheduled interruptions
of service and the foreseen consequences of scheduled maintenance operations" (recital 33: unavailability that
occurs according to the schedule): only those planned effects are dropped, every other criterion is still assessed
and the proposal carries a warning that "only scheduled maintenance" contradicts it. Stored versions are never
recomputed: each keeps the rules version it was proposed under.
"""

from typing import Any

# The assistants' shared vocabulary; kept importable from here (rules.Question, rules.MissingAnswer, ...).
from notifier.regimes.assistant import Fired, MissingAnswer, Proposal, Question

RULES_VERSION = 2
EUR_CAP = 500_000
U_CAP = 1_000_000
ART_3_2 = "2024/2690 art. 3(2)"

# Entity types with hard thresholds, and the article that sets them.
TYPE_ARTICLE = {
    "dns": "5",
    "tld": "6",
    "cloud_computing": "7",
    "data_centre": "8",
    "cdn": "9",
    "managed_service": "10",
    "managed_security_service": "10",
    "online_marketplace": "11",
    "search_engine": "12",
    "social_network": "13",
    "trust_service": "14",
}
USERS_ONLY = {"online_marketplace", "search_engine", "social_network"}
THIRTY_MIN = {"dns", "cloud_computing", "cdn", "managed_service", "managed_security_service"}
U_BASED = {"cloud_computing", "cdn", "managed_service", "managed_security_service"} | USERS_ONLY


Q = {
    q.id: q
    for q in [
        Question(
            "scheduled_maintenance",
            "bool",
            "Was it scheduled maintenance, and are the unavailability and limited availability answered here only its "
            "planned effects?",
        ),
        Question("financial_loss_eur", "number", "Direct financial loss for the organisation so far", "EUR"),
        Question(
            "financial_loss_expected_eur",
            "number",
            "Direct financial loss the incident can still cause in total, as now expected (the loss so far included)",
            "EUR",
        ),
        Question("annual_turnover_eur", "number", "Turnover of the last financial year (not in the profile)", "EUR"),
        Question("trade_secrets_exfiltrated", "bool", "Were trade secrets exfiltrated?"),
        Question(
            "trade_secrets_exfiltration_possible",
            "bool",
            "Can it still lead to trade secrets being exfiltrated (for instance an attacker who can reach them)?",
        ),
        Question("deaths", "int", "How many people died as a result?"),
        Question("death_possible", "bool", "Can it still cause the death of a person?"),
        Question("health_damage", "bool", "Was there considerable damage to a person's health?"),
        Question("health_damage_possible", "bool", "Can it still cause considerable damage to a person's health?"),
        Question(
            "malicious_access",
            "bool",
            "Was there successful, suspectedly malicious unauthorised access that can cause severe operational "
            "disruption (also when nothing is disrupted yet, such as an attacker who has settled in)?",
        ),
        Question(
            "recurrence_count",
            "int",
            "How many incidents with the same apparent root cause occurred in the last 6 months, this one included?",
        ),
        Question(
            "recurrence_financial_loss_eur",
            "number",
            "Their combined direct financial loss, this one included",
            "EUR",
        ),
        Question(
            "recurrence_financial_loss_expected_eur",
            "number",
            "The combined direct financial loss they can still cause, as now expected (the loss so far included)",
            "EUR",
        ),
        Question("unavailable_minutes", "number", "How long was the service fully unavailable?", "minutes"),
        Question("limited_minutes", "number", "How long was availability limited?", "minutes"),
        Question("avg_response_seconds", "number", "Average response time while limited", "seconds"),
        Question("eu_users", "int", "Number of EU users of the service (for the user threshold)", "users"),
        Question("users_unavailable", "int", "Users affected by the full unavailability", "users"),
        Question("users_limited", "int", "Users affected by the limited availability", "users"),
        Question(
            "integrity_compromised",
            "bool",
            "Were integrity, confidentiality or authenticity of stored, transmitted or processed data compromised?",
        ),
        Question("integrity_malicious", "bool", "Is that compromise suspected to be malicious?"),
        Question("users_integrity", "int", "Users affected by that compromise", "users"),
        Question("dns_names_wrong", "int", "Domain names answered wrongly", "names"),
        Question("dns_names_total", "int", "Domain names the service manages", "names"),
        Question("dns_misconfiguration", "bool", "Was the wrong answering caused by a misconfiguration?"),
        Question("physical_access_compromised", "bool", "Was physical access (to restricted areas) compromised?"),
        Question("unavailable_minutes_week", "number", "Total unavailability this calendar week", "minutes"),
        Question(
            "severe_operational_disruption",
            "bool",
            "Did it cause, or can it cause, severe operational disruption of the services?",
        ),
        Question("considerable_financial_loss", "bool", "Did it cause, or can it cause, considerable financial loss?"),
        Question(
            "considerable_damage_to_others",
            "bool",
            "Did it cause, or can it cause, considerable material or non-material damage to other people or "
            "organisations?",
        ),
    ]
}

# Each "can it still" question follows the "what happened" question it completes (art. 3(1)).
CAPABLE = [
    "financial_loss_eur",
    "financial_loss_expected_eur",
    "trade_secrets_exfiltrated",
    "trade_secrets_exfiltration_possible",
    "deaths",
    "death_possible",
    "health_damage",
    "health_damage_possible",
    "malicious_access",
]
RECURRENCE = ["recurrence_count", "recurrence_financial_loss_eur", "recurrence_financial_loss_expected_eur"]
GENERAL = ["scheduled_maintenance", *CAPABLE, *RECURRENCE]
PER_TYPE = {
    "dns": ["unavailable_minutes", "limited_minutes", "avg_response_seconds", "integrity_compromised",
            "dns_names_wrong", "dns_names_total", "dns_misconfiguration"],
    "tld": ["unavailable_minutes", "limited_minutes", "avg_response_seconds", "integrity_compromised"],
    "data_centre": ["unavailable_minutes", "limited_minutes", "integrity_compromised", "integrity_malicious",
                    "physical_access_compromised"],
    "trust_service": ["unavailable_minutes", "unavailable_minutes_week", "eu_users", "users_limited",
                      "users_integrity", "physical_access_compromised"],
}  # fmt: skip
for _kind in THIRTY_MIN - {"dns"}:
    PER_TYPE[_kind] = ["unavailable_minutes", "limited_minutes", "eu_users", "users_limited",
                       "integrity_compromised", "integrity_malicious", "users_integrity"]  # fmt: skip
for _kind in USERS_ONLY:
    PER_TYPE[_kind] = ["eu_users", "users_unavailable", "users_limited", "integrity_compromised",
                       "integrity_malicious", "users_integrity"]  # fmt: skip
OPEN_RULE = [
    "scheduled_maintenance",
    "unavailable_minutes",
    "users_unavailable",
    *CAPABLE,
    "physical_access_compromised",
    *RECURRENCE,
    "severe_operational_disruption",
    "considerable_financial_loss",
    "considerable_damage_to_others",
]


def effective_type(entity_type: str, trust_service_provider: bool = False) -> str:
    # 2024/2690 art. 14 covers every trust service provider, qualified or not.
    return "trust_service" if trust_service_provider or entity_type == "qualified_trust_service" else entity_type


def has_thresholds(entity_type: str) -> bool:
    return entity_type in TYPE_ARTICLE


def question_ids(entity_type: str, turnover_known: bool) -> list[str]:
    ids = list(OPEN_RULE) if not has_thresholds(entity_type) else GENERAL + PER_TYPE[entity_type]
    if not turnover_known and "financial_loss_eur" in ids:
        ids.insert(ids.index("financial_loss_eur") + 1, "annual_turnover_eur")
    return ids


# What scheduled maintenance plans: the service being unavailable or limited (art. 3(2), recital 33). Anything
# else (access, integrity, harm, loss) is not a planned effect; counting a foreseen loss is the stricter reading.
PLANNED_EFFECTS = {"unavailable", "limited_availability", "severe_operational_disruption"}


def financial_threshold(turnover: float | None) -> float:
    """min(EUR 500 000; 5 % of last year's turnover); without a turnover only the EUR cap is known."""
    return EUR_CAP if turnover is None else min(EUR_CAP, 0.05 * turnover)


def user_threshold(eu_users: int) -> float:
    """U = min(5 % of the service's EU users; 1 000 000)."""
    return min(0.05 * eu_users, U_CAP)


def _num(a: dict[str, Any], key: str) -> float:
    value = a.get(key)
    return 0 if value is None else value


def _u(a: dict[str, Any], *keys: str) -> float | None:
    """U, when an answer needs it; asking for eu_users only when a user count was actually given."""
    if not any(a.get(k) for k in keys):
        return None
    if a.get("eu_users") is None:
        raise MissingAnswer("eu_users", "needed to compute U = min(5 % of EU users; 1 000 000)")
    return user_threshold(a["eu_users"])


def assess(entity_type: str, answers: dict[str, Any], *, turnover: float | None) -> Proposal:
    a = answers
    turnover = a.get("annual_turnover_eur", turnover)
    money = financial_threshold(turnover)
    notes = [] if turnover is not None else ["Turnover unknown: the financial threshold is taken as EUR 500 000."]
    fired = _general(a, money)
    if has_thresholds(entity_type):
        rule = "thresholds"
        fired += _per_type(entity_type, a)
    else:
        rule = "open_rule"
        fired += _open_rule(a, money)
        notes.append(
            "No hard thresholds for this entity type: the open rule of Cbw art. 25(2) applies; the 2024/2690 art. 3 "
            "criteria are used as a yardstick (the stricter reading)."
        )
    warnings: list[dict[str, Any]] = []
    if a.get("scheduled_maintenance"):
        fired, warnings = _maintenance(fired, notes)
    # rule: thresholds (2024/2690) | open_rule (Cbw art. 25(2))
    return Proposal(bool(fired), fired, notes, rule, warnings, RULES_VERSION)


def _maintenance(fired: list[Fired], notes: list[str]) -> tuple[list[Fired], list[dict[str, Any]]]:
    """Drops the planned effects (art. 3(2)); what is left cannot be "only scheduled maintenance": flag it."""
    planned = [f for f in fired if f.criterion in PLANNED_EFFECTS]
    unplanned = [f for f in fired if f.criterion not in PLANNED_EFFECTS]
    excluded = ", ".join(dict.fromkeys(f.criterion for f in planned)) or "none fired"
    # First, as in rules v1: it is what the person answered first.
    notes.insert(
        0, f"Scheduled maintenance and its planned effects are never significant ({ART_3_2}); not counted: {excluded}."
    )
    if not unplanned:
        return [], []
    names = list(dict.fromkeys(f.criterion for f in unplanned))
    notes.insert(
        1,
        f"Scheduled maintenance does not plan {', '.join(names)}: still assessed, see the warning "
        "(decide against the proposal, with the reasoning, if it was a foreseen consequence of the maintenance).",
    )
    return unplanned, [{"code": "maintenance_contradiction", "criteria": names, "article": ART_3_2}]


def _loss(a: dict[str, Any], so_far: str, expected: str) -> tuple[float, Any]:
    """The larger of the loss so far and the expected loss (art. 3(1)(a) "has caused or is capable of causing"),
    and the value to record: the plain figure as in rules v1 when only the loss so far is known."""
    if a.get(expected) is None:
        return _num(a, so_far), a.get(so_far)
    value = {"so_far_eur": a[so_far]} if a.get(so_far) is not None else {}
    return max(_num(a, so_far), a[expected]), {**value, "expected_eur": a[expected]}


def _general(a: dict[str, Any], money: float) -> list[Fired]:
    out = []
    money_text = f"> EUR {money:,.0f} (min(EUR 500 000; 5 % of turnover))"
    loss, loss_value = _loss(a, "financial_loss_eur", "financial_loss_expected_eur")
    if loss > money:
        out.append(Fired("financial_loss", "2024/2690 art. 3(1)(a)", money_text, loss_value))
    if a.get("trade_secrets_exfiltrated"):
        out.append(Fired("trade_secrets_exfiltrated", "2024/2690 art. 3(1)(b)", "any", True))
    elif a.get("trade_secrets_exfiltration_possible"):
        out.append(Fired("trade_secrets_exfiltrated", "2024/2690 art. 3(1)(b)", "capable of causing", "possible"))
    if _num(a, "deaths") > 0:
        out.append(Fired("death", "2024/2690 art. 3(1)(c)", "> 0 deaths", a["deaths"]))
    elif a.get("death_possible"):
        out.append(Fired("death", "2024/2690 art. 3(1)(c)", "capable of causing a death", "possible"))
    if a.get("health_damage"):
        out.append(Fired("health_damage", "2024/2690 art. 3(1)(d)", "considerable damage to health", True))
    elif a.get("health_damage_possible"):
        out.append(
            Fired("health_damage", "2024/2690 art. 3(1)(d)", "capable of causing considerable damage to health",
                  "possible")
        )  # fmt: skip
    if a.get("malicious_access"):
        out.append(
            Fired("malicious_access", "2024/2690 art. 3(1)(e)", "suspectedly malicious unauthorised access", True)
        )
    together, together_value = _loss(a, "recurrence_financial_loss_eur", "recurrence_financial_loss_expected_eur")
    if _num(a, "recurrence_count") >= 2 and together > money:
        value = {"count": a["recurrence_count"]}
        if a.get("recurrence_financial_loss_eur") is not None:
            value["financial_loss_eur"] = a["recurrence_financial_loss_eur"]
        if isinstance(together_value, dict):
            value["expected_eur"] = together_value["expected_eur"]
        out.append(
            Fired("recurring", "2024/2690 art. 4", f"at least 2 in 6 months, same root cause, together {money_text}",
                  value)
        )  # fmt: skip
    return out


def _per_type(kind: str, a: dict[str, Any]) -> list[Fired]:
    art = f"2024/2690 art. {TYPE_ARTICLE[kind]}"
    out: list[Fired] = []
    down, limited = _num(a, "unavailable_minutes"), _num(a, "limited_minutes")
    if kind in THIRTY_MIN and down > 30:
        out.append(Fired("unavailable", art, "> 30 min fully unavailable", down))
    if kind in {"tld", "data_centre"} and down > 0:
        out.append(Fired("unavailable", art, "fully unavailable, any duration", down))
    if kind in {"dns", "tld"} and _num(a, "avg_response_seconds") > 10 and limited > 60:
        out.append(
            Fired("limited_availability", art, "average response > 10 s for > 1 h",
                  {"avg_response_seconds": a["avg_response_seconds"], "limited_minutes": limited})
        )  # fmt: skip
    if kind == "data_centre" and limited > 60:
        out.append(Fired("limited_availability", art, "limited availability > 1 h", limited))
    if kind == "dns" and a.get("integrity_compromised"):
        wrong, total = _num(a, "dns_names_wrong"), _num(a, "dns_names_total")
        excepted = a.get("dns_misconfiguration") and wrong < 1000 and total > 0 and wrong <= 0.01 * total
        if not excepted:
            out.append(
                Fired("integrity", art, "any, except < 1 000 names and <= 1 % wrong through misconfiguration",
                      {"names_wrong": wrong, "names_total": total})
            )  # fmt: skip
    if kind == "tld" and a.get("integrity_compromised"):
        out.append(Fired("integrity", art, "any compromise", True))
    if kind == "data_centre":
        if a.get("integrity_compromised") and a.get("integrity_malicious"):
            out.append(Fired("integrity", art, "suspectedly malicious compromise", True))
        if a.get("physical_access_compromised"):
            out.append(Fired("physical_access", art, "physical access compromised", True))
    if kind in U_BASED:
        out += _u_based(kind, art, a, limited)
    if kind == "trust_service":
        out += _trust(art, a, down)
    return out


def _u_based(kind: str, art: str, a: dict[str, Any], limited: float) -> list[Fired]:
    out = []
    u = _u(a, "users_unavailable", "users_limited", "users_integrity")
    u_text = "" if u is None else f"U = {u:,.0f}"
    if kind in USERS_ONLY and u is not None and _num(a, "users_unavailable") > u:
        out.append(Fired("unavailable", art, f"> U users ({u_text})", a["users_unavailable"]))
    if u is not None and _num(a, "users_limited") > u and (kind in USERS_ONLY or limited > 60):
        threshold = f"> U users ({u_text})" + ("" if kind in USERS_ONLY else " for > 1 h")
        out.append(Fired("limited_availability", art, threshold, a["users_limited"]))
    if a.get("integrity_compromised") and a.get("integrity_malicious"):
        out.append(Fired("integrity", art, "suspectedly malicious compromise", True))
    elif a.get("integrity_compromised") and u is not None and _num(a, "users_integrity") > u:
        out.append(Fired("integrity", art, f"> U users ({u_text})", a["users_integrity"]))
    return out


def _trust(art: str, a: dict[str, Any], down: float) -> list[Fired]:
    out = []
    if down > 20:
        out.append(Fired("unavailable", art, "> 20 min fully unavailable", down))
    if _num(a, "unavailable_minutes_week") > 60:
        out.append(
            Fired("limited_availability", art, "unavailable > 1 h per calendar week", a["unavailable_minutes_week"])
        )
    if a.get("users_limited") or a.get("users_integrity"):
        if a.get("eu_users") is None:
            raise MissingAnswer("eu_users", "needed for the trust service user thresholds")
        users = a["eu_users"]
        limit_limited, limit_integrity = min(0.01 * users, 200_000), min(0.001 * users, 100)
        if _num(a, "users_limited") > limit_limited:
            out.append(Fired("limited_availability", art, f"> min(1 %; 200 000) users = {limit_limited:,.0f}",
                             a["users_limited"]))  # fmt: skip
        if _num(a, "users_integrity") > limit_integrity:
            out.append(Fired("integrity", art, f"> min(0.1 %; 100) users = {limit_integrity:,.0f}",
                             a["users_integrity"]))  # fmt: skip
    if a.get("physical_access_compromised"):
        out.append(Fired("physical_access", art, "physical access to restricted areas compromised", True))
    return out


def _open_rule(a: dict[str, Any], money: float) -> list[Fired]:
    out = []
    if a.get("severe_operational_disruption"):
        out.append(
            Fired("severe_operational_disruption", "Cbw art. 25(2)(a)", "severe disruption of the services", True)
        )
    if a.get("considerable_financial_loss"):
        out.append(Fired("considerable_financial_loss", "Cbw art. 25(2)(a)", "financial loss for the entity", True))
    if a.get("considerable_damage_to_others"):
        out.append(Fired("considerable_damage_to_others", "Cbw art. 25(2)(b)", "considerable damage to others", True))
    if a.get("physical_access_compromised"):
        out.append(
            Fired("physical_access", "Cbw art. 25(2)(a)", "physical access compromised (stricter reading)", True)
        )
    return out
