"""Report once, file many: do the filed reports of different regimes tell the same story?

Within one regime a later report supersedes an earlier one (an update, a correction), so each regime speaks with
the latest filing that carried the fact. Where two regimes' latest filings give different values for the same fact
(the Cbw notification says the incident started at 02:10, the AP notification says 03:40), the incident shows it so
the officer can send a correction to one of the recipients.

Only structured facts are compared (times, numbers, yes/no, choices). Free text is narrative that each report
words for its own moment (a status update, a fuller description) and differs without contradicting anything.
"""

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from notifier.incidents.models import Submission
from notifier.submissions.context import filed_submissions
from notifier.workflow.schema import Registry


class FiledValue(BaseModel):
    regime: str
    stage: str
    submission_id: int
    submitted_at: str
    value: Any


class Inconsistency(BaseModel):
    fact: str
    label: str
    values: list[FiledValue]


def inconsistencies(session: Session, registry: Registry, incident_id: int) -> list[Inconsistency]:
    return among(registry, filed_submissions(session, incident_id))


def among(registry: Registry, filed: list[Submission]) -> list[Inconsistency]:
    """The same, for one incident's submissions already read (ordered by submitted_at, id)."""
    latest: dict[str, dict[str, FiledValue]] = {}
    for sub in filed:
        facts = (sub.json_copy or {}).get("facts") or {}
        for key, value in facts.items():
            fact = registry.facts.get(key)
            if value is None or fact is None or fact.type == "text":
                continue  # a gap is not a disagreement (the completeness check reports gaps); text is narrative
            latest.setdefault(key, {})[sub.regime] = FiledValue(
                regime=sub.regime,
                stage=sub.stage,
                submission_id=sub.id,
                submitted_at=sub.submitted_at.isoformat(),
                value=value,
            )
    found = []
    for key, by_regime in latest.items():
        values = list(by_regime.values())
        if len(values) > 1 and any(v.value != values[0].value for v in values[1:]):
            fact = registry.facts.get(key)
            found.append(Inconsistency(fact=key, label=fact.label.en if fact else key, values=values))
    return sorted(found, key=lambda i: i.fact)
