"""The public reply page where a processor answers the facts asked of it: no account, the signed token is the only
key.

Rendered from templates/pages/reply.html.j2 (the pages' base template and style sheet) through the web pages' Jinja
environment (autoescape on), but not through web.render.render: that one issues a CSRF token, and so a session
cookie, to a visitor who has no account. The language is the one chosen on the page (?lang=), else the browser's.
The database work runs in the threadpool: GET is a plain `def`, POST hands its two steps over explicitly.
"""

from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from notifier import clock, i18n, instants, tenancy
from notifier.deps import SessionDep
from notifier.errors import FieldProblem
from notifier.incidents.models import Incident
from notifier.organisation import service as organisation
from notifier.processors import links, plan, reply_links, service
from notifier.processors.models import IncidentProcessor, Processor
from notifier.submissions.present import load_labels
from notifier.web.i18n import from_browser, t

router = APIRouter(tags=["processor reply"])
# Not for search engines, not for a shared cache: the page carries a personal link's questions.
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


class Refusal(Exception):
    def __init__(self, title: str, notice: str, code: int):
        self.title, self.notice, self.code = title, notice, code


def _lang(request: Request) -> str:
    chosen = request.query_params.get("lang")
    return chosen if chosen in i18n.LANGUAGES else from_browser(request.headers.get("accept-language"))


def _page(request: Request, title_key: str, code: int = 200, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    other = i18n.pick(lang, "en", "nl")  # the language the page offers to switch to
    template = request.app.state.web_templates.get_template("reply.html.j2")
    body = template.render(
        lang=lang,
        other=other,
        t=lambda key: t(key, lang),
        # A notice is given in both languages: whoever opens a dead link may not read the one their browser asks.
        other_t=lambda key: t(key, other),
        title=t(title_key, lang).format(organisation=context.get("organisation", "")),
        user=None,
        viewer=None,
        may=lambda role: False,
        csrf="",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(body, status_code=code, headers=HEADERS)


def _refused(request: Request, refusal: Refusal) -> HTMLResponse:
    return _page(request, refusal.title, refusal.code, notice=refusal.notice)


def _resolve(request: Request, session, token: str) -> IncidentProcessor:  # noqa: ANN001
    settings = request.app.state.settings
    try:
        link_id = links.verify(settings.secret_key, token, now=clock.now())
    except links.ExpiredLink:
        raise Refusal("reply_expired_title", "expired", 410) from None
    except links.BadLink:
        raise Refusal("reply_invalid_title", "altered", 403) from None
    # The signed token names the link; its organisation is the one the rest of the request works for.
    with tenancy.unscoped(session):
        link = session.get(IncidentProcessor, link_id)
    if link is None:
        raise Refusal("reply_invalid_title", "unknown", 403)
    tenancy.bind(session, link.organisation_id)
    try:
        request.state.reply_link = reply_links.check(session, link=link, token=token, now=clock.now())
    except reply_links.Gone as exc:
        raise Refusal("reply_gone_title", exc.reason, 410) from None
    except links.BadLink:
        raise Refusal("reply_invalid_title", "unknown", 403) from None
    return link


def _fields(request: Request, link: IncidentProcessor, lang: str) -> list[dict[str, Any]]:
    """Only what a processor can know (workflows/facts.yaml `processor: true`), labelled in the reader's language;
    choices offered in words (a select, or a box to tick per choice), never as codes to type."""
    registry = request.app.state.registry
    labels = load_labels(request.app.state.context.templates_dir)
    fields = []
    for name in service.asked(registry, link):
        fact = registry.facts[name]
        if fact.type == "bool":
            choices = [("true", t("reply_yes", lang)), ("false", t("reply_no", lang))]
        else:
            choices = [(c, labels.choice(name, c, lang)) for c in fact.choices or []]
        hint = {"datetime": t("reply_hint_datetime", lang), "multichoice": t("reply_hint_multichoice", lang)}
        fields.append(
            {
                "name": name,
                "type": fact.type,
                "label": fact.label.get(lang),
                "hint": hint.get(fact.type, ""),
                "choices": choices,
            }
        )
    return fields


def _asking(session, link: IncidentProcessor, lang: str) -> dict[str, Any]:  # noqa: ANN001
    """Who asks, about what and by when: what makes the page recognisable as the request the mail announced."""
    org = organisation.row(session)
    zone = ZoneInfo(org.timezone) if org is not None else ZoneInfo("UTC")
    processor = session.get(Processor, link.processor_id)
    needed_by = plan.reply_by(session, processor, link, clock.now())
    return {
        "organisation": org.name if org is not None else "meldplicht",
        "incident_title": session.get(Incident, link.incident_id).title,
        "processor": processor.name,
        "officer": service.asking_officer(session, link),
        "reply_by": instants.show(needed_by, zone, lang) if needed_by else None,
    }


def _form(
    request: Request,
    session,  # noqa: ANN001
    link: IncidentProcessor,
    token: str,
    message: str = "",
    code: int = 200,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """The reply form; a refused answer comes back with what was typed and each refused field marked."""
    lang = _lang(request)
    fields = _fields(request, link, lang)
    shown = {f["name"] for f in fields} | {service.REMARK}
    errors = errors or {}
    return _page(
        request,
        "reply_title",
        code,
        token=token,
        fields=fields,
        message=message,
        values={k: v for k, v in (values or {}).items() if k in shown},
        errors=errors,
        # Fields sent that the page does not show: named in the message, as the API names an unknown fact.
        not_asked=sorted(k for k in errors if k not in shown),
        **_asking(session, link, lang),
    )


@router.get("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
def reply_form(token: str, request: Request, session: SessionDep):
    try:
        link = _resolve(request, session, token)
    except Refusal as refusal:
        return _refused(request, refusal)
    return _form(request, session, link, token)


def _answer(request: Request, session, link: IncidentProcessor, token: str, raw: dict[str, str]) -> HTMLResponse:  # noqa: ANN001
    lang = _lang(request)
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
        return _form(request, session, link, token, t("reply_check_fields", lang), 422, values=raw, errors=exc.errors)
    except FieldProblem as exc:
        message = t("reply_fill_one", lang) if exc.field == "answers" else exc.message
        return _form(request, session, link, token, message, 422, values=raw)
    return _page(request, "reply_thanks_title", notice="received")


@router.post("/reply/{token}", response_class=HTMLResponse, include_in_schema=False)
async def reply_submit(token: str, request: Request, session: SessionDep):
    # async only to read the form body; the token is checked before the body is read, as before.
    try:
        link = await run_in_threadpool(_resolve, request, session, token)
    except Refusal as refusal:
        return _refused(request, refusal)
    body = await request.body()
    if len(body) > 200_000:
        return _page(request, "reply_too_large_title", 413, notice="too_large")
    # A multichoice arrives as one value per ticked box; the answer takes them comma-separated, in the page's order.
    raw = {k: ",".join(v) for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
    return await run_in_threadpool(_answer, request, session, link, token, raw)
