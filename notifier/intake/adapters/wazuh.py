"""Wazuh custom integration: the alert JSON as written to alerts.json (rule.level 0-16)."""

from typing import Any

from notifier.intake.alert import Alert, Unmappable, instant, obj, sub, text


def level_to_severity(level: int) -> int:
    """Wazuh's own bands: 0-3 info/low noise, 4-7 low, 8-11 medium, 12-14 high, 15-16 critical."""
    if level <= 3:
        return 0
    if level <= 7:
        return 1
    if level <= 11:
        return 2
    if level <= 14:
        return 3
    return 4


def parse(body: Any) -> Alert:
    body = obj(body)
    rule, agent = sub(body, "rule"), sub(body, "agent")
    level = rule.get("level", 0)
    # ASCII digits only: str.isdigit() is also true for "²" and other digits int() refuses or reads differently.
    if isinstance(level, str) and level.isascii() and level.isdigit() and len(level) <= 3:
        level = int(level)
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 16:
        raise Unmappable("rule.level", "must be an integer from 0 to 16")
    return Alert(
        external_id=text(body.get("id"), "id", required=True),
        title=text(rule.get("description"), "rule.description") or "Wazuh alert",
        severity=level_to_severity(level),
        severity_original=str(level),
        observed_at=instant(body.get("timestamp"), "timestamp"),
        asset=text(agent.get("name"), "agent.name") or text(agent.get("id"), "agent.id"),
        rule=text(rule.get("id"), "rule.id"),
    )
