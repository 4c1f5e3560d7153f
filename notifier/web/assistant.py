"""The significance assistant (notifier.assessment, issue 6) on the incident page: answer, see the proposal, decide."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError

from notifier.accounts.passwords import actor
from notifier.assessment import labels
from notifier.assessment import service as assessment
from notifier.assessment.schemas import Answers
from notifier.errors import FieldProblem
from notifier.incidents import service as incidents
from notifier.web.auth import FormDep, OfficerDep
from notifier.web.forms import WHOLE, FormErrors, form_number, parse_local, say, validation_errors
from notifier.web.incidents import REFUSALS, refused
from notifier.web.render import see_other

from notifier.deps import ContextDep, SessionDep  # isort: skip

router = APIRouter(include_in_schema=False)
PREFIX = "q_"


def answers_from(form: dict[str, str], questions: list, lang: str = "en") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in questions:
        raw = (form.get(PREFIX + q.id) or "").strip()
        if not raw:
            continue
        if q.kind == "bool":
            out[q.id] = raw == "yes"
            continue
        number = form_number(PREFIX + q.id, raw, lang)
        if q.kind == "int" and not number.is_integer():
            raise FieldProblem(PREFIX + q.id, say(WHOLE, lang))
        out[q.id] = int(number) if q.kind == "int" else number
    try:  # the rule is the service's (assessment.record checks again); here only for messages in the user's language
        Answers.model_validate(out)
    except ValidationError as exc:
        raise FormErrors(validation_errors(exc, prefix=PREFIX, lang=lang)) from exc
    return out


def _field(problem: FieldProblem) -> str:
    return PREFIX + problem.field.removeprefix("answers.") if problem.field.startswith("answers.") else problem.field


@router.post("/incidents/{incident_id}/assessment")
def record(incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: OfficerDep, form: FormDep):
    incident = incidents.get(session, incident_id)
    try:
        _, _, questions = assessment.questions(session)
        answers = answers_from(form, questions, viewer.lang)
        assessment.record(session, incident=incident, answers=answers, actor=actor(viewer.user))
    except FieldProblem as exc:
        if exc.field.startswith("answers."):
            exc = FieldProblem(exc.field, labels.problem(exc.field.removeprefix("answers."), exc.message, viewer.lang))
        return refused(request, session, ctx, viewer, incident, "assessment", form, exc, field=_field)
    except REFUSALS as exc:
        return refused(request, session, ctx, viewer, incident, "assessment", form, exc, field=_field)
    return see_other(f"/incidents/{incident_id}#assistant")


@router.post("/incidents/{incident_id}/assessment/{version}/confirm")
def confirm(
    incident_id: int,
    version: int,
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    viewer: OfficerDep,
    form: FormDep,
):
    incident = incidents.get(session, incident_id)
    try:
        row = assessment.get_version(session, incident_id, version)
        assessment.confirm(
            session,
            ctx,
            incident=incident,
            row=row,
            agree=form.get("agree") != "no",
            aware_at=parse_local("aware_at", form.get("aware_at"), ctx.zone(session)),
            reasoning=(form.get("reasoning") or "").strip() or None,
            actor=actor(viewer.user),
        )
    except REFUSALS as exc:
        return refused(request, session, ctx, viewer, incident, "confirm", form, exc)
    return see_other(f"/incidents/{incident_id}")
