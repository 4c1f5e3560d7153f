"""What the dashboard shows: open incidents by their next deadline, countdowns, recipients, the triage queue."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier.deadlines import service as deadlines
from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import status_of
from notifier.incidents import service as incidents
from notifier.incidents.models import Incident
from notifier.organisation import service as organisation
from notifier.web.i18n import t
from notifier.web.timeline import Mark, svg, urgency
from notifier.workflow.schema import Registry

CLOSED = ("closed", "merged")


@dataclass
class DeadlineRow:
    regime: str
    stage: str
    title: str
    due: datetime | None
    due_text: str
    status: str
    urgency: str
    countdown: str
    submitted_at: datetime | None
    recipients: list[str] = field(default_factory=list)
    provisional: bool = False
    submitted_text: str = ""


@dataclass
class BoardRow:
    incident: Incident
    next: DeadlineRow | None
    deadlines: list[DeadlineRow]
    timeline: str


def countdown(due: datetime | None, now: datetime, lang: str) -> str:
    """“3 h 12 min left” / “overdue by 2 h 5 min” (Dutch: “nog 3 u 12 min” / “2 u 5 min te laat”)."""
    if due is None:
        return ""
    delta = due - now
    late = delta < timedelta(0)
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    h = "u" if lang == "nl" else "h"
    d = "d"
    parts = f"{days} {d} {hours} {h}" if days else f"{hours} {h} {minutes} min"
    if lang == "nl":
        return f"{parts} te laat" if late else f"nog {parts}"
    return f"overdue by {parts}" if late else f"{parts} left"


def when(value: datetime | None, zone: ZoneInfo, lang: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(zone)
    if lang == "nl":
        return f"{local:%d-%m-%Y %H:%M} {local:%Z}"
    return f"{local:%d %b %Y %H:%M} {local:%Z}"


def recipients(session: Session, registry: Registry, regime: str, stage: str) -> list[str]:
    wf = registry.get(regime)
    if wf is None or stage not in wf.stages:
        return []
    org = organisation.get(session)
    return [party.name for _, party in wf.recipients.for_stage(wf.stages[stage], org.sector if org else None)]


def deadline_rows(
    session: Session, registry: Registry, incident_id: int, zone: ZoneInfo, now: datetime, lang: str
) -> list[DeadlineRow]:
    rows: list[DeadlineRow] = []
    for d in deadlines.for_incident(session, incident_id):
        wf = registry.get(d.regime)
        title = wf.stages[d.stage].title.get(lang) if wf and d.stage in wf.stages else d.stage
        status = status_of(d.due, d.submitted_at, now)
        rows.append(
            DeadlineRow(
                regime=d.regime,
                stage=d.stage,
                title=title + (f" #{d.sequence}" if d.sequence else ""),
                due=d.due,
                due_text=when(d.due, zone, lang),
                status=status,
                urgency=urgency(d.due, status, now),
                countdown=countdown(d.due, now, lang) if status in {"open", "overdue"} else "",
                submitted_at=d.submitted_at,
                recipients=recipients(session, registry, d.regime, d.stage),
                provisional=d.provisional,
                submitted_text=when(d.submitted_at, zone, lang),
            )
        )
    rows.sort(key=lambda r: (r.due is None, r.due or now))
    return rows


def next_due(rows: list[DeadlineRow]) -> DeadlineRow | None:
    pending = [r for r in rows if r.status in {"open", "overdue"} and r.due is not None]
    return min(pending, key=lambda r: r.due) if pending else None


def marks(session: Session, registry: Registry, incident: Incident, rows: list[DeadlineRow], lang: str) -> list[Mark]:
    out: list[Mark] = []
    for track in incidents.tracks(session, incident.id):
        if track.aware_at is not None:
            wf = registry.get(track.regime)
            name = wf.title.get(lang) if wf else track.regime
            out.append(Mark(track.aware_at, "aware", track.regime, f"{t('awareness', lang)} · {name}"))
    for r in rows:
        if r.due is not None:
            out.append(Mark(r.due, "deadline", r.regime, f"{r.title}: {r.due_text} ({t(r.status, lang)})", r.urgency))
    for s in incidents.submissions(session, incident.id):
        wf = registry.get(s.regime)
        title = wf.stages[s.stage].title.get(lang) if wf and s.stage in wf.stages else s.stage
        out.append(Mark(s.submitted_at, "submission", s.regime, f"{t('filed', lang)}: {title}"))
    return out


def timeline(
    session: Session,
    registry: Registry,
    incident: Incident,
    rows: list[DeadlineRow],
    now: datetime,
    lang: str,
    zone: ZoneInfo | None = None,
) -> str:
    return svg(
        marks(session, registry, incident, rows, lang),
        now,
        title=f"{t('timeline', lang)}: {incident.title}",
        now_label=t("now", lang),
        fmt=(lambda v: when(v, zone, lang)) if zone else None,
    )


def board(session: Session, registry: Registry, zone: ZoneInfo, now: datetime, lang: str) -> list[BoardRow]:
    found = session.exec(select(Incident).where(Incident.state.not_in(CLOSED + ("triage",)))).all()
    # Triage incidents have no clock yet (a declaration moves them to open); they are listed in the triage queue.
    out = []
    for incident in found:
        rows = deadline_rows(session, registry, incident.id, zone, now, lang)
        out.append(
            BoardRow(incident, next_due(rows), rows, timeline(session, registry, incident, rows, now, lang, zone))
        )
    out.sort(key=lambda b: (b.next is None, b.next.due if b.next else now, -(b.incident.id or 0)))
    return out


def triage(session: Session) -> list[Incident]:
    return list(
        session.exec(select(Incident).where(Incident.state == "triage").order_by(Incident.id.desc()).limit(50)).all()
    )


def recent_alerts(session: Session, limit: int = 10) -> list:
    try:
        from notifier.intake.models import IntakeAlert
    except ImportError:  # the SIEM intake is optional
        return []
    return list(session.exec(select(IntakeAlert).order_by(IntakeAlert.received_at.desc()).limit(limit)).all())


def open_deadline_count(session: Session) -> int:
    return len(session.exec(select(Deadline.id).where(Deadline.submitted_at.is_(None))).all())
