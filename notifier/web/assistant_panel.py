"""What the incident page shows of the significance assistant: the questions for the organisation's entity type
and the latest assessment (the assistant's forms post to notifier/web/assistant.py)."""

from typing import Any

from sqlmodel import Session

from notifier.assessment import labels
from notifier.assessment import service as assessment
from notifier.errors import Conflict


def state(session: Session, incident_id: int) -> dict[str, Any]:
    """Questions for the organisation's entity type and the latest assessment; empty without a profile."""
    try:
        kind, rule, questions = assessment.questions(session)
    except Conflict:
        return {}
    versions = assessment.versions(session, incident_id)
    return {
        "kind": kind,
        "rule": rule,
        "questions": questions,
        "latest": versions[-1] if versions else None,
        # The page asks and explains in the reader's language: label(kind, key, lang).
        "question": labels.question,
        "unit": labels.unit,
        "criterion": labels.criterion,
        "warning": labels.warning,
    }
