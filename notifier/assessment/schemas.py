from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from notifier.instants import Instant


class Answers(BaseModel):
    """Every question the assistant can ask; only those asked for the entity type may be answered.

    Numbers are finite: JSON's 1e999 reads as infinity, which was stored and then broke the export.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    scheduled_maintenance: bool | None = None
    financial_loss_eur: float | None = Field(default=None, ge=0)
    financial_loss_expected_eur: float | None = Field(default=None, ge=0)
    annual_turnover_eur: float | None = Field(default=None, ge=0)
    trade_secrets_exfiltrated: bool | None = None
    trade_secrets_exfiltration_possible: bool | None = None
    deaths: int | None = Field(default=None, ge=0)
    death_possible: bool | None = None
    health_damage: bool | None = None
    health_damage_possible: bool | None = None
    malicious_access: bool | None = None
    recurrence_count: int | None = Field(default=None, ge=1)
    recurrence_financial_loss_eur: float | None = Field(default=None, ge=0)
    recurrence_financial_loss_expected_eur: float | None = Field(default=None, ge=0)
    unavailable_minutes: float | None = Field(default=None, ge=0)
    limited_minutes: float | None = Field(default=None, ge=0)
    avg_response_seconds: float | None = Field(default=None, ge=0)
    eu_users: int | None = Field(default=None, ge=0)
    users_unavailable: int | None = Field(default=None, ge=0)
    users_limited: int | None = Field(default=None, ge=0)
    integrity_compromised: bool | None = None
    integrity_malicious: bool | None = None
    users_integrity: int | None = Field(default=None, ge=0)
    dns_names_wrong: int | None = Field(default=None, ge=0)
    dns_names_total: int | None = Field(default=None, ge=0)
    dns_misconfiguration: bool | None = None
    physical_access_compromised: bool | None = None
    unavailable_minutes_week: float | None = Field(default=None, ge=0)
    severe_operational_disruption: bool | None = None
    considerable_financial_loss: bool | None = None
    considerable_damage_to_others: bool | None = None


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Each regime's assistant asks its own questions (GET .../assessment/questions?regime=...) and validates the
    # answers with its own model (the significance assistant's is the model above).
    answers: dict[str, Any] = Field(
        description="Question id -> answer (yes/no, a number), for the questions GET .../assessment/questions lists"
    )


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agree: bool = Field(default=True, description="false: the person decides against the proposal")
    aware_at: Instant | None = Field(default=None, description="Required when the decision is positive")
    classified_at: Instant | None = Field(
        default=None, description="When the regime's positive event records it: the classification; default now"
    )
    reasoning: str | None = Field(default=None, max_length=20_000, description="Added to the fired criteria")


class QuestionOut(BaseModel):
    id: str
    kind: str
    text: str
    text_nl: str = Field(description="The question as the Dutch page asks it")
    unit: str | None


class QuestionsOut(BaseModel):
    regime: str
    entity_type: str
    rule: str
    questions: list[QuestionOut]


class AssessmentOut(BaseModel):
    incident_id: int
    regime: str = Field(description="The regime whose assistant proposed it; versions count per regime")
    version: int
    entity_type: str
    rule: str
    answers: dict[str, Any]
    significant: bool
    criteria: list[dict[str, Any]]
    notes: list[str]
    rules_version: int = Field(
        description="The assistant's rules version; significance: 1 before issue 12, 2 with art. 3(1) 'capable of "
        "causing' and the art. 3(2) flag"
    )
    warnings: list[dict[str, Any]] = Field(
        description='Contradictions for the person, e.g. {"code": "maintenance_contradiction", "criteria": [...]}'
    )
    assessor: str
    assessed_at: datetime
    decision: str | None
    confirmed_by: str | None
    confirmed_at: datetime | None
