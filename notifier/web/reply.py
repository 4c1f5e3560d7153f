"""The public reply page where a processor answers the facts asked of it: no account, the signed token is the only
key.

Rendered from templates/pages/reply.html.j2 through the web pages' Jinja environment (autoescape on), but not
through web.render.render: that one issues a CSRF token, and so a session cookie, to a visitor who has no account.
The database work runs in the threadpool: GET is a plain `def`, POST hands its two steps over explicitly.
"""

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from notifier import clock, tenancy
from notifier.deps import SessionDep
from notifier.errors import FieldProblem
from notifier.processors import links, reply_links, service
from notifier.processors.models import IncidentProcessor

router = APIRouter(tags=["processor reply"])


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
    # The signed token names the link; its organisation is the one the rest of the request works for.
    with tenancy.unscoped(session):
        link = session.get(IncidentProcessor, link_id)
    if link is None:
        raise Refusal(INVALID, "unknown", 403)
    tenancy.bind(session, link.organisation_id)
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


@router.get("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
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


@router.post("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
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
