"""The report card's print and PDF buttons: the draft as the API's print view and PDF show it, for a signed-in user.

The API's twins (/api/v1/incidents/{id}/submissions/{regime}/{stage}/print and /pdf) take a bearer token, which a
browser session does not have; these take the session and the reader's language.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from notifier.errors import NotFound
from notifier.incidents import service as incidents
from notifier.submissions import html, ledger, pdf
from notifier.submissions.render import Rendered
from notifier.web.auth import Viewer, ViewerDep
from notifier.web.i18n import t
from notifier.web.render import render

from notifier.deps import ContextDep, SessionDep  # isort: skip

router = APIRouter(include_in_schema=False)


def _draft(session, ctx, viewer: Viewer, incident_id: int, regime: str, stage: str) -> Rendered:  # noqa: ANN001
    incident = incidents.get(session, incident_id)
    return ledger.draft(session, ctx, incident=incident, regime=regime, stage=stage, language=viewer.lang)


@router.get("/incidents/{incident_id}/reports/{regime}/{stage}/print")
def print_report(
    incident_id: int, regime: str, stage: str, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep
):
    try:
        rendered = _draft(session, ctx, viewer, incident_id, regime, stage)
    except NotFound:
        return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
    return HTMLResponse(html.draft_page(rendered, viewer.lang), headers={"Cache-Control": "no-store"})


@router.get("/incidents/{incident_id}/reports/{regime}/{stage}/pdf")
def pdf_report(
    incident_id: int, regime: str, stage: str, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep
):
    try:
        rendered = _draft(session, ctx, viewer, incident_id, regime, stage)
    except NotFound:
        return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
    c = rendered.context
    try:
        body = pdf.render(rendered.text, title=c.title, footer=html.draft_footer(c.as_of_text, viewer.lang))
    except pdf.PdfUnavailable:
        return HTMLResponse(t("pdf_unavailable", viewer.lang), status_code=503)
    name = f"{regime}-{stage}-{incident_id}-{viewer.lang}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )
