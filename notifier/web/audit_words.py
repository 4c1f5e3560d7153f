"""The audit trail in words for a reader: the event's name in the reader's language, the report stage, the
reference, the state that changed and which facts changed from what to what. The stored record stays as it was
written (the hash chain covers it); only its presentation is translated."""

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from notifier import instants
from notifier.audit.models import AuditRecord
from notifier.submissions.present import fact_text, load_labels
from notifier.web.i18n import MESSAGES, pick, state_label, t
from notifier.workflow.schema import Registry

EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class AuditLine:
    seq: int
    at: str
    actor: str
    event: str
    code: str
    stage: str | None
    reference: str | None
    reason: str | None
    changes: list[Change] = field(default_factory=list)


def event_name(record: AuditRecord, registry: Registry, lang: str) -> str:
    """A workflow event by its label (a filing as "<stage> filed"); the application's own from the catalogue;
    a name nothing knows (an event of a regime no longer loaded) as stored, rather than guessed."""
    prefix, _, name = record.event_type.partition(".")
    workflow = registry.get(prefix)
    if workflow is not None and name in workflow.track.events:
        event = workflow.track.events[name]
        if event.submission:
            stage = _stage_title(registry, prefix, record.payload.get("stage"), lang)
            return t("audit_filed", lang).format(stage=stage or name)
        if event.label is not None:
            return event.label.get(lang)
    key = "audit_event:" + record.event_type
    return pick(MESSAGES[key], lang) if key in MESSAGES else record.event_type


def _stage_title(registry: Registry, regime: str, stage: Any, lang: str) -> str | None:
    workflow = registry.get(regime)
    if not isinstance(stage, str) or not stage:
        return None
    if workflow is None or stage not in workflow.stages:
        return stage
    return workflow.stages[stage].title.get(lang)


def _value(registry: Registry, templates_dir: Any, key: str, value: Any, zone: ZoneInfo, lang: str) -> str:
    """A fact's value as the reports show it; a value the catalogue no longer describes as stored."""
    if value is None or value == "" or value == []:
        return EMPTY
    fact = registry.facts.get(key)
    if fact is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    try:
        return fact_text(key, fact, value, lang, zone, load_labels(templates_dir)) or EMPTY
    except (TypeError, ValueError):  # stored before the fact's type changed
        return str(value)


def _state_changes(record: AuditRecord, registry: Registry, lang: str) -> list[Change]:
    before, after = record.previous_state or {}, record.new_state or {}
    out = []
    for key in after:
        if key == "facts" or before.get(key) == after.get(key) or not isinstance(after.get(key), str):
            continue
        workflow = registry.get(key)
        if workflow is not None:
            label = workflow.title.get(lang)
            old, new = (workflow.state_label(s, lang) if s else EMPTY for s in (before.get(key), after[key]))
        else:
            label = t("audit_incident_state", lang)
            old, new = (state_label(s, lang) if s else EMPTY for s in (before.get(key), after[key]))
        out.append(Change(label, old, new))
    return out


def _fact_changes(record: AuditRecord, ctx: Any, zone: ZoneInfo, lang: str) -> list[Change]:
    changed = record.payload.get("changed")
    if not isinstance(changed, dict):
        return []
    out = []
    for key, pair in changed.items():
        fact = ctx.registry.facts.get(key)
        label = fact.label.get(lang) if fact is not None else key
        pair = pair if isinstance(pair, dict) else {}
        out.append(
            Change(
                label,
                _value(ctx.registry, ctx.templates_dir, key, pair.get("before"), zone, lang),
                _value(ctx.registry, ctx.templates_dir, key, pair.get("after"), zone, lang),
            )
        )
    return out


def describe(record: AuditRecord, ctx: Any, zone: ZoneInfo, lang: str) -> AuditLine:
    regime = record.event_type.partition(".")[0]
    reference = record.payload.get("reference")
    return AuditLine(
        seq=record.seq,
        at=instants.show(record.at, zone, lang, style="page") or "",
        actor=record.actor,
        event=event_name(record, ctx.registry, lang),
        code=record.event_type,
        stage=_stage_title(ctx.registry, regime, record.payload.get("stage"), lang),
        reference=str(reference) if reference else None,
        reason=record.reason,
        changes=_state_changes(record, ctx.registry, lang) + _fact_changes(record, ctx, zone, lang),
    )
