"""The incident answer: the incident with its tracks, deadlines, filings and requests, in the organisation's zone."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from notifier.submissions.consistency import Inconsistency


class DeadlineOut(BaseModel):
    regime: str
    stage: str
    sequence: int = Field(description="0, or the number of the request for report stages that are requested")
    title: str
    due: datetime | None = Field(description="In the organisation's zone; null while it waits on a future event")
    status: str = Field(description="open, met, late or overdue")
    provisional: bool = Field(description="true while the anchor is itself a deadline, not a submission")
    submitted_at: datetime | None
    legal_basis: str
    target: bool = Field(
        default=False,
        description="true: an organisation target where the law says 'without undue delay', not a legal deadline",
    )


class WarningOut(BaseModel):
    code: str = Field(description="aware_after_processor_informed: a processor informed us before the awareness time")
    regime: str
    processor: str | None = None
    informed_at: datetime | None = None
    aware_at: datetime | None = None


class TrackOut(BaseModel):
    regime: str
    state: str
    aware_at: datetime | None
    declared_by: str | None
    declaration: dict[str, Any]
    reasoning: str | None
    allowed_events: list[str]
    workflow_version: int | None = Field(
        default=None,
        description="The version of the regime's rules in force when the clock started (kept while rules change)",
    )
    rules_applies_from: date | None = Field(default=None, description="The day that version applies from")
    notice: str | None = Field(
        default=None, description="Why this regime's track does not open here (e.g. a DORA financial entity: no Cbw)"
    )


class SubmissionOut(BaseModel):
    regime: str
    stage: str
    submitted_at: datetime
    reference: str | None
    delay_reason: str | None
    confirmed_by: str
    confirmed_at: datetime


class RequestOut(BaseModel):
    regime: str
    stage: str
    due: datetime
    requested_by: str
    recorded_at: datetime


class IncidentOut(BaseModel):
    id: int
    title: str
    summary: str
    state: str
    detected_at: datetime | None
    resolved_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    merged_into_id: int | None = Field(default=None, description="State `merged`: the incident its alerts went to")
    tracks: list[TrackOut]
    deadlines: list[DeadlineOut]
    submissions: list[SubmissionOut]
    requests: list[RequestOut]
    facts: dict[str, Any] = Field(default_factory=dict, description="See PATCH /api/v1/incidents/{id}/facts")
    inconsistencies: list[Inconsistency] = Field(
        default_factory=list, description="Facts on which the latest filed reports of two regimes disagree"
    )
    warnings: list[WarningOut] = Field(
        default_factory=list, description="Things the officer should look at; the software changed nothing for them"
    )
