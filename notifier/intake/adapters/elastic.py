"""Kibana / Elastic webhook connector: the body is the user's Mustache template; we expect the usual fields.

alert.uuid is unique per alert instance (dedup key); rule.id + the alert's host is the correlation fallback.
"""

from typing import Any

from notifier.intake.alert import Alert, Unmappable, instant, obj, sub, text

SEVERITY = {"low": 1, "medium": 2, "high": 3, "critical": 4}
ACTION_GROUP = {"recovered": 0}


def parse(body: Any) -> Alert:
    body = obj(body)
    rule, alert, context = sub(body, "rule"), sub(body, "alert"), sub(body, "context")
    uuid = text(alert.get("uuid"), "alert.uuid") or text(alert.get("id"), "alert.id")
    if uuid is None:
        raise Unmappable("alert.uuid", "is required (add {{alert.uuid}} to the connector's body template)")
    raw = context.get("severity", rule.get("severity"))
    original = text(raw, "context.severity") if not isinstance(raw, dict | list) else None
    group = text(alert.get("actionGroup"), "alert.actionGroup")
    severity = SEVERITY.get((original or "").lower(), ACTION_GROUP.get(group or "", 2))
    host = context.get("host")
    if isinstance(host, dict):
        host = host.get("name")
    tags = rule.get("tags")
    title = text(rule.get("name"), "rule.name") or text(context.get("reason"), "context.reason") or "Elastic alert"
    return Alert(
        external_id=uuid,
        title=title,
        severity=severity,
        severity_original=original or group,
        observed_at=instant(context.get("timestamp") or body.get("date"), "context.timestamp"),
        asset=text(host, "context.host") if not isinstance(host, dict | list) else None,
        rule=text(rule.get("id"), "rule.id")
        or (text(tags[0], "rule.tags[0]") if isinstance(tags, list) and tags else None),
    )
