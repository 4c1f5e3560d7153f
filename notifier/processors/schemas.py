"""What the API and the settings page accept and answer for processors and their links to incidents."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from notifier.instants import Instant


class ContactIn(BaseModel):
    level: int = Field(ge=1, le=3, description="1 service desk, 2 account manager, 3 DPO or management")
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class ProcessorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    notification_term_hours: int = Field(gt=0, le=24 * 30)
    contacts: list[ContactIn] = Field(min_length=1)

    @field_validator("contacts")
    @classmethod
    def _one_per_level(cls, value: list[ContactIn]) -> list[ContactIn]:
        levels = [c.level for c in value]
        if len(levels) != len(set(levels)):
            raise ValueError("give at most one contact per level")
        return value


class ProcessorOut(BaseModel):
    id: int
    name: str
    notification_term_hours: int
    contacts: list[dict[str, Any]]


class LinkIn(BaseModel):
    processor_id: int
    processor_aware_at: Instant | None = None
    informed_at: Instant | None = None


class LinkOut(BaseModel):
    id: int
    incident_id: int
    processor_id: int
    processor_aware_at: datetime | None
    informed_at: datetime | None
    requested_at: datetime
    requested_facts: list[str]
    current_level: int
    answered_at: datetime | None
