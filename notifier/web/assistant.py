"""The assistants (notifier.assessment) on the incident page: answer, see the proposal, decide. `?regime=` names
the regime whose assistant the form belongs to (each regime's card has its own)."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError

from notifier.accounts.passwords import actor
from notifier.assessment import service as assessment
from notifier.errors import FieldProblem
from notifier.incidents import service as incidents
from notifier.web import flash
from notifier.web.auth import FormDep, OfficerDep
from notifier.web.forms import (
    UNREADABLE,
    WHOLE,
    FormErrors,
    form_number,
    parse_local,
    posted_empty,
    say,
    validation_errors,
)
from notifier.web.i18n import t
from notifier.web.incidents import PAGE_REFUSAL, REFUSALS, refused
from notifier.web.render import see_other

from notifier.deps import ContextDep, SessionDep  # isort: skip

router = APIRouter(include_in_schema=False)
PREFIX = "q_"


def answers_from(form: dict[str, str], questions: list, model: type[BaseModel], lang: str = "en") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in questions:
        raw = (form.get(PREFIX + q.id) or "").strip()
        if not raw:
            continue
        if q.kind == "bool":
            out[q.id] = raw == "yes"
            continue
        number = form_number(PREFIX + q.id, raw, lang, whole=q.kind == "int")
        if q.kind == "int" and not number.is_integer():
            raise FieldProblem(PREFIX + q.id, say(WHOLE, lang))
        out[q.id] = int(number) if q.kind == "int" else number
    try:  # the rule is the service's (assessment.record checks again); here only for messages in the user's language
        model.model_validate(out)
    except ValidationError as exc:
        raise FormErrors(validation_errors(exc, prefix=PREFIX, lang=lang)) from exc
    return out


def _field(problem: FieldProblem) -> str:
    if problem.field == "regime":
        return "form"
    return PREFIX + problem.field.removeprefix("answers.") if problem.field.startswith("answers.") else problem.field


def _key(form_name: str, regime: str | None) -> str:
    """The errors and values of one regime's assistant form on the page (several cards can have one)."""
    return f"{form_name}:{regime}" if regime else form_name


@router.post("/incidents/{incident_id}/assessment")
def record(
    incident_id: int,
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    viewer: OfficerDep,
    form: FormDep,
    regime: str | None = None,
):
    incident = incidents.get(session, incident_id)
    try:
        chosen = assessment.choose(session, ctx.registry, regime)
    except FieldProblem as exc:  # no card on the page for a regime without an assistant: the top says it
        return refused(request, session, ctx, viewer, incident, PAGE_REFUSAL, form, exc, field=_field)
    key = _key("assessment", chosen.regime)
    try:
        _, _, questions = assessment.questions(session, chosen)
        answers = answers_from(form, questions, chosen.assistant.answers, viewer.lang)
        assessment.record(session, chosen, incident=incident, answers=answers, actor=actor(viewer.user))
    except FieldProblem as exc:
        if exc.field.startswith("answers."):
            question = exc.field.removeprefix("answers.")
            exc = FieldProblem(exc.field, chosen.assistant.problem(question, exc.message, viewer.lang))
        return refused(request, session, ctx, viewer, incident, key, form, exc, field=_field)
    except REFUSALS as exc:
        return refused(request, session, ctx, viewer, incident, key, form, exc, field=_field)
    flash.put(request, t("done_assessment", viewer.lang))
    return see_other(f"/incidents/{incident_id}#assistant-{chosen.regime}")


@router.post("/incidents/{incident_id}/assessment/{version}/confirm")
def confirm(
    incident_id: int,
    version: int,
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    viewer: OfficerDep,
    form: FormDep,
    regime: str | None = None,
):
    incident = incidents.get(session, incident_id)
    try:
        chosen = assessment.choose(session, ctx.registry, regime)
    except FieldProblem as exc:  # as record() above
        return refused(request, session, ctx, viewer, incident, PAGE_REFUSAL, form, exc, field=_field)
    key = _key("confirm", chosen.regime)
    try:
        row = assessment.get_version(session, incident_id, version, chosen.regime)
        zone = ctx.zone(session)
        assessment.confirm(
            session,
            ctx,
            chosen,
            incident=incident,
            row=row,
            agree=form.get("agree") != "no",
            times={
                name: parse_local(name, form.get(name), zone, lang=viewer.lang)
                for name in ("aware_at", "classified_at")
            },
            reasoning=(form.get("reasoning") or "").strip() or None,
            actor=actor(viewer.user),
            lang=viewer.lang,
        )
    except REFUSALS as exc:
        if isinstance(exc, FieldProblem) and exc.kind == "missing" and posted_empty(form, exc.field):
            exc = FieldProblem(exc.field, say(UNREADABLE, viewer.lang))  # the time was on the form: not read
        return refused(request, session, ctx, viewer, incident, key, form, exc, field=_field)
    flash.put(request, t("done_assessment_confirmed", viewer.lang))
    return see_other(f"/incidents/{incident_id}")
