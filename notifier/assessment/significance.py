"""The significance assistant of Implementing Regulation (EU) 2024/2690 as a hook (`hooks.assessment`): the rules
of rules.py, the words of labels.py, the answers of schemas.py."""

from typing import Any

from notifier.assessment import export, labels, rules
from notifier.assessment.schemas import Answers
from notifier.regimes.assistant import Assistant, Words


def _asked(org: Any) -> tuple[str, str, list[rules.Question]]:
    kind = rules.effective_type(org.entity_type, org.trust_service_provider)
    ids = rules.question_ids(kind, turnover_known=org.annual_turnover_eur is not None)
    return kind, "thresholds" if rules.has_thresholds(kind) else "open_rule", [rules.Q[i] for i in ids]


def _assess(kind: str, answers: dict[str, Any], org: Any) -> rules.Proposal:
    return rules.assess(kind, answers, turnover=org.annual_turnover_eur)


ASSISTANT = Assistant(
    rules_version=rules.RULES_VERSION,
    answers=Answers,
    asked=_asked,
    assess=_assess,
    positive="significant",
    negative="not_significant",
    words=Words(
        title=("Hulp bij de beoordeling (significant?)", "Significance assistant"),
        help=(
            "Beantwoord wat u weet; het voorstel volgt de drempels van Uitvoeringsverordening (EU) 2024/2690 of de "
            "open norm van Cbw art. 25(2). U beslist zelf.",
            "Answer what you know; the proposal follows the thresholds of Implementing Regulation (EU) 2024/2690 or "
            "the open rule of Cbw art. 25(2). You decide.",
        ),
        positive=("Significant incident", "Significant incident"),
        negative=("Niet significant", "Not significant"),
        record="Significance assessment",
    ),
    question=labels.question,
    unit=labels.unit,
    criterion=labels.criterion,
    warning=labels.warning,
    problem=labels.problem,
    warning_line=export.warning_line,
    threshold=labels.threshold,
    note=labels.note,
    rule_name=labels.rule_name,
    value_parts=labels.VALUE_PARTS,
)
