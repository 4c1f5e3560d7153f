from datetime import datetime

from sqlmodel import Field, SQLModel

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class Organisation(SQLModel, table=True):
    """An organisation this deployment reports for: its profile. Row id 1 is the default organisation (the one a
    single-organisation deployment became); `sector` stays empty until the profile is filled in."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    kvk_number: str | None = None
    sector: str | None = None
    entity_type: str | None = None
    staff_count: int | None = None
    annual_turnover_eur: int | None = None
    balance_sheet_eur: int | None = None
    # Kept from before entity_type knew trust services: "also provides trust services, qualification not said".
    trust_service_provider: bool = False
    # Critical entity under the CER Directive / Wwke: essential under the Cbw whatever its size (NIS2 art. 3(1)(f)).
    cer_critical_entity: bool = False
    timezone: str = "Europe/Amsterdam"
    # The address the NCSC and AP forms ask for: all three parts or none (models_api.py checks that).
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    # The AP form asks whether the DPO is registered with the AP, and under which number.
    dpo_registered_with_ap: bool = False
    dpo_ap_registration_number: str | None = None
    # DORA (reference section 6): the ESAs' affectedEntityType, the LEI, and the member state whose bank holidays
    # extend a time limit (2025/301 art. 5).
    dora_entity_type: str | None = None
    lei: str | None = None
    country: str = "NL"
    # Identified as essential or important under NIS2 art. 3, or told so by the competent authority: no weekend
    # extension for the initial notification and intermediate report (2025/301 art. 5(5) and (6)).
    dora_no_weekend_extension: bool = False
    # A manufacturer of products with digital elements (CRA art. 14).
    cra_manufacturer: bool = False
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Contact(OrganisationOwned, table=True):
    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str
    phone: str | None = None
    role: str
    # Asked by the NCSC form (job title, availability) and the AP form (job title) about the reporter.
    job_title: str | None = None
    availability: str | None = None
