from pydantic import BaseModel, ConfigDict, Field


class IntakeAnswer(BaseModel):
    alert_id: int
    incident_id: int | None = Field(description="null when the triage rule only stored the alert")
    duplicate: bool


class SourceCredentialsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rotate_token: bool = Field(default=True, description="Issue a new token (shown once in the answer)")
    signing_secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=500,
        description="Require a body signature (Standard Webhooks or X-Hub-Signature-256) with this secret; "
        "'whsec_<base64>' secrets are decoded as Standard Webhooks prescribes",
    )
    clear_signing_secret: bool = False


class SourceOut(BaseModel):
    source: str
    has_token: bool
    signature_required: bool
    token: str | None = Field(default=None, description="Only in the answer that issued it; never stored")
    updated_by: str | None = None


class AlertOut(BaseModel):
    id: int
    source: str
    external_id: str
    title: str
    severity: str
    severity_original: str | None
    observed_at: str | None
    received_at: str
    asset: str | None
    rule: str | None
    correlation_key: str
    incident_id: int | None


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_incident_id: int


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alert_ids: list[int] = Field(min_length=1, max_length=10_000)
    title: str = Field(min_length=1, max_length=500)
