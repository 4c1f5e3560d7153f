"""What a reminder says: which report, for whom, when due (local time and time left), what is still missing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from notifier import instants
from notifier.deadlines.models import Deadline
from notifier.i18n import in_sentence, pick
from notifier.incidents.models import Incident
from notifier.organisation import service as organisation
from notifier.submissions import completeness
from notifier.submissions.field_labels import field_label
from notifier.workflow.schema import Registry


def span(delta: timedelta, lang: str) -> str:
    """A duration as '3 h 20 min' (rounded down to the minute)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(pick(lang, f"{days} {'dag' if days == 1 else 'dagen'}", f"{days} d"))
    if hours or days:
        parts.append(pick(lang, f"{hours} u", f"{hours} h"))
    parts.append(f"{mins} min")
    return " ".join(parts)


def step_text(step_key: str, lang: str) -> str:
    """The ladder step in words ('before:12h' -> '12 uur vóór de termijn'), not its code."""
    kind, _, arg = step_key.partition(":")
    if kind == "before":
        hours = arg.removesuffix("h")
        return pick(lang, f"{hours} uur vóór de termijn", f"{hours} h before the deadline")
    if kind == "at":
        return pick(lang, "op het moment van de termijn", "at the deadline")
    if kind == "overdue":
        return pick(lang, f"na de termijn, herhaling {arg}", f"after the deadline, repeat {arg}")
    return step_key


def reminder_context(
    session: Session,
    *,
    registry: Registry,
    deadline: Deadline,
    incident: Incident,
    step_key: str,
    recipient_name: str | None,
    zone: ZoneInfo,
    base_url: str,
    lang: str,
    now: datetime,
    track=completeness.LOOK_UP,  # noqa: ANN001
) -> dict:
    workflow = registry.workflows[deadline.regime]
    stage = workflow.stages[deadline.stage]
    org = organisation.get(session)
    parties = workflow.recipients.for_sector(
        org.sector if org else None, org.entity_type if org else None, org.dora_entity_type if org else None
    )
    if stage.recipients is not None:
        parties = [(pid, workflow.recipients.parties[pid]) for pid in stage.recipients]
    check = completeness.check(session, registry, incident, deadline.regime, deadline.stage, track=track)
    remaining = deadline.due - now
    return {
        "lang": lang,
        "step": step_key,
        # Within a minute of the deadline it is "due now", not "0 min overdue" (the sweep runs every 30 s).
        "overdue": remaining <= -timedelta(minutes=1),
        "due_now": abs(remaining) < timedelta(minutes=1),
        "remaining": span(remaining, lang),
        "due_local": instants.show(deadline.due, zone, lang, style="mail"),
        "step_text": step_text(step_key, lang),
        "stage_title": stage.title.get(lang),
        "stage_in_sentence": in_sentence(stage.title.get(lang)),
        "regime_title": workflow.title.get(lang),
        "legal_basis": deadline.legal_basis or stage.legal_basis,
        "provisional": deadline.provisional,
        "parties": [{"name": p.name, "channel": p.channel.get(lang)} for _, p in parties],
        "missing": [field_label(registry, f, lang, gap_labels=check.gap_labels) for f in check.missing],
        "incident": {"id": incident.id, "title": incident.title},
        "recipient_name": recipient_name,
        "link": f"{base_url.rstrip('/')}/incidents/{incident.id}",
    }
