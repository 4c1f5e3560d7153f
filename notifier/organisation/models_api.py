"""The organisation profile as the API reads and writes it."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from notifier.clock import TimeZoneName
from notifier.organisation.classification import DORA_ENTITY_TYPES, ENTITY_TYPES, MEMBER_STATES, SECTOR_OF_TYPE
from notifier.organisation.roles import ContactRole
from notifier.sectors import SECTORS

Sector = Literal[tuple(SECTORS)]  # type: ignore[valid-type]
EntityType = Literal[tuple(ENTITY_TYPES)]  # type: ignore[valid-type]
DoraEntityType = Literal[tuple(DORA_ENTITY_TYPES)]  # type: ignore[valid-type]
MemberState = Literal[tuple(MEMBER_STATES)]  # type: ignore[valid-type]
LEI = r"^[A-Z0-9]{18}[0-9]{2}$"  # ISO 17442, as the ESAs' schema checks it
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Dutch postcode: four digits (no leading zero) and two letters; both forms ask for an address in the Netherlands.
POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")
TOGETHER = "an address needs street, postcode and city together"


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    role: ContactRole
    job_title: str | None = Field(default=None, max_length=200, description="Asked by the NCSC and AP forms")
    availability: str | None = Field(
        default=None, max_length=200, description="When and how the person can be reached (asked by the NCSC form)"
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL.match(value):
            raise ValueError("not a valid e-mail address")
        return value

    @field_validator("phone", "job_title", "availability")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None


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
    # Checked together below, in field order: a validator sees only the fields declared before it.
    street: str | None = Field(default=None, max_length=200, description="Street and house number")
    postcode: str | None = Field(
        default=None, max_length=10, validate_default=True, description="Dutch postcode, e.g. 1234 AB"
    )
    city: str | None = Field(default=None, max_length=100, validate_default=True)
    dpo_registered_with_ap: bool = Field(default=False, description="The DPO is registered with the AP")
    dpo_ap_registration_number: str | None = Field(
        default=None,
        max_length=50,
        validate_default=True,
        description="The AP's registration number of the DPO; required with dpo_registered_with_ap",
    )
    dora_entity_type: DoraEntityType | None = Field(
        default=None,
        description="A financial entity under DORA (the ESAs' affectedEntityType): its incidents run the DORA "
        "track instead of the Cbw",
    )
    lei: str | None = Field(
        default=None, pattern=LEI, description="Legal Entity Identifier (20 characters), asked by the DORA report"
    )
    country: MemberState = Field(
        default="NL", description="Member state of the organisation (ISO 3166 alpha-2): DORA's bank holidays"
    )
    dora_no_weekend_extension: bool = Field(
        default=False,
        description="Identified as essential or important under NIS2 art. 3, or told by the competent authority "
        "(2025/301 art. 5(5) and (6)): the initial notification and intermediate report are due on weekends and "
        "holidays too",
    )
    cra_manufacturer: bool = Field(
        default=False, description="Manufacturer of products with digital elements: CRA art. 14 reports"
    )
    contacts: list[ContactIn] = Field(default_factory=list)

    @field_validator("lei", mode="before")
    @classmethod
    def _lei_blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip().upper() or None if isinstance(value, str) or value is None else value

    @field_validator("street")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip()
        if not value:
            if info.data.get("street"):
                raise ValueError(TOGETHER)
            return None
        match = POSTCODE.match(value)
        if not match:
            raise ValueError("not a Dutch postcode (four digits and two letters, e.g. 1234 AB)")
        if not info.data.get("street"):
            raise ValueError(TOGETHER)
        return f"{match[1]} {match[2].upper()}"

    @field_validator("city")
    @classmethod
    def _city(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip() or None
        # "postcode" absent from info.data: it failed, and that error already names it.
        if (value is None) != (info.data.get("street") is None) and "postcode" in info.data:
            raise ValueError(TOGETHER)
        return value

    @field_validator("dpo_ap_registration_number")
    @classmethod
    def _registration(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip() or None
        registered = info.data.get("dpo_registered_with_ap")
        if registered and value is None:
            raise ValueError("give the AP's registration number of the DPO (dpo_registered_with_ap is set)")
        if value is not None and registered is False:
            raise ValueError("a registration number is given, but dpo_registered_with_ap is not set")
        return value

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
    classification_reason_nl: str = Field(description="The same reason in Dutch")
    size: str = Field(description="large, medium, small, or unknown when the figures given cannot settle it")
    regimes: list[str] = Field(description="The reporting regimes that apply: cbw or dora, avg, and cra")
    regime_notices: dict[str, str] = Field(
        default_factory=dict, description="A regime that does not apply, and what to do instead (e.g. cbw: DORA)"
    )


SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(
        min_length=1,
        max_length=63,
        pattern=SLUG_PATTERN,
        description="Lowercase letters, digits and hyphens (not first); used in URLs and on the command line",
    )

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class OrganisationSummary(BaseModel):
    id: int
    slug: str
    name: str
