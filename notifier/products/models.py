from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from notifier import clock
from notifier.db_types import UTCDateTime
from notifier.tenancy import OrganisationOwned


class Product(OrganisationOwned, table=True):
    """One product (one version of it) the organisation makes available; `member_states` are ISO 3166 alpha-2
    codes of the EU/EEA member states where it is made available."""

    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", "version", name="uq_product_organisation_name_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    version: str
    member_states: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
