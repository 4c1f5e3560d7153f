"""What the incident API takes and answers about incidents alone (the full incident answer, which joins the
deadlines and filings, is notifier/lifecycle/schemas.py)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from notifier.instants import Instant


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20_000)
    detected_at: Instant | None = None


class AuditOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    event_type: str
    reason: str | None
    payload: dict[str, Any]
    previous_state: dict[str, Any] | None
    new_state: dict[str, Any] | None
    prev_hash: str
    hash: str


class ConflictOut(BaseModel):
    detail: str
    current_state: str
    allowed_events: list[str]
