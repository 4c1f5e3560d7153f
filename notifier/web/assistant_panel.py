"""What the incident page shows of the assistants: for each regime with one, the questions for the organisation's
entity type and the latest assessment (the assistant's forms post to notifier/web/assistant.py)."""

from functools import partial
from typing import Any

from sqlmodel import Session

from notifier.assessment import service as assessment
from notifier.errors import Conflict
from notifier.submissions.present import Labels
from notifier.web.forms import number_input
from notifier.workflow.schema import Registry


def state(session: Session, registry: Registry, incident_id: int, labels: Labels) -> dict[str, dict[str, Any]]:
    """regime -> its assistant's questions and latest assessment; empty without a profile."""
    out: dict[str, dict[str, Any]] = {}
    for chosen in assessment.available(registry):
        try:
            kind, rule, questions = assessment.questions(session, chosen)
        except Conflict:
            return {}
        versions = assessment.versions(session, incident_id, chosen.regime)
        words = chosen.assistant
        out[chosen.regime] = {
            "kind": kind,
            "rule": rule,
            "questions": questions,
            "latest": versions[-1] if versions else None,
            "positive": words.positive,
            "required_times": words.required_times,
            "decided_at": words.decided_at,
            # The page asks and explains in the reader's language: label(key, lang).
            "say": words.words.say,
            "question": words.question,
            "unit": words.unit,
            "criterion": words.criterion,
            "threshold": words.threshold,
            "warning": words.warning,
            "verdict": words.verdict,
            "note": words.note,
            "value": words.value,
            "basis": partial(_basis, words, labels, kind, rule),
            "shown": shown,
        }
    return out


def _basis(words: Any, labels: Labels, kind: str, rule: str, lang: str) -> str:
    """What the proposal rests on: the entity type as the rules see it and the rule, in words."""
    return f"{labels.choice(words.kind_labels, kind, lang)}; {words.rule_name(rule, lang)}"


def shown(value: Any, kind: str, lang: str) -> str:
    """A stored answer as its field shows it. By the question's kind, not the value: 0 and 1 equal False and True
    (in Jinja too), and a number shown as "no" was refused on recomputing."""
    if value is None:
        return ""
    if kind == "bool":
        return "yes" if value is True else "no" if value is False else ""
    return number_input(value, lang)
