"""HTTP API of the significance assistant, under /api/v1/incidents/{id}/assessment(s)."""

from typing import Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse, PlainTextResponse

from notifier import instants
from notifier.assessment import export, labels, service
from notifier.assessment.schemas import AssessmentIn, AssessmentOut, ConfirmIn, QuestionOut, QuestionsOut
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.http import paging
from notifier.incidents import service as incidents
from notifier.lifecycle import views
from notifier.lifecycle.schemas import IncidentOut

router = APIRouter(prefix="/api/v1/incidents", tags=["significance assessment"])


def _out(row, zone) -> AssessmentOut:  # noqa: ANN001
    return AssessmentOut(
        **row.model_dump(exclude={"id", "assessed_at", "confirmed_at"}),
        assessed_at=instants.local(row.assessed_at, zone),
        confirmed_at=instants.local(row.confirmed_at, zone),
    )


@router.get("/{incident_id}/assessment/questions", response_model=QuestionsOut)
def get_questions(incident_id: int, session: SessionDep, _: PrincipalDep):
    """Only the questions that matter for the organisation's entity type (open-rule questions where no hard
    thresholds exist)."""
    incidents.get(session, incident_id)
    kind, rule, asked = service.questions(session)
    questions = [QuestionOut(**q.__dict__, text_nl=labels.question(q.id, "nl")) for q in asked]
    return QuestionsOut(entity_type=kind, rule=rule, questions=questions)


@router.post(
    "/{incident_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssessmentOut,
    responses={409: {"description": "No organisation profile yet"}},
)
def post_assessment(
    incident_id: int, body: AssessmentIn, response: Response, session: SessionDep, ctx: ContextDep, who: PrincipalDep
):
    """Store a new version with the proposal (significant or not) and the criteria that fired."""
    incident = incidents.get(session, incident_id)
    answers = body.answers.model_dump(exclude_none=True)
    row = service.record(session, incident=incident, answers=answers, actor=who.actor)
    response.headers["Location"] = f"/api/v1/incidents/{incident_id}/assessments/{row.version}"
    return _out(row, ctx.zone(session))


@router.get("/{incident_id}/assessments", response_model=list[AssessmentOut])
def list_assessments(
    incident_id: int,
    request: Request,
    response: Response,
    page: paging.PageDep,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
):
    incidents.get(session, incident_id)
    zone = ctx.zone(session)
    return [_out(r, zone) for r in paging.sliced(request, response, page, list(service.versions(session, incident_id)))]


@router.get(
    "/{incident_id}/assessments/export",
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/markdown": {}}}},
)
def export_assessments(
    incident_id: int,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
    format: Literal["json", "csv", "md"] = Query(default="json"),
):
    """Every version, for the supervisor."""
    incident = incidents.get(session, incident_id)
    zone = ctx.zone(session)
    rows = service.versions(session, incident_id)
    name = f"incident-{incident_id}-assessment"
    if format == "csv":
        disposition = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return PlainTextResponse(export.to_csv(rows, zone), media_type="text/csv", headers=disposition)
    if format == "md":
        return PlainTextResponse(export.to_markdown(rows, zone, incident.title), media_type="text/markdown")
    return JSONResponse({"incident_id": incident_id, "versions": [export.as_dict(r, zone) for r in rows]})


@router.get("/{incident_id}/assessments/{version}", response_model=AssessmentOut)
def get_assessment(incident_id: int, version: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    incidents.get(session, incident_id)
    return _out(service.get_version(session, incident_id, version), ctx.zone(session))


@router.post(
    "/{incident_id}/assessments/{version}/confirm",
    response_model=IncidentOut,
    responses={409: {"description": "Already confirmed, or the state machine does not allow the event"}},
)
def confirm(incident_id: int, version: int, body: ConfirmIn, session: SessionDep, ctx: ContextDep, who: PrincipalDep):
    """A person decides. Agreeing with a positive proposal posts `cbw.significant` (records awareness, starts the
    clocks); a negative decision posts `cbw.not_significant`. The reasoning lists the criteria that fired."""
    incident = incidents.get(session, incident_id)
    row = service.get_version(session, incident_id, version)
    service.confirm(
        session,
        ctx,
        incident=incident,
        row=row,
        agree=body.agree,
        aware_at=body.aware_at,
        reasoning=body.reasoning,
        actor=who.actor,
    )
    return views.incident_out(session, ctx, incident)
