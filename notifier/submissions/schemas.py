"""What the submissions API answers."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from notifier.submissions.consistency import FiledValue, Inconsistency

__all__ = ["FiledValue", "Inconsistency"]


class FactsOut(BaseModel):
    facts: dict[str, Any] = Field(
        description="Fact key -> value; datetimes as ISO 8601 strings in the organisation's offset"
    )


class RecipientOut(BaseModel):
    id: str
    role: str
    name: str
    channel: str


class SectionOut(BaseModel):
    title: str
    text: str


class PlainFieldOut(BaseModel):
    label: str
    value: str = Field(description="Plain text, no Markdown: what goes into the form's field")


class PlainSectionOut(BaseModel):
    title: str
    fields: list[PlainFieldOut]


class RequiredOut(BaseModel):
    key: str
    label: str
    present: bool


class SubmissionDraftOut(BaseModel):
    regime: str
    stage: str
    language: str
    title: str
    legal_basis: str
    recipients: list[RecipientOut]
    text: str = Field(description="Markdown, to paste into the recipient's form")
    json_: dict[str, Any] = Field(alias="json", description="The structured copy (docs/submission-schema.md)")
    missing: list[str] = Field(description="Required fields (fact keys or profile references) without a value")
    present: list[str]
    schema_gaps: list[str] = Field(
        default_factory=list,
        description="Fields the stage's export schema requires that are still unknown (GET .../reports/{regime}/"
        "{stage}/gaps); empty for a stage without an export",
    )
    required: list[RequiredOut]
    sections: list[SectionOut] = Field(description="The text split per heading, for section-by-section pasting")
    plain_text: str = Field(description="The whole report as plain text (no Markdown), to paste into a web form")
    plain_sections: list[PlainSectionOut] = Field(
        description="The report's fields per section as plain text, in the order of the recipient's form"
    )

    model_config = {"populate_by_name": True}


class LedgerEntryOut(BaseModel):
    id: int
    regime: str
    stage: str
    title: str
    language: str | None
    submitted_at: datetime
    reference: str | None
    delay_reason: str | None
    confirmed_by: str
    confirmed_at: datetime
    regime_version: int | None = Field(
        default=None, description="The version of the regime's rules the report was filed under (null: before versions)"
    )
    regime_applies_from: date | None = Field(default=None, description="The day that version applies from")
    recipients: list[RecipientOut] | None
    missing: list[str] | None
    sha256: str | None
    hash_version: int | None = Field(default=None, description="2: ledger_sha256 covers every filed column")
    ledger_sha256: str | None = Field(default=None, description="Hash version 2 (docs/submission-schema.md)")
    intact: bool | None = Field(
        description="The stored text and JSON still hash to sha256 and, from hash version 2, every filed column to "
        "ledger_sha256 (null: no filed text)"
    )
    text: str | None
    json_: dict[str, Any] | None = Field(alias="json")

    model_config = {"populate_by_name": True}


class ExportGapOut(BaseModel):
    field: str = Field(description="The field's path in the export, e.g. incident.classificationTypes")
    template_field: str = Field(description="Its number in the regime's reporting template")
    label: str
    sources: list[str] = Field(description="The facts or profile references that fill it")


class ExportGapsOut(BaseModel):
    regime: str
    stage: str
    kind: str = Field(description="What the export files, e.g. the schema's kind of submission")
    complete: bool = Field(description="True when the schema's required fields are all known")
    gaps: list[ExportGapOut]
