"""Graylog HTTP notification: event_definition_*, event.{id (ULID), timestamp, message, source, priority 0-4}."""

from typing import Any

from notifier.intake.alert import Alert, Unmappable, instant, obj, sub, text


def parse(body: Any) -> Alert:
    body = obj(body)
    event = sub(body, "event")
    priority = event.get("priority", 2)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 4:
        raise Unmappable("event.priority", "must be an integer from 0 (info) to 4 (critical)")
    title = text(body.get("event_definition_title"), "event_definition_title") or text(
        event.get("message"), "event.message"
    )
    return Alert(
        external_id=text(event.get("id"), "event.id", required=True),
        title=title or "Graylog event",
        severity=priority,  # Graylog's 0-4 is our scale
        severity_original=str(priority),
        observed_at=instant(event.get("timestamp"), "event.timestamp"),
        asset=text(event.get("source"), "event.source"),
        rule=text(body.get("event_definition_id"), "event_definition_id"),
    )
