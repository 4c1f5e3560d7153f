"""HTTP API for facts, report drafts, the submission ledger and the breach register.

Submissions themselves are confirmed through POST /api/v1/incidents/{id}/events (`<regime>.submitted`).
"""

from typing import Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, Response

from notifier import instants
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.errors import NotFound
from notifier.http import paging, versions
from notifier.incidents import service as incidents
from notifier.incidents.models import Submission
from notifier.submissions import exports, facts, filed, html, ledger, pdf
from notifier.submissions.render import Rendered
from notifier.submissions.schemas import ExportGapsOut, FactsOut, LedgerEntryOut, SubmissionDraftOut

Language = Literal["nl", "en"]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid bearer token"},
    404: {"description": "No such incident, regime or stage"},
}
FACTS_EXAMPLE = {"started_at": "2026-11-23T02:10:00+01:00", "malicious_suspected": True, "indicators": None}

router = APIRouter(prefix="/api/v1/incidents", tags=["submissions"], responses=ERRORS)
register_router = APIRouter(prefix="/api/v1/register", tags=["register"], responses={401: ERRORS[401]})


@router.get("/{incident_id}/facts", response_model=FactsOut, responses={200: {"headers": versions.ETAG_HEADER}})
def get_facts(incident_id: int, response: Response, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    return versions.tagged(response, _facts_out(session, ctx, incidents.get(session, incident_id).facts))


def _facts_out(session: Any, ctx: Any, stored: dict[str, Any] | None) -> FactsOut:
    return FactsOut(facts=facts.shown(stored, ctx.registry.facts, ctx.zone(session)))


@router.patch(
    "/{incident_id}/facts",
    response_model=FactsOut,
    responses={
        200: {"headers": versions.ETAG_HEADER},
        **versions.STALE,
        422: {"description": "An unknown fact or a value of the wrong type; names the fact"},
    },
)
def patch_facts(
    incident_id: int,
    response: Response,
    session: SessionDep,
    ctx: ContextDep,
    who: PrincipalDep,
    changes: dict[str, Any] = Body(
        ..., description="Fact keys (workflows/facts.yaml) -> values; null clears a fact", examples=[FACTS_EXAMPLE]
    ),
    if_match: versions.IfMatch = None,
):
    incident = incidents.get(session, incident_id, lock=True)
    versions.check(if_match, _facts_out(session, ctx, incident.facts))
    result = facts.update(session, incident=incident, catalogue=ctx.registry.facts, changes=changes, actor=who.actor)
    return versions.tagged(response, _facts_out(session, ctx, result))


def _entry(sub: Submission, ctx: Any, session: Any) -> LedgerEntryOut:
    zone = ctx.zone(session)
    wf = ctx.registry.get(sub.regime)
    lang = sub.language or "nl"
    title = wf.stages[sub.stage].title.get(lang) if wf and sub.stage in wf.stages else sub.stage
    return LedgerEntryOut(
        id=sub.id,
        regime=sub.regime,
        stage=sub.stage,
        title=title,
        language=sub.language,
        submitted_at=instants.local(sub.submitted_at, zone),
        reference=sub.reference,
        delay_reason=sub.delay_reason,
        confirmed_by=sub.confirmed_by,
        confirmed_at=instants.local(sub.confirmed_at, zone),
        regime_version=(sub.json_copy or {}).get("regime_version"),
        regime_applies_from=(sub.json_copy or {}).get("regime_applies_from"),
        recipients=sub.recipients,
        missing=sub.missing,
        sha256=sub.sha256,
        hash_version=sub.hash_version,
        ledger_sha256=sub.ledger_sha256,
        intact=ledger.intact(sub),
        text=sub.text,
        json=sub.json_copy,
    )


@router.get("/{incident_id}/submissions", response_model=list[LedgerEntryOut])
def list_ledger(
    incident_id: int,
    request: Request,
    response: Response,
    page: paging.PageDep,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
):
    """The submission ledger: every confirmed submission with the exact text and JSON as filed."""
    incidents.get(session, incident_id)
    rows = paging.sliced(request, response, page, list(ledger.entries(session, incident_id)))
    return [_entry(s, ctx, session) for s in rows]


def _filed(session: Any, incident_id: int, submission_id: int) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None or sub.incident_id != incident_id:
        raise NotFound(f"submission {submission_id} of incident {incident_id}")
    return sub


@router.get("/{incident_id}/submissions/filed/{submission_id}", response_model=LedgerEntryOut)
def get_filed(incident_id: int, submission_id: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    return _entry(_filed(session, incident_id, submission_id), ctx, session)


@router.get("/{incident_id}/submissions/filed/{submission_id}/print", response_class=HTMLResponse)
def print_filed(incident_id: int, submission_id: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    """The filed text as a printable page, with the filing details underneath."""
    sub = _filed(session, incident_id, submission_id)
    if sub.text is None:
        raise NotFound(f"filed text of submission {submission_id}")
    return HTMLResponse(filed.print_page(sub, ctx.zone(session)))


def _pdf(text: str, title: str, footer: str, filename: str) -> Response:
    try:
        body = pdf.render(text, title=title, footer=footer)
    except pdf.PdfUnavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"PDF unavailable: {exc}") from exc
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


@router.get(
    "/{incident_id}/submissions/filed/{submission_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 503: {"description": "No Unicode font installed"}},
)
def pdf_filed(incident_id: int, submission_id: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    """The filed text as a PDF, with the filing details and hash underneath."""
    sub = _filed(session, incident_id, submission_id)
    if sub.text is None:
        raise NotFound(f"filed text of submission {submission_id}")
    return _pdf(sub.text, sub.stage, filed.footer(sub, ctx.zone(session)), filed.pdf_name(sub))


def _draft(session: Any, ctx: Any, incident_id: int, regime: str, stage: str, lang: str) -> Rendered:
    incident = incidents.get(session, incident_id)
    return ledger.draft(session, ctx, incident=incident, regime=regime, stage=stage, language=lang)


@router.get("/{incident_id}/submissions/{regime}/{stage}", response_model=SubmissionDraftOut)
def get_draft(
    incident_id: int,
    regime: str,
    stage: str,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
    lang: Language = Query(default="nl", description="nl (default) or en"),
):
    """The report for one stage as it would be filed now, with the completeness check."""
    rendered = _draft(session, ctx, incident_id, regime, stage, lang)
    c = rendered.context
    return SubmissionDraftOut(
        regime=regime,
        stage=stage,
        language=lang,
        title=c.title,
        legal_basis=c.legal_basis,
        recipients=rendered.json["recipients"],
        text=rendered.text,
        json=rendered.json,
        missing=c.missing,
        present=c.present,
        schema_gaps=c.schema_gaps,
        required=[r.model_dump() for r in c.required],
        sections=[{"title": s.title, "text": s.text} for s in rendered.sections],
        plain_text=rendered.plain.text if rendered.plain else "",
        plain_sections=[
            {"title": s.title, "fields": [{"label": f.label, "value": f.value} for f in s.fields]}
            for s in (rendered.plain.sections if rendered.plain else [])
        ],
    )


@router.get("/{incident_id}/submissions/{regime}/{stage}/print", response_class=HTMLResponse)
def print_draft(
    incident_id: int,
    regime: str,
    stage: str,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
    lang: Language = Query(default="nl"),
):
    """A printable HTML page of the draft; the box at the top lists missing required fields (not part of the text)."""
    return HTMLResponse(html.draft_page(_draft(session, ctx, incident_id, regime, stage, lang), lang))


@router.get(
    "/{incident_id}/submissions/{regime}/{stage}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 503: {"description": "No Unicode font installed"}},
)
def pdf_draft(
    incident_id: int,
    regime: str,
    stage: str,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
    lang: Language = Query(default="nl"),
):
    """The draft as a PDF (fpdf2 with DejaVu Sans; 503 when the font is not installed)."""
    rendered = _draft(session, ctx, incident_id, regime, stage, lang)
    c = rendered.context
    footer = html.draft_footer(c.as_of_text, lang)
    return _pdf(rendered.text, c.title, footer, f"{regime}-{stage}-{incident_id}-{lang}.pdf")


GAPS_HEADER = exports.GAPS_HEADER


def export_response(export: exports.Export, incident_id: int) -> JSONResponse:
    return JSONResponse(export.document, headers=exports.headers(export, incident_id))


def export_gaps(export: exports.Export, lang: str) -> ExportGapsOut:
    return ExportGapsOut(
        regime=export.regime,
        stage=export.stage,
        kind=export.kind,
        complete=export.complete,
        gaps=[
            {"field": g.field, "template_field": g.template, "label": g.label.get(lang), "sources": g.sources}
            for g in export.gaps
        ],
    )


@router.get(
    "/{incident_id}/reports/{regime}/{stage}.json",
    responses={
        200: {
            "content": {"application/json": {}},
            "description": "The stage's structured report (e.g. the schema a supervisor's portal takes)",
            "headers": {
                GAPS_HEADER: {
                    "description": "Required schema fields still unknown, comma-separated",
                    "schema": {"type": "string"},
                }
            },
        },
        404: {"description": "No such incident, or the regime's stage has no export"},
    },
)
def get_export(incident_id: int, regime: str, stage: str, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    """The structured export of one stage as the facts stand now (the workflow's `export` kind for the stage)."""
    incident = incidents.get(session, incident_id)
    return export_response(exports.required(session, ctx.registry, incident, regime, stage), incident_id)


@router.get("/{incident_id}/reports/{regime}/{stage}/gaps", response_model=ExportGapsOut)
def get_export_gaps(
    incident_id: int,
    regime: str,
    stage: str,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
    lang: Language = Query(default="nl", description="nl (default) or en"),
):
    """The fields the stage's export schema requires that are still unknown, with the facts that fill them."""
    incident = incidents.get(session, incident_id)
    return export_gaps(exports.required(session, ctx.registry, incident, regime, stage), lang)


@register_router.get(
    "/breaches",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}, "description": "The register"}},
)
def breach_list(
    request: Request,
    page: paging.PageDep,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
    format: Literal["json", "csv"] = Query(default="json"),  # noqa: A002
) -> Response:
    """AVG art. 33(5): every personal data breach, notified or not, with the reasoning. JSON (paged with `limit`
    and `offset` like every list) or CSV (the whole register, an export)."""
    hooked = ctx.registry.hooked("register")
    if hooked is None:
        raise NotFound("no regime keeps a breach register (hooks.register in its workflow)")
    workflow, register = hooked
    rows = register.entries(session, ctx.zone(session), workflow.regime)
    if format == "csv":
        return Response(
            register.to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="breach-register.csv"'},
        )
    answer = JSONResponse(paging.window(page, rows))
    paging.headers(request, answer, page, len(rows))
    return answer
