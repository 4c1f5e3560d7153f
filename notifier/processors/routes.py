"""HTTP: the processor register, linking incidents, the timeliness report (bearer auth) and the public reply page."""

from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, field_validator
from sqlmodel import select

from notifier import clock
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.errors import FieldProblem
from notifier.incidents import service as incidents
from notifier.instants import Instant
from notifier.operations import paging
from notifier.processors import links, reply_links, service
from notifier.processors.models import IncidentProcessor, Processor

router = APIRouter(prefix="/api/v1", tags=["processors"], responses={401: {"description": "Missing token"}})
reply_router = APIRouter(tags=["processor reply"])


class ContactIn(BaseModel):
    level: int = Field(ge=1, le=3, description="1 service desk, 2 account manager, 3 DPO or management")
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class ProcessorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    notification_term_hours: int = Field(gt=0, le=24 * 30)
    contacts: list[ContactIn] = Field(min_length=1)

    @field_validator("contacts")
    @classmethod
    def _one_per_level(cls, value: list[ContactIn]) -> list[ContactIn]:
        levels = [c.level for c in value]
        if len(levels) != len(set(levels)):
            raise ValueError("give at most one contact per level")
        return value


class ProcessorOut(BaseModel):
    id: int
    name: str
    notification_term_hours: int
    contacts: list[dict[str, Any]]


class LinkIn(BaseModel):
    processor_id: int
    processor_aware_at: Instant | None = None
    informed_at: Instant | None = None


class LinkOut(BaseModel):
    id: int
    incident_id: int
    processor_id: int
    processor_aware_at: datetime | None
    informed_at: datetime | None
    requested_at: datetime
    requested_facts: list[str]
    current_level: int
    answered_at: datetime | None


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
    session.commit()
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
    session.commit()
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
    session.commit()
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

PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"></head>
<body style="font-family: sans-serif; max-width: 44em; margin: 2em auto">
<h1>{title}</h1>
{body}
</body></html>"""


def _page(title: str, body: str, code: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(title), body=body), status_code=code)


def _resolve(request: Request, session, token: str):  # noqa: ANN001, ANN202
    settings = request.app.state.settings
    try:
        link_id = links.verify(settings.secret_key, token, now=clock.now())
    except links.ExpiredLink:
        return None, _page(
            "Link verlopen / link expired",
            "<p>Deze link is verlopen. Neem contact op met de "
            "afzender voor een nieuwe link.</p><p>This link has expired; ask the sender for a new one.</p>",
            410,
        )
    except links.BadLink:
        return None, _page(
            "Ongeldige link / invalid link",
            "<p>Deze link is ongeldig of gewijzigd.</p><p>This link is not valid or was altered.</p>",
            403,
        )
    link = session.get(IncidentProcessor, link_id)
    if link is None:
        return None, _page("Ongeldige link / invalid link", "<p>Onbekend verzoek / unknown request.</p>", 403)
    try:
        request.state.reply_link = reply_links.check(session, link=link, token=token, now=clock.now())
    except reply_links.Gone as exc:
        return None, _page("Link niet meer geldig / link no longer valid", GONE[exc.reason], 410)
    except links.BadLink:
        return None, _page("Ongeldige link / invalid link", "<p>Onbekend verzoek / unknown request.</p>", 403)
    return link, None


GONE = {
    "expired": "<p>Deze link is verlopen. Neem contact op met de afzender voor een nieuwe link.</p>"
    "<p>This link has expired; ask the sender for a new one.</p>",
    "superseded": "<p>Deze link is niet meer geldig: het verzoek is doorgezet naar een ander contact, dat een eigen "
    "link kreeg.</p><p>This link is no longer valid: the request was passed on to another contact, who received a "
    "link of their own.</p>",
    "closed": "<p>Deze link is niet meer geldig: het incident is gesloten en er worden geen gegevens meer gevraagd.</p>"
    "<p>This link is no longer valid: the incident is closed and nothing more is asked.</p>",
}


def _form(
    request: Request,
    link: IncidentProcessor,
    token: str,
    message: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    registry = request.app.state.registry
    values, errors = values or {}, errors or {}
    rows = []
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
        marked, problem = "", ""
        if name in errors:
            marked = f' aria-invalid="true" aria-describedby="error-{escape(name)}"'
            problem = (
                f'<br><strong id="error-{escape(name)}" style="color: #b00020">'
                f"Ongeldige waarde / invalid value: {escape(errors[name])}</strong>"
            )
        rows.append(
            f'<p><label for="{escape(name)}">{escape(label)}{escape(hint)}</label><br>'
            f'<textarea id="{escape(name)}" name="{escape(name)}" rows="2" cols="60"{marked}>'
            f"{escape(values.get(name, ''))}</textarea>{problem}</p>"
        )
    if not rows:
        rows.append("<p>Er worden geen gegevens gevraagd. / Nothing is asked.</p>")
    note = f"<p><strong>{escape(message)}</strong></p>" if message else ""
    return (
        f"{note}<p>Incident #{link.incident_id}. Vul in wat u weet; lege velden worden overgeslagen. "
        f"/ Fill in what you know; empty fields are skipped.</p>"
        f'<form method="post" action="/reply/{escape(token)}">{"".join(rows)}'
        '<p><button type="submit">Versturen / Send</button></p></form>'
    )


@reply_router.get("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
def reply_form(token: str, request: Request, session: SessionDep):
    link, refusal = _resolve(request, session, token)
    if refusal:
        return refusal
    return _page("Informatieverzoek / information request", _form(request, link, token))


@reply_router.post("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
async def reply_submit(token: str, request: Request, session: SessionDep):
    link, refusal = _resolve(request, session, token)
    if refusal:
        return refusal
    body = await request.body()
    if len(body) > 200_000:
        return _page("Te groot / too large", "<p>Te veel tekst / too much text.</p>", 413)
    raw = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
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
        form = _form(request, link, token, note, values=raw, errors=exc.errors)
        return _page("Informatieverzoek / information request", form, 422)
    except FieldProblem as exc:
        return _page("Informatieverzoek / information request", _form(request, link, token, exc.message, raw), 422)
    session.commit()
    return _page("Dank u / thank you", "<p>Uw antwoord is ontvangen. / Your answer was received.</p>")
