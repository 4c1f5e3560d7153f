"""Turn stored incidents into API answers, with instants shown in the organisation's zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier import clock, instants
from notifier.context import Context
from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import status_of
from notifier.incidents.models import Incident, ReportRequest, Submission, Track
from notifier.incidents.state_machine import allowed_track_events
from notifier.lifecycle.schemas import DeadlineOut, IncidentOut, RequestOut, SubmissionOut, TrackOut, WarningOut
from notifier.organisation import service as organisation
from notifier.processors import awareness
from notifier.submissions import consistency, facts
from notifier.workflow.schema import Registry


def local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    # Tolerant: a stored value the zone cannot represent (year 1 west of UTC) is answered as stored, in UTC.
    return instants.local(value, zone)


def incident_out(session: Session, ctx: Context, incident: Incident) -> IncidentOut:
    return incidents_out(session, ctx, [incident])[0]


def incidents_out(session: Session, ctx: Context, incidents: list[Incident]) -> list[IncidentOut]:
    """The answers for a list of incidents, with one query per kind of row for all of them (not one per incident)."""
    if not incidents:
        return []
    zone, now = ctx.zone(session), clock.now()
    ids = [i.id for i in incidents]
    rows = _by_incident(session, Deadline, ids, Deadline.id)
    tracks = _by_incident(session, Track, ids, Track.id)
    filed = _by_incident(session, Submission, ids, Submission.submitted_at, Submission.id)
    requests = _by_incident(session, ReportRequest, ids, ReportRequest.id)
    notices = awareness.notices(session, ids)
    org = organisation.get(session)
    profile = (organisation.conditions(org), {r: organisation.regime_notice(org, r) for r in ctx.registry.workflows})
    answers = []
    for i in incidents:
        answer = _incident(ctx.registry, zone, now, i, rows[i.id], tracks[i.id], filed[i.id], requests[i.id], profile)
        answer.warnings = _warnings(ctx.registry, zone, tracks[i.id], notices[i.id])
        answers.append(answer)
    return answers


def _warnings(registry: Registry, zone: ZoneInfo, tracks: list[Track], notices: list) -> list[WarningOut]:
    out = []
    for track in tracks:
        wf = registry.get(track.regime)
        if wf is None or awareness.reasoning_field(wf) is None:
            continue
        for processor, informed_at in awareness.earlier(notices, track.aware_at):
            out.append(
                WarningOut(
                    code=awareness.CODE,
                    regime=track.regime,
                    processor=processor,
                    informed_at=local(informed_at, zone),
                    aware_at=local(track.aware_at, zone),
                )
            )
    return out


def _by_incident(session: Session, model, ids: list[int], *order) -> dict[int, list]:  # noqa: ANN001
    out: dict[int, list] = {i: [] for i in ids}
    for start in range(0, len(ids), 1000):  # bounded IN lists
        query = select(model).where(model.incident_id.in_(ids[start : start + 1000])).order_by(*order)
        for row in session.exec(query):
            out[row.incident_id].append(row)
    return out


def _incident(
    registry: Registry,
    zone: ZoneInfo,
    now: datetime,
    incident: Incident,
    rows: list[Deadline],
    tracks_found: list[Track],
    filed: list[Submission],
    requests: list[ReportRequest],
    profile: tuple[dict, dict[str, str | None]] = ({}, {}),
) -> IncidentOut:
    conditions, notices = profile
    rows = sorted(rows, key=lambda d: (d.due is None, d.due or now, d.id))
    tracks = {t.regime: t for t in tracks_found}
    track_out = []
    for regime, wf in registry.workflows.items():
        t = tracks.get(regime)
        # A regime the profile does not opt into (DORA for a hospital) is left out, unless its file explains why it
        # does not apply (the Cbw for a bank) or a track exists from before the profile changed.
        if t is None and notices.get(regime) and wf.notice is None:
            continue
        state = t.state if t else wf.track.initial
        version = registry.of_version(regime, t.workflow_version) if t and t.aware_at else None
        track_out.append(
            TrackOut(
                regime=regime,
                state=state,
                aware_at=local(t.aware_at, zone) if t else None,
                declared_by=t.declared_by if t else None,
                declaration=t.declaration if t else {},
                reasoning=t.reasoning if t else None,
                workflow_version=version.version if version else None,
                rules_applies_from=version.applies_from if version else None,
                allowed_events=[] if notices.get(regime) else allowed_track_events(wf, state, conditions),
                notice=notices.get(regime),
            )
        )
    return IncidentOut(
        id=incident.id,
        title=incident.title,
        summary=incident.summary,
        state=incident.state,
        detected_at=local(incident.detected_at, zone),
        resolved_at=local(incident.resolved_at, zone),
        created_by=incident.created_by,
        created_at=local(incident.created_at, zone),
        updated_at=local(incident.updated_at, zone),
        merged_into_id=incident.merged_into_id,
        tracks=track_out,
        deadlines=[_deadline(d, registry, zone, now) for d in rows],
        submissions=[
            SubmissionOut(
                regime=s.regime,
                stage=s.stage,
                submitted_at=local(s.submitted_at, zone),
                reference=s.reference,
                delay_reason=s.delay_reason,
                confirmed_by=s.confirmed_by,
                confirmed_at=local(s.confirmed_at, zone),
            )
            for s in filed
        ],
        requests=[
            RequestOut(
                regime=r.regime,
                stage=r.stage,
                due=local(r.due, zone),
                requested_by=r.requested_by,
                recorded_at=local(r.recorded_at, zone),
            )
            for r in requests
        ],
        facts=facts.shown(incident.facts, registry.facts, zone),
        inconsistencies=consistency.among(registry, filed),
    )


def _deadline(d, registry: Registry, zone: ZoneInfo, now: datetime) -> DeadlineOut:  # noqa: ANN001
    wf = registry.get(d.regime)
    title = wf.stages[d.stage].title.en if wf and d.stage in wf.stages else d.stage
    return DeadlineOut(
        regime=d.regime,
        stage=d.stage,
        sequence=d.sequence,
        title=title,
        due=local(d.due, zone),
        status=status_of(d.due, d.submitted_at, now),
        provisional=d.provisional,
        submitted_at=local(d.submitted_at, zone),
        legal_basis=d.legal_basis,
        target=bool(wf and wf.is_target(d.stage, d.sequence)),
    )
