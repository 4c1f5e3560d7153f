"""What the services refuse, in the reader's language: a Conflict or FieldProblem that carries a catalogue key
(notifier/errors.py) is said by the pages' catalogue; the exception's own text stays the API's English."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from notifier import numbers
from notifier.errors import FieldProblem
from notifier.i18n import in_sentence
from notifier.incidents.state_machine import TransitionNotAllowed
from notifier.web import board
from notifier.web.i18n import MESSAGES, state_label, t
from notifier.workflow.schema import Registry


def said_params(params: dict[str, Any], lang: str, zone: ZoneInfo) -> dict[str, Any]:
    """A refusal's values as its sentence says them: instants on the organisation's clock, numbers in the reader's
    notation, titles in the reader's language inside the sentence."""
    out = dict(params)
    for name, value in out.items():
        if isinstance(value, datetime):
            out[name] = board.when(value, zone, lang)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = numbers.show(value, lang)
        elif isinstance(value, dict) and lang in value:
            out[name] = in_sentence(value[lang])
    return out


def field_message(problem: FieldProblem, lang: str, zone: ZoneInfo) -> str:
    """A FieldProblem at its field in the reader's language; the service's English when it gave no key."""
    if problem.key is None or problem.key not in MESSAGES:
        return problem.message
    return t(problem.key, lang).format_map(said_params(problem.params, lang, zone))


def transition_refusal(exc: TransitionNotAllowed, lang: str, registry: Registry | None) -> str:
    """A refused state change naming the event and the state it met, by the workflow's labels (a filing by its
    stage's title; the incident's own events and states by the catalogue); the general sentence for what has none."""
    workflow = registry.get(exc.regime) if registry is not None and exc.regime else None
    if workflow is not None:
        event = workflow.track.events.get(exc.name)
        state = workflow.state_label(exc.current_state, lang)
        if event is not None and event.submission and exc.stage in workflow.stages:
            stage = workflow.stages[exc.stage].title.get(lang)
            return t("refused_transition_filing", lang).format(stage=stage, state=state)
        if event is not None and event.label is not None:
            return t("refused_transition_event", lang).format(event=event.label.get(lang), state=state)
    elif exc.regime is None:
        state = state_label(exc.current_state, lang)
        action = next((k + exc.name for k in ("refused_action:", "audit_event:") if k + exc.name in MESSAGES), None)
        if action is not None:
            event_words = t(action, lang)
            return t("refused_transition_event", lang).format(event=event_words, state=state)
        # An event of the incident's own the officer did not ask for (a track's clock starting on a merged one).
        return t("refused_transition_state", lang).format(state=state)
    return t("refused_transition", lang)


def refusal(exc: Exception, lang: str, zone: ZoneInfo, registry: Registry | None = None) -> str:
    """A Conflict or a refused transition in the reader's language; the API's English when the service gave no key.
    With the registry a refused transition names the event and the state in words."""
    if isinstance(exc, TransitionNotAllowed):
        return transition_refusal(exc, lang, registry)
    key = getattr(exc, "key", None)
    if key is None or key not in MESSAGES:
        return str(exc)
    return t(key, lang).format_map(said_params(getattr(exc, "params", {}), lang, zone))


def field_errors(problem: FieldProblem, lang: str) -> dict[str, str]:
    """A form's errors for a page whose refusals name no instant (accounts, tokens, settings)."""
    return {problem.field: field_message(problem, lang, ZoneInfo("UTC"))}
