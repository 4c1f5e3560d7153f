"""What a regime's assistant gives the generic one (notifier/assessment/service.py, the API and the page).

A regime's workflow names a module as its `hooks.assessment`; that module's `ASSISTANT` is one of these. The
generic code asks it the questions for the organisation, lets it propose, and posts the regime's positive or
negative event when a person decides; it never knows which regulation the thresholds come from. Here, below the
assessment package, so that hook modules in this package can build one (the layers in pyproject.toml).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from notifier.i18n import is_dutch, pick


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # bool | int | number
    text: str
    unit: str | None = None


@dataclass(frozen=True)
class Fired:
    """A criterion met: its name, the article that sets it, the threshold as worded there, the value it met."""

    criterion: str
    article: str
    threshold: str
    value: Any

    def as_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "article": self.article, "threshold": self.threshold, "value": self.value}


@dataclass
class Proposal:
    significant: bool  # the positive outcome (significant, major)
    fired: list[Fired]
    notes: list[str] = field(default_factory=list)
    rule: str = ""
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"code", ...}: contradictions for the person
    rules_version: int = 1


class MissingAnswer(Exception):
    """An answer the rules need to decide a threshold (the API names it as the field)."""

    def __init__(self, question: str, message: str):
        self.question, self.message = question, message
        super().__init__(f"{question}: {message}")


@dataclass(frozen=True)
class Words:
    """The page's and the export's words for this assistant, each as (nl, en)."""

    title: tuple[str, str]
    help: tuple[str, str]
    positive: tuple[str, str]
    negative: tuple[str, str]
    # The heading of the decision's reasoning and of the Markdown export (English, like the criteria).
    record: str

    def say(self, name: str, lang: str) -> str:
        return pick(lang, *getattr(self, name))


@dataclass(frozen=True)
class Assistant:
    rules_version: int
    # Validates the answers (extra keys forbidden, numbers finite and not negative).
    answers: type[BaseModel]
    # organisation profile -> (entity type as the rules see it, rule, the questions asked for it)
    asked: Callable[[Any], tuple[str, str, list[Question]]]
    # (entity type, answers, organisation profile) -> the proposal; raises rules.MissingAnswer
    assess: Callable[[str, dict[str, Any], Any], Proposal]
    # The regime's events a decision posts: positive when the decision is yes.
    positive: str
    negative: str
    words: Words
    question: Callable[[str, str], str]
    unit: Callable[[str | None, str], str | None]
    criterion: Callable[[str, str], str]
    warning: Callable[[dict[str, Any], str], str]
    # (question id, the rules' English message, lang) -> the message in the reader's language
    problem: Callable[[str, str, str], str]
    # A warning as the reasoning and the Markdown export print it (English).
    warning_line: Callable[[dict[str, Any]], str]
    # The positive event's instants the person must give (checked before the event model sees them).
    required_times: tuple[str, ...] = ("aware_at",)
    # The positive event's instant that is the moment of the decision unless the person gives it.
    decided_at: str | None = None
    # A stored criterion's threshold in the reader's language (default: as stored).
    threshold: Callable[[dict[str, Any], str], str] = lambda criterion, lang: str(criterion.get("threshold", ""))
    # Why the proposal is what it is, in the reader's language (None: the stored notes say it).
    verdict: Callable[[dict[str, Any], str], str | None] = lambda row, lang: None
    # A stored note (English, as the rules wrote it) in the reader's language.
    note: Callable[[str, str], str] = lambda note, lang: note
    # The rule the proposal follows (the stored code) in the reader's language.
    rule_name: Callable[[str, str], str] = lambda rule, lang: rule
    # The labels group (templates/submissions/labels.yaml choices) that names the entity type the rules see.
    kind_labels: str = "entity_type"
    # The parts of a criterion's stored value, by key: (nl, en).
    value_parts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def value(self, value: Any, lang: str) -> str:
        """A criterion's stored value as the page says it: yes/no and numbers in the reader's notation, a share
        as "6.000 van 50.000 (12 %)", never a Python list or dict."""
        if isinstance(value, bool):
            return pick(lang, "ja", "yes") if value else pick(lang, "nee", "no")
        if isinstance(value, int | float):
            return _number(value, lang)
        if isinstance(value, list):
            return ", ".join(self.value(v, lang) for v in value)
        if isinstance(value, dict):
            if {"affected", "total"} <= value.keys():
                share = value.get("share_pct")
                text = pick(lang, "{a} van {t}", "{a} of {t}").format(
                    a=_number(value["affected"], lang), t=_number(value["total"], lang)
                )
                return text if share is None else f"{text} ({_number(share, lang)} %)"
            return "; ".join(f"{self._part(k, lang)}: {self.value(v, lang)}" for k, v in value.items())
        return pick(lang, *WORDS[value]) if value in WORDS else str(value)

    def _part(self, key: str, lang: str) -> str:
        pair = self.value_parts.get(key)
        return key.replace("_", " ") if pair is None else pick(lang, *pair)


# Words the rules store as a criterion's value.
WORDS = {
    "possible": ("mogelijk", "possible"),
    "together": ("samen met de terugkerende incidenten", "together with the recurring incidents"),
}


def _number(value: float, lang: str) -> str:
    """12.0 as "12", 2.5 as "2,5" in Dutch, thousands grouped ("6.000" / "6,000")."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return text.translate(str.maketrans(",.", ".,")) if is_dutch(lang) else text
