"""TheHive webhook: an audit record (_id, operation, objectType, objectId, startDate, object.{title, severity 1-4}).

Each audit record is one alert (dedup on _id); records about the same case or alert correlate on objectId.
"""

from typing import Any

from notifier.intake.alert import Alert, Unmappable, instant, obj, sub, text

SEVERITY = {1: 1, 2: 2, 3: 3, 4: 4}  # low, medium, high, critical


def parse(body: Any) -> Alert:
    body = obj(body)
    item = sub(body, "object")
    severity = item.get("severity", 2)
    if isinstance(severity, bool) or not isinstance(severity, int) or severity not in SEVERITY:
        raise Unmappable("object.severity", "must be 1 (low), 2 (medium), 3 (high) or 4 (critical)")
    object_type = text(body.get("objectType"), "objectType") or "object"
    object_id = text(body.get("objectId"), "objectId")
    operation = text(body.get("operation"), "operation")
    title = text(item.get("title"), "object.title") or f"TheHive {object_type} {operation or ''}".strip()
    tags = item.get("tags")
    return Alert(
        external_id=text(body.get("_id"), "_id", required=True),
        title=title,
        severity=SEVERITY[severity],
        severity_original=str(severity),
        observed_at=instant(body.get("startDate") or item.get("date"), "startDate"),
        asset=None,
        rule=text(tags[0], "object.tags") if isinstance(tags, list) and tags else None,
        tool_incident_id=f"{object_type}:{object_id}" if object_id else None,
    )
