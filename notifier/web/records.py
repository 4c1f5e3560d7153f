"""The records a signed-in user reads and takes away: the breach register (page and CSV), the ledger of filed
reports (per incident and for the whole organisation, each filing printable and as PDF, exactly as filed) and an
incident's audit trail in words, paged, with its export (JSON and CSV). The same services as the API's routes."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, func, select

from notifier import csv_cells, instants
from notifier.audit.models import AuditRecord
from notifier.errors import FieldProblem, NotFound
from notifier.incidents import service as incidents
from notifier.incidents.models import Incident, Submission
from notifier.incidents.schemas import AuditOut
from notifier.submissions import filed, ledger, pdf
from notifier.web import audit_words, board
from notifier.web.auth import ViewerDep
from notifier.web.forms import MAX_INT, form_int
from notifier.web.render import render

from notifier.deps import ContextDep, SessionDep  # isort: skip

router = APIRouter(include_in_schema=False)
AUDIT_PAGE_SIZE = 50


def _download(body: str | bytes, media_type: str, filename: str, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _page_number(raw: str, lang: str) -> int:
    """Like the dashboard: a page number that is not one shows the first page, one too far the last."""
    try:
        return form_int("page", raw, lang, minimum=1) or 1
    except FieldProblem:
        return MAX_INT if raw.strip().isascii() and raw.strip().isdigit() else 1


# --- the breach register ---------------------------------------------------------------------------------------


def _register(session: Session, ctx: Any) -> tuple[Any, Any, list[dict[str, Any]]]:
    hooked = ctx.registry.hooked("register")
    if hooked is None:
        raise NotFound("no regime keeps a breach register (hooks.register in its workflow)")
    workflow, register = hooked
    return workflow, register, register.entries(session, ctx.zone(session), workflow.regime)


def _risk_labels(workflow: Any, lang: str) -> dict[str, str]:
    """The words the declaration form uses for the risk it asks."""
    for event in workflow.track.events.values():
        found = event.fields.get("risk")
        if found is not None and found.choice_labels:
            return {code: text.get(lang) for code, text in found.choice_labels.items()}
    return {}


@router.get("/register/breaches")
def breach_register(request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    workflow, _, rows = _register(session, ctx)
    zone, lang = ctx.zone(session), viewer.lang
    return render(
        request,
        "breach_register.html.j2",
        viewer=viewer,
        rows=rows,
        workflow=workflow,
        risks=_risk_labels(workflow, lang),
        state_of=lambda s: workflow.state_label(s, lang) if s else "",
        when=lambda v: _register_time(v, zone, lang),
    )


def _register_time(value: str | None, zone: Any, lang: str) -> str:
    """The register keeps instants as ISO text; one stored out of range is flagged text already, shown as is."""
    if not value:
        return ""
    try:
        return board.when(datetime.fromisoformat(value), zone, lang)
    except ValueError:
        return value


@router.get("/register/breaches.csv")
def breach_register_csv(session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    _, register, rows = _register(session, ctx)
    return _download(register.to_csv(rows), "text/csv; charset=utf-8", "breach-register.csv")


# --- the ledger of filed reports -------------------------------------------------------------------------------


@dataclass
class FiledRow:
    submission: Submission
    incident: Incident
    regime: str
    title: str
    submitted_at: str
    intact: bool | None


def _filed_rows(session: Session, ctx: Any, subs: list[Submission], lang: str) -> list[FiledRow]:
    zone = ctx.zone(session)
    ids = {s.incident_id for s in subs}
    named = {i.id: i for i in session.exec(select(Incident).where(Incident.id.in_(ids)))} if ids else {}
    out = []
    for sub in subs:
        wf = ctx.registry.get(sub.regime)
        stage = wf.stages.get(sub.stage) if wf else None
        out.append(
            FiledRow(
                submission=sub,
                incident=named[sub.incident_id],
                regime=wf.title.get(lang) if wf else sub.regime,
                title=stage.title.get(lang) if stage else sub.stage,
                submitted_at=board.when(sub.submitted_at, zone, lang),
                intact=ledger.intact(sub),
            )
        )
    return out


@router.get("/ledger")
def organisation_ledger(request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    subs = list(session.exec(select(Submission).order_by(Submission.submitted_at.desc(), Submission.id.desc())))
    return render(
        request, "ledger.html.j2", viewer=viewer, incident=None, filings=_filed_rows(session, ctx, subs, viewer.lang)
    )


@router.get("/incidents/{incident_id}/submissions")
def incident_ledger(incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    incident = incidents.get(session, incident_id)
    subs = ledger.entries(session, incident.id)
    return render(
        request,
        "ledger.html.j2",
        viewer=viewer,
        incident=incident,
        filings=_filed_rows(session, ctx, subs, viewer.lang),
    )


def _filing(session: Session, incident_id: int, submission_id: int) -> Submission:
    incidents.get(session, incident_id)
    sub = session.get(Submission, submission_id)
    if sub is None or sub.incident_id != incident_id or sub.text is None:
        raise NotFound(f"filed text of submission {submission_id} of incident {incident_id}")
    return sub


@router.get("/incidents/{incident_id}/submissions/{submission_id}/print")
def print_filing(incident_id: int, submission_id: int, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    sub = _filing(session, incident_id, submission_id)
    return HTMLResponse(filed.print_page(sub, ctx.zone(session)), headers={"Cache-Control": "no-store"})


@router.get("/incidents/{incident_id}/submissions/{submission_id}/pdf")
def pdf_filing(
    incident_id: int, submission_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep
):
    sub = _filing(session, incident_id, submission_id)
    try:
        body = filed.pdf_bytes(sub, ctx.zone(session))
    except pdf.PdfUnavailable:
        return render(request, "refused.html.j2", viewer=viewer, status_code=503)
    return _download(body, "application/pdf", filed.pdf_name(sub), inline=True)


# --- the audit trail -------------------------------------------------------------------------------------------


def _records(session: Session, incident_id: int) -> list[AuditRecord]:
    query = select(AuditRecord).where(AuditRecord.incident_id == incident_id).order_by(AuditRecord.seq)
    return list(session.exec(query).all())


@router.get("/incidents/{incident_id}/audit")
def audit_trail(
    incident_id: int, request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep, page: str = "1"
):
    incident = incidents.get(session, incident_id)
    zone = ctx.zone(session)
    total = session.exec(
        select(func.count()).select_from(AuditRecord).where(AuditRecord.incident_id == incident.id)
    ).one()
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    number = min(_page_number(page, viewer.lang), pages)
    # Newest first, as on the incident page: the last thing that happened is what a reader looks for.
    shown = session.exec(
        select(AuditRecord)
        .where(AuditRecord.incident_id == incident.id)
        .order_by(AuditRecord.seq.desc())
        .offset((number - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
    ).all()
    return render(
        request,
        "audit.html.j2",
        viewer=viewer,
        incident=incident,
        lines=[audit_words.describe(r, ctx, zone, viewer.lang) for r in shown],
        number=number,
        pages=pages,
        total=total,
    )


@router.get("/incidents/{incident_id}/audit.json")
def audit_json(incident_id: int, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    """The records as the API answers them (GET /api/v1/incidents/{id}/audit), all of them, oldest first."""
    incidents.get(session, incident_id)
    zone = ctx.zone(session)
    records = [
        AuditOut(**r.model_dump(exclude={"at", "id", "incident_id"}), at=instants.local(r.at, zone)).model_dump(
            mode="json"
        )
        for r in _records(session, incident_id)
    ]
    body = json.dumps(records, ensure_ascii=False, indent=1)
    return _download(body, "application/json", f"audit-incident-{incident_id}.json")


AUDIT_COLUMNS = ("seq", "at", "actor", "event_type", "event", "stage", "reference", "reason", "changes", "hash")


@router.get("/incidents/{incident_id}/audit.csv")
def audit_csv(incident_id: int, session: SessionDep, ctx: ContextDep, viewer: ViewerDep):
    """One row per record, oldest first, in the reader's words next to the stored codes; cells are neutralised
    against spreadsheet formulas (an actor or reason may come from outside)."""
    incidents.get(session, incident_id)
    zone = ctx.zone(session)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    for record in _records(session, incident_id):
        line = audit_words.describe(record, ctx, zone, viewer.lang)
        changes = "; ".join(f"{c.label}: {c.before} -> {c.after}" for c in line.changes)
        cells = (
            record.seq,
            instants.iso(record.at, zone),
            record.actor,
            record.event_type,
            line.event,
            line.stage,
            line.reference,
            record.reason,
            changes,
            record.hash,
        )
        writer.writerow([csv_cells.cell("" if v is None else str(v)) for v in cells])
    return _download(buffer.getvalue(), "text/csv; charset=utf-8", f"audit-incident-{incident_id}.csv")
