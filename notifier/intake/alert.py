"""The one alert shape every adapter produces, and the project's severity scale."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from notifier import instants

# One scale for every tool; the tool's own value is kept next to it (severity_original).
SEVERITIES = ("info", "low", "medium", "high", "critical")
MAX_TEXT = 500


class Unmappable(Exception):
    """The payload is valid JSON but the adapter cannot find what it needs (answered as 422, naming the field)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Alert:
    external_id: str
    title: str
    severity: int  # index into SEVERITIES
    severity_original: str | None
    observed_at: datetime | None
    asset: str | None
    rule: str | None
    # The tool's own incident id when it has one; otherwise correlation falls back to rule + asset.
    tool_incident_id: str | None = None

    @property
    def severity_name(self) -> str:
        return SEVERITIES[self.severity]


def severity_index(name: str) -> int:
    """'high' -> 3; used for settings, so an unknown name is a configuration error."""
    try:
        return SEVERITIES.index(name.strip().lower())
    except ValueError as exc:
        raise ValueError(f"unknown severity {name!r}; use one of {', '.join(SEVERITIES)}") from exc


def obj(body: Any, field: str = "body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Unmappable(field, "must be a JSON object")
    return body


def sub(body: dict[str, Any], key: str, field: str | None = None) -> dict[str, Any]:
    """A nested object that may be absent (then empty) but, when present, must be an object."""
    value = body.get(key)
    if value is None:
        return {}
    return obj(value, field or key)


def clean(value: str | None) -> str | None:
    """Text every database accepts: no lone surrogates (from JSON escapes) and no NUL (PostgreSQL refuses it)."""
    if value is None:
        return None
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def text(value: Any, field: str, *, required: bool = False) -> str | None:
    """A short text from a scalar; numbers are accepted because tools send ids both ways."""
    if value is None or value == "":
        if required:
            raise Unmappable(field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Unmappable(field, "must be a string")
    return clean(str(value)[:MAX_TEXT])


def instant(value: Any, field: str) -> datetime | None:
    """ISO 8601 with an offset, or epoch seconds/milliseconds (UTC by definition), within notifier.instants' range."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            value = float(value)  # Splunk sends _time as an epoch string
        if isinstance(value, int | float):
            seconds = value / 1000 if abs(value) > 10**11 else value
            parsed = datetime.fromtimestamp(seconds, UTC)
        elif isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise Unmappable(field, "is not a time (ISO 8601 with offset, or epoch seconds/milliseconds)") from exc
    # Checked here, in the request: a value the writer cannot store would be a 503, and a SIEM retries a 503 forever.
    try:
        return instants.check(parsed)
    except instants.InstantError as exc:
        raise Unmappable(field, str(exc)) from exc


def digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    # surrogatepass: a lone surrogate from a JSON escape must hash, not fail; every other text hashes as before.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]
