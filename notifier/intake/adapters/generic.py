"""Our own documented schema, for scripts and tools without an adapter (see docs/intake.md)."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from notifier.instants import Instant
from notifier.intake.alert import SEVERITIES, Alert, Unmappable, clean


class GenericAlert(BaseModel):
    """POST /api/v1/intake/generic: one alert. `id` must be stable across retries (it is the dedup key)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "id": "fw-2026-11-23-000123",
                "title": "Outbound traffic to known C2 address",
                "severity": "high",
                "observed_at": "2026-11-23T09:12:44Z",
                "asset": "epd-app-01",
                "rule": "c2-egress",
                "incident_key": None,
            }
        },
    )

    id: str = Field(min_length=1, max_length=200, description="The sender's unique id for this alert")
    title: str = Field(min_length=1, max_length=500)
    severity: Literal[SEVERITIES] = Field(description="info, low, medium, high or critical")  # type: ignore[valid-type]
    observed_at: Instant | None = Field(default=None, description="When the tool saw it (ISO 8601 with offset)")
    asset: str | None = Field(default=None, max_length=500, description="Host or asset name")
    rule: str | None = Field(default=None, max_length=500, description="Detection rule id or name")
    incident_key: str | None = Field(
        default=None, max_length=200, description="The sender's own incident/case id; alerts sharing it correlate"
    )


def parse(body: Any) -> Alert:
    try:
        alert = GenericAlert.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Unmappable(".".join(str(p) for p in first["loc"]) or "body", first["msg"]) from exc
    return Alert(
        external_id=clean(alert.id),
        title=clean(alert.title),
        severity=SEVERITIES.index(alert.severity),
        severity_original=alert.severity,
        observed_at=alert.observed_at,  # an Instant: offset, UTC and range already checked by the model
        asset=clean(alert.asset),
        rule=clean(alert.rule),
        tool_incident_id=clean(alert.incident_key),
    )
