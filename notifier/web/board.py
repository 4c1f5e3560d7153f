"""What the dashboard shows: open incidents by their next deadline, countdowns, recipients, the triage queue."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func
from sqlmodel import Session, select

from notifier import instants
from notifier.deadlines import service as deadlines
from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import UNFILED, status_of
from notifier.incidents import service as incidents
from notifier.incidents.models import Incident, Submission, Track
from notifier.incidents.state_machine import FINISHED_STATES, INCIDENT_STATES, IncidentState
from notifier.intake.models import IntakeAlert
from notifier.organisation import service as organisation
from notifier.organisation.models import Organisation
from notifier.web.i18n import t
from notifier.web.timeline import Mark, svg, urgency
from notifier.workflow.schema import Registry, Workflow

# Triage incidents have no clock yet (a declaration moves them to open); they are listed in the triage queue.
ON_BOARD = tuple(s for s in INCIDENT_STATES if s not in FINISHED_STATES + (IncidentState.TRIAGE,))
PAGE_SIZE = 50


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
    # An organisation target ("without undue delay"), not a legal deadline.
    target: bool = False


@dataclass
class BoardRow:
    incident: Incident
    next: DeadlineRow | None
    deadlines: list[DeadlineRow]
    timeline: str
    # Set on the portfolio, which lists several organisations' incidents.
    organisation: Organisation | None = None


@dataclass
class BoardPage:
    """One page of the board, most urgent first, with the counts over every open incident."""

    rows: list[BoardRow]
    open_count: int
    overdue_count: int
    page: int
    pages: int
    first: int  # position of the first row among all open incidents, from 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


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
    h = t("hour_unit", lang)
    parts = f"{days} d {hours} {h}" if days else f"{hours} {h} {minutes} min"
    return t("countdown_late" if late else "countdown_left", lang).format(parts=parts)


def when(value: datetime | None, zone: ZoneInfo, lang: str) -> str:
    if value is None:
        return ""
    return instants.show(value, zone, lang, style="page") or ""


def recipients(registry: Registry, org: Organisation | None, regime: str, stage: str) -> list[str]:
    wf = registry.get(regime)
    if wf is None or stage not in wf.stages:
        return []
    routed = wf.recipients.for_stage(
        wf.stages[stage],
        org.sector if org else None,
        org.entity_type if org else None,
        org.dora_entity_type if org else None,
    )
    return [party.name for _, party in routed]


def deadline_rows(
    session: Session, registry: Registry, incident_id: int, zone: ZoneInfo, now: datetime, lang: str
) -> list[DeadlineRow]:
    return rows_of(deadlines.for_incident(session, incident_id), registry, organisation.get(session), zone, now, lang)


def rows_of(
    found: list[Deadline],
    registry: Registry,
    org: Organisation | None,
    zone: ZoneInfo,
    now: datetime,
    lang: str,
    parties: dict[tuple[str, str], list[str]] | None = None,
) -> list[DeadlineRow]:
    """The shown rows of one incident's deadlines; `parties` caches the recipients per stage across incidents."""
    parties = {} if parties is None else parties
    rows: list[DeadlineRow] = []
    for d in found:
        wf = registry.get(d.regime)
        title = wf.stages[d.stage].title.get(lang) if wf and d.stage in wf.stages else d.stage
        status = status_of(d.due, d.submitted_at, now)
        if (d.regime, d.stage) not in parties:
            parties[(d.regime, d.stage)] = recipients(registry, org, d.regime, d.stage)
        rows.append(
            DeadlineRow(
                regime=d.regime,
                stage=d.stage,
                title=title + (f" #{d.sequence}" if d.sequence else ""),
                due=d.due,
                due_text=when(d.due, zone, lang) if d.due else _waits_for(wf, d.stage, lang),
                status=status,
                urgency=urgency(d.due, status, now),
                countdown=countdown(d.due, now, lang) if status in UNFILED else "",
                submitted_at=d.submitted_at,
                recipients=list(parties[(d.regime, d.stage)]),
                provisional=d.provisional,
                submitted_text=when(d.submitted_at, zone, lang),
                target=bool(wf and wf.is_target(d.stage, d.sequence)),
            )
        )
    rows.sort(key=lambda r: (r.due is None, r.due or now))
    return rows


def _waits_for(wf: Workflow | None, stage: str, lang: str) -> str:
    """A stage with no date yet says what it waits for (the workflow's `waits_for`; the CRA's fix)."""
    waits = wf.stages[stage].waits_for if wf and stage in wf.stages else None
    return f"{t('waits_for', lang)}: {waits.get(lang)}" if waits else ""


def next_due(rows: list[DeadlineRow]) -> DeadlineRow | None:
    pending = [r for r in rows if r.status in UNFILED and r.due is not None]
    return min(pending, key=lambda r: r.due) if pending else None


def marks(session: Session, registry: Registry, incident: Incident, rows: list[DeadlineRow], lang: str) -> list[Mark]:
    filed = [(s.regime, s.stage, s.submitted_at) for s in incidents.submissions(session, incident.id)]
    return _marks(registry, incidents.tracks(session, incident.id), filed, rows, lang)


def _marks(
    registry: Registry,
    tracks: list[Track],
    filed: list[tuple[str, str, datetime]],
    rows: list[DeadlineRow],
    lang: str,
) -> list[Mark]:
    out: list[Mark] = []
    for track in tracks:
        if track.aware_at is not None:
            wf = registry.get(track.regime)
            name = wf.title.get(lang) if wf else track.regime
            out.append(Mark(track.aware_at, "aware", track.regime, f"{t('awareness', lang)} · {name}"))
    for r in rows:
        if r.due is not None:
            out.append(Mark(r.due, "deadline", r.regime, f"{r.title}: {r.due_text} ({t(r.status, lang)})", r.urgency))
    for regime, stage, submitted_at in filed:
        wf = registry.get(regime)
        title = wf.stages[stage].title.get(lang) if wf and stage in wf.stages else stage
        out.append(Mark(submitted_at, "submission", regime, f"{t('filed', lang)}: {title}"))
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
    return _svg(registry, incident, marks(session, registry, incident, rows, lang), now, lang, zone)


def _svg(
    registry: Registry, incident: Incident, found: list[Mark], now: datetime, lang: str, zone: ZoneInfo | None
) -> str:
    return svg(
        found,
        now,
        title=f"{t('timeline', lang)}: {incident.title}",
        now_label=t("now", lang),
        fmt=(lambda v: when(v, zone, lang)) if zone else None,
        order=registry.rank,
    )


def board(
    session: Session,
    registry: Registry,
    zone: ZoneInfo,
    now: datetime,
    lang: str,
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
    organisations: dict[int, Organisation] | None = None,
) -> BoardPage:
    """A page of open incidents by their next unfiled deadline (overdue first), and the counts over all of them.
    Over the organisations the session is bound to: one (the dashboard), or several (the portfolio: then
    `organisations` gives each incident's organisation, whose zone and recipients its rows show).

    The order, the page and the counts are worked out in SQL, and the shown incidents' deadlines, tracks and
    filings are read in one query each: the cost follows the page size, not the number of open incidents.
    """
    open_count = session.exec(select(func.count()).select_from(Incident).where(Incident.state.in_(ON_BOARD))).one()
    # Materialised, so PostgreSQL reads the few open incidents by their state index instead of choosing a parallel
    # scan of every incident for the join (35 ms against 10 at 100,000 incidents; bench/scale.py).
    on_board = select(Incident.id).where(Incident.state.in_(ON_BOARD)).cte("on_board").prefix_with("MATERIALIZED")
    unfiled = and_(Deadline.submitted_at.is_(None), Deadline.due.is_not(None))
    overdue_count = session.exec(
        select(func.count(func.distinct(Deadline.incident_id)))
        .join(on_board, on_board.c.id == Deadline.incident_id)
        .where(unfiled, Deadline.due < now)
    ).one()
    pages = max(1, -(-open_count // size))
    page = min(max(page, 1), pages)
    next_at = func.min(Deadline.due)
    ids = session.exec(
        select(on_board.c.id)
        .outerjoin(Deadline, and_(Deadline.incident_id == on_board.c.id, unfiled))
        .group_by(on_board.c.id)
        .order_by(next_at.is_(None), next_at, on_board.c.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    rows = _rows_for(session, registry, list(ids), zone, now, lang, organisations)
    return BoardPage(rows, open_count, overdue_count, page, pages, (page - 1) * size + 1)


def _rows_for(
    session: Session,
    registry: Registry,
    ids: list[int],
    zone: ZoneInfo,
    now: datetime,
    lang: str,
    organisations: dict[int, Organisation] | None = None,
) -> list[BoardRow]:
    if not ids:
        return []
    found = {i.id: i for i in session.exec(select(Incident).where(Incident.id.in_(ids))).all()}
    by_incident: dict[int, list[Deadline]] = {i: [] for i in ids}
    for d in session.exec(select(Deadline).where(Deadline.incident_id.in_(ids)).order_by(Deadline.due, Deadline.id)):
        by_incident[d.incident_id].append(d)
    tracks: dict[int, list[Track]] = {i: [] for i in ids}
    for tr in session.exec(select(Track).where(Track.incident_id.in_(ids)).order_by(Track.id)):
        tracks[tr.incident_id].append(tr)
    filed: dict[int, list[tuple[str, str, datetime]]] = {i: [] for i in ids}
    for incident_id, regime, stage, submitted_at in session.exec(
        select(Submission.incident_id, Submission.regime, Submission.stage, Submission.submitted_at)
        .where(Submission.incident_id.in_(ids))
        .order_by(Submission.submitted_at, Submission.id)
    ):
        filed[incident_id].append((regime, stage, submitted_at))
    single = organisation.get(session) if organisations is None else None
    parties: dict[int, dict] = {}  # recipients per stage, per organisation (they follow its sector)
    out = []
    for incident_id in ids:  # already in board order
        incident = found[incident_id]
        org = single if organisations is None else organisations.get(incident.organisation_id)
        here = ZoneInfo(org.timezone) if organisations is not None and org is not None else zone
        cache = parties.setdefault(incident.organisation_id, {})
        rows = rows_of(by_incident[incident_id], registry, org, here, now, lang, cache)
        # The portfolio is a table without timelines: it spends nothing drawing them.
        shown = (
            _svg(
                registry,
                incident,
                _marks(registry, tracks[incident_id], filed[incident_id], rows, lang),
                now,
                lang,
                here,
            )
            if organisations is None
            else ""
        )
        out.append(BoardRow(incident, next_due(rows), rows, shown, org if organisations is not None else None))
    return out


def triage(session: Session) -> list[Incident]:
    return list(
        session.exec(
            select(Incident).where(Incident.state == IncidentState.TRIAGE).order_by(Incident.id.desc()).limit(50)
        ).all()
    )


def recent_alerts(session: Session, limit: int = 10) -> list:
    return list(session.exec(select(IntakeAlert).order_by(IntakeAlert.received_at.desc()).limit(limit)).all())
