"""HTTP: the processor register, linking incidents, the timeliness report (bearer auth) and the public reply page."""

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlmodel import select

from notifier import clock
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.errors import FieldProblem
from notifier.http import paging
from notifier.incidents import service as incidents
from notifier.processors import links, reply_links, service
from notifier.processors.models import IncidentProcessor, Processor
from notifier.processors.schemas import LinkIn, LinkOut, ProcessorIn, ProcessorOut

router = APIRouter(prefix="/api/v1", tags=["processors"], responses={401: {"description": "Missing token"}})
reply_router = APIRouter(tags=["processor reply"])


def _link_out(row: IncidentProcessor, zone) -> LinkOut:  # noqa: ANN001
    """In the organisation's time zone, like every instant the API answers (they are stored in UTC)."""
    values = row.model_dump()
    for name in ("processor_aware_at", "informed_at", "requested_at", "answered_at"):
        if values.get(name) is not None:
            values[name] = values[name].astimezone(zone)
    return LinkOut(**values)


def _out(p: Processor) -> ProcessorOut:
    return ProcessorOut(id=p.id, name=p.name, notification_term_hours=p.notification_term_hours, contacts=p.contacts)


@router.get("/processors", response_model=list[ProcessorOut])
def list_processors(request: Request, response: Response, page: paging.PageDep, session: SessionDep, _: PrincipalDep):
    return [_out(p) for p in paging.sliced(request, response, page, list(service.list_processors(session)))]


@router.post(
    "/processors",
    response_model=ProcessorOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "A processor with this name exists already"}},
)
def create_processor(body: ProcessorIn, response: Response, session: SessionDep, who: PrincipalDep):
    p = service.save(session, processor=None, data=body.model_dump(), actor=who.actor, now=clock.now())
    response.headers["Location"] = f"/api/v1/processors/{p.id}"
    return _out(p)


@router.get("/processors/report")
def report_all(session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    zone = ctx.zone(session)
    return [service.timeliness(session, p, zone) for p in service.list_processors(session)]


@router.get("/processors/{processor_id}", response_model=ProcessorOut)
def get_processor(processor_id: int, session: SessionDep, _: PrincipalDep):
    return _out(service.get(session, processor_id))


@router.put(
    "/processors/{processor_id}",
    response_model=ProcessorOut,
    responses={409: {"description": "Another processor has this name"}},
)
def update_processor(processor_id: int, body: ProcessorIn, session: SessionDep, who: PrincipalDep):
    p = service.get(session, processor_id)
    p = service.save(session, processor=p, data=body.model_dump(), actor=who.actor, now=clock.now())
    return _out(p)


@router.get("/processors/{processor_id}/report")
def report_one(processor_id: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    return service.timeliness(session, service.get(session, processor_id), ctx.zone(session))


@router.post(
    "/incidents/{incident_id}/processors",
    response_model=LinkOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "This processor is already linked to the incident"}},
)
def link_processor(
    incident_id: int,
    body: LinkIn,
    request: Request,
    response: Response,
    session: SessionDep,
    ctx: ContextDep,
    who: PrincipalDep,
):
    """Link a processor to the incident. A link has no address of its own: Location names the incident's list."""
    incident = incidents.get(session, incident_id)
    processor = session.get(Processor, body.processor_id)
    if processor is None:
        raise FieldProblem("processor_id", f"no processor {body.processor_id}")
    row = service.link(
        session,
        incident=incident,
        processor=processor,
        processor_aware_at=body.processor_aware_at,
        informed_at=body.informed_at,
        settings=request.app.state.settings,
        registry=ctx.registry,
        actor=who.actor,
        now=clock.now(),
    )
    response.headers["Location"] = f"/api/v1/incidents/{incident_id}/processors"
    return _link_out(row, ctx.zone(session))


@router.get("/incidents/{incident_id}/processors", response_model=list[LinkOut])
def incident_processors(
    incident_id: int,
    request: Request,
    response: Response,
    page: paging.PageDep,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
):
    incidents.get(session, incident_id)
    query = select(IncidentProcessor).where(IncidentProcessor.incident_id == incident_id).order_by(IncidentProcessor.id)
    zone = ctx.zone(session)
    return [_link_out(r, zone) for r in paging.sliced(request, response, page, list(session.exec(query).all()))]


# --- the public reply page: no account, the signed token is the only key -------------------------------------
# Rendered from templates/pages/reply.html.j2 through the web pages' Jinja environment (autoescape on), but not
# through web.render.render: that one issues a CSRF token, and so a session cookie, to a visitor who has no account.
# The database work runs in the threadpool: GET is a plain `def`, POST hands its two steps over explicitly.


class Refusal(Exception):
    def __init__(self, title: str, notice: str, code: int):
        self.title, self.notice, self.code = title, notice, code


INVALID = "Ongeldige link / invalid link"
GONE_TITLE = "Link niet meer geldig / link no longer valid"
FORM_TITLE = "Informatieverzoek / information request"


def _page(request: Request, title: str, code: int = 200, **context: Any) -> HTMLResponse:
    template = request.app.state.web_templates.get_template("reply.html.j2")
    return HTMLResponse(template.render(title=title, **context), status_code=code)


def _refused(request: Request, refusal: Refusal) -> HTMLResponse:
    return _page(request, refusal.title, refusal.code, notice=refusal.notice)


def _resolve(request: Request, session, token: str) -> IncidentProcessor:  # noqa: ANN001
    settings = request.app.state.settings
    try:
        link_id = links.verify(settings.secret_key, token, now=clock.now())
    except links.ExpiredLink:
        raise Refusal("Link verlopen / link expired", "expired", 410) from None
    except links.BadLink:
        raise Refusal(INVALID, "altered", 403) from None
    link = session.get(IncidentProcessor, link_id)
    if link is None:
        raise Refusal(INVALID, "unknown", 403)
    try:
        request.state.reply_link = reply_links.check(session, link=link, token=token, now=clock.now())
    except reply_links.Gone as exc:
        raise Refusal(GONE_TITLE, exc.reason, 410) from None
    except links.BadLink:
        raise Refusal(INVALID, "unknown", 403) from None
    return link


def _fields(request: Request, link: IncidentProcessor) -> list[dict[str, str]]:
    registry = request.app.state.registry
    fields = []
    for name in link.requested_facts:
        fact = registry.facts.get(name)
        label = f"{fact.label.nl} / {fact.label.en}" if fact else name
        hint = ""
        if fact and fact.type in {"choice", "multichoice"}:
            hint = " (" + ", ".join(fact.choices or []) + ")"
        elif fact and fact.type == "bool":
            hint = " (ja/nee, yes/no)"
        elif fact and fact.type == "datetime":
            hint = " (ISO 8601, e.g. 2026-11-23T09:30+01:00)"
        fields.append({"name": name, "label": label, "hint": hint})
    return fields


def _form(
    request: Request,
    link: IncidentProcessor,
    token: str,
    message: str = "",
    code: int = 200,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """The reply form; a refused answer comes back with what was typed and each refused field marked."""
    fields = _fields(request, link)
    return _page(
        request,
        FORM_TITLE,
        code,
        incident_id=link.incident_id,
        token=token,
        fields=fields,
        message=message,
        values=values or {},
        errors=errors or {},
    )


@reply_router.get("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
def reply_form(token: str, request: Request, session: SessionDep):
    try:
        link = _resolve(request, session, token)
    except Refusal as refusal:
        return _refused(request, refusal)
    return _form(request, link, token)


def _answer(request: Request, session, link: IncidentProcessor, token: str, raw: dict[str, str]) -> HTMLResponse:  # noqa: ANN001
    try:
        service.answer(
            session,
            link=link,
            raw=raw,
            registry=request.app.state.registry,
            now=clock.now(),
            via=request.state.reply_link,
        )
    except service.AnswerRefused as exc:
        note = "Controleer de gemarkeerde velden. / Please check the marked fields."
        return _form(request, link, token, note, 422, values=raw, errors=exc.errors)
    except FieldProblem as exc:
        return _form(request, link, token, exc.message, 422, values=raw)
    return _page(request, "Dank u / thank you", notice="received")


@reply_router.post("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
async def reply_submit(token: str, request: Request, session: SessionDep):
    # async only to read the form body; the token is checked before the body is read, as before.
    try:
        link = await run_in_threadpool(_resolve, request, session, token)
    except Refusal as refusal:
        return _refused(request, refusal)
    body = await request.body()
    if len(body) > 200_000:
        return _page(request, "Te groot / too large", 413, notice="too_large")
    raw = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
    return await run_in_threadpool(_answer, request, session, link, token, raw)
