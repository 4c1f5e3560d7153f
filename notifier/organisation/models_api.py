"""The organisation profile as the API reads and writes it."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from notifier.clock import TimeZoneName
from notifier.organisation.classification import ENTITY_TYPES, SECTOR_OF_TYPE, SECTORS
from notifier.organisation.roles import ContactRole

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
    trust_service_provider: bool = Field(
        default=False,
        description="Also provides trust services. Kept for older profiles: without entity_type trust_service "
        "(non-qualified) or qualified_trust_service the qualification is unknown and read strictly as qualified",
    )
    cer_critical_entity: bool = Field(
        default=False, description="Critical entity under the CER Directive / Wwke (essential regardless of size)"
    )
    timezone: TimeZoneName = "Europe/Amsterdam"
    contacts: list[ContactIn] = Field(default_factory=list)

    @field_validator("entity_type")
    @classmethod
    def _type_in_its_sector(cls, value: str, info: ValidationInfo) -> str:
        home = SECTOR_OF_TYPE.get(value)
        sector = info.data.get("sector")
        if home and sector and sector != home:
            raise ValueError(f"{value} belongs to sector {home}, not {sector}")
        return value


class ContactOut(ContactIn):
    pass


class OrganisationOut(OrganisationIn):
    classification: Literal["essential", "important", "not_covered"]
    classification_reason: str
    size: str = Field(description="large, medium, small, or unknown when the figures given cannot settle it")
    regimes: list[str] = Field(description="The reporting regimes that apply: cbw, avg (dora, cra once they exist)")
    regime_notices: dict[str, str] = Field(
        default_factory=dict, description="A regime that does not apply, and what to do instead (e.g. cbw: DORA)"
    )
