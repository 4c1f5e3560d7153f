"""The organisation profile as the API reads and writes it."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from notifier.clock import TimeZoneName
from notifier.organisation.classification import ENTITY_TYPES, SECTORS

ContactRole = Literal["reporting_officer", "deputy", "ciso", "dpo"]
Sector = Literal[tuple(SECTORS)]  # type: ignore[valid-type]
EntityType = Literal[tuple(ENTITY_TYPES)]  # type: ignore[valid-type]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    role: ContactRole

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL.match(value):
            raise ValueError("not a valid e-mail address")
        return value


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    kvk_number: str | None = Field(
        default=None, pattern=r"^\d{8}$", description="Dutch Chamber of Commerce number, 8 digits"
    )
    sector: Sector
    entity_type: EntityType
    staff_count: int | None = Field(default=None, ge=0)
    annual_turnover_eur: int | None = Field(default=None, ge=0)
    balance_sheet_eur: int | None = Field(default=None, ge=0)
    trust_service_provider: bool = False
    timezone: TimeZoneName = "Europe/Amsterdam"
    contacts: list[ContactIn] = Field(default_factory=list)


class ContactOut(ContactIn):
    pass


class OrganisationOut(OrganisationIn):
    classification: Literal["essential", "important", "not_covered"]
    classification_reason: str
    size: str
