"""HTTP API of the assistants, under /api/v1/incidents/{id}/assessment(s).

Every route takes `?regime=`: the regime whose assistant is meant (workflows name theirs as `hooks.assessment`).
Without it, the first regime with an assistant that applies to the organisation."""

from typing import Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import ValidationError

from notifier import instants
from notifier.assessment import export, service
from notifier.assessment.schemas import AssessmentIn, AssessmentOut, ConfirmIn, QuestionOut, QuestionsOut
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.http import paging
from notifier.incidents import service as incidents
from notifier.lifecycle import views
from notifier.lifecycle.schemas import IncidentOut

router = APIRouter(prefix="/api/v1/incidents", tags=["significance assessment"])
REGIME = Query(default=None, description="The regime whose assistant is meant; default: the organisation's")


def _out(row, zone) -> AssessmentOut:  # noqa: ANN001
    return AssessmentOut(
        **row.model_dump(exclude={"id", "assessed_at", "confirmed_at"}),
        assessed_at=instants.local(row.assessed_at, zone),
        confirmed_at=instants.local(row.confirmed_at, zone),
    )


@router.get("/{incident_id}/assessment/questions", response_model=QuestionsOut)
def get_questions(incident_id: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep, regime: str | None = REGIME):
    """Only the questions that matter for the organisation's entity type (open-rule questions where no hard
    thresholds exist)."""
    incidents.get(session, incident_id)
    chosen = service.choose(session, ctx.registry, regime)
    kind, rule, asked = service.questions(session, chosen)
    words = chosen.assistant
    questions = [QuestionOut(**q.__dict__, text_nl=words.question(q.id, "nl")) for q in asked]
    return QuestionsOut(regime=chosen.regime, entity_type=kind, rule=rule, questions=questions)


@router.post(
    "/{incident_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssessmentOut,
    responses={409: {"description": "No organisation profile yet"}},
)
def post_assessment(
    incident_id: int,
    body: AssessmentIn,
    response: Response,
    session: SessionDep,
    ctx: ContextDep,
    who: PrincipalDep,
    regime: str | None = REGIME,
):
    """Store a new version with the proposal (positive or not) and the criteria that fired."""
    incident = incidents.get(session, incident_id)
    chosen = service.choose(session, ctx.registry, regime)
    try:
        answers = chosen.assistant.answers.model_validate(body.answers).model_dump(exclude_none=True)
    except ValidationError as exc:
        # As FastAPI reports a body field: ["body", "answers", <question>].
        raise RequestValidationError(
            [{"loc": ("body", "answers", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from exc
    row = service.record(session, chosen, incident=incident, answers=answers, actor=who.actor)
    response.headers["Location"] = f"/api/v1/incidents/{incident_id}/assessments/{row.version}?regime={row.regime}"
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
    regime: str | None = REGIME,
):
    incidents.get(session, incident_id)
    chosen = service.choose(session, ctx.registry, regime)
    zone = ctx.zone(session)
    rows = service.versions(session, incident_id, chosen.regime)
    return [_out(r, zone) for r in paging.sliced(request, response, page, rows)]


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
    regime: str | None = REGIME,
):
    """Every version, for the supervisor."""
    incident = incidents.get(session, incident_id)
    chosen = service.choose(session, ctx.registry, regime)
    zone = ctx.zone(session)
    rows = service.versions(session, incident_id, chosen.regime)
    name = f"incident-{incident_id}-{chosen.regime}-assessment"
    if format == "csv":
        disposition = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return PlainTextResponse(export.to_csv(rows, zone), media_type="text/csv", headers=disposition)
    if format == "md":
        assistant = chosen.assistant
        text = export.to_markdown(
            rows,
            zone,
            incident.title,
            heading=assistant.words.record,
            outcomes=(assistant.positive, assistant.negative),
            line=assistant.warning_line,
        )
        return PlainTextResponse(text, media_type="text/markdown")
    versions = [export.as_dict(r, zone) for r in rows]
    return JSONResponse(
        {
            "incident_id": incident_id,
            "regime": chosen.regime,
            "rules_version": chosen.assistant.rules_version,
            "versions": versions,
        }
    )


@router.get("/{incident_id}/assessments/{version}", response_model=AssessmentOut)
def get_assessment(
    incident_id: int, version: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep, regime: str | None = REGIME
):
    incidents.get(session, incident_id)
    chosen = service.choose(session, ctx.registry, regime)
    return _out(service.get_version(session, incident_id, version, chosen.regime), ctx.zone(session))


@router.post(
    "/{incident_id}/assessments/{version}/confirm",
    response_model=IncidentOut,
    responses={409: {"description": "Already confirmed, or the state machine does not allow the event"}},
)
def confirm(
    incident_id: int,
    version: int,
    body: ConfirmIn,
    session: SessionDep,
    ctx: ContextDep,
    who: PrincipalDep,
    regime: str | None = REGIME,
):
    """A person decides. Agreeing with a positive proposal posts the regime's positive event (the significance
    assistant's `<regime>.significant`, which records awareness and starts the clocks; the classification
    assistant's `<regime>.major`, with `classified_at` the moment of the decision unless given); a negative
    decision posts the negative one. The reasoning lists the criteria that fired."""
    incident = incidents.get(session, incident_id)
    chosen = service.choose(session, ctx.registry, regime)
    row = service.get_version(session, incident_id, version, chosen.regime)
    service.confirm(
        session,
        ctx,
        chosen,
        incident=incident,
        row=row,
        agree=body.agree,
        times={"aware_at": body.aware_at, "classified_at": body.classified_at},
        reasoning=body.reasoning,
        actor=who.actor,
    )
    return views.incident_out(session, ctx, incident)
