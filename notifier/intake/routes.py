"""HTTP: POST /api/v1/intake/{source}; admin of per-source credentials; merge/split and alerts of an incident."""

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, Response
from sqlmodel import select

from notifier import instants, problems
from notifier.audit import chain
from notifier.db import after_commit
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.errors import NotFound
from notifier.http import paging
from notifier.http.ratelimit import retry_after_header
from notifier.incidents import service as incidents
from notifier.intake import auth, grouping, heap, sources
from notifier.intake.adapters import ADAPTERS, SOURCES
from notifier.intake.adapters.generic import GenericAlert
from notifier.intake.alert import SEVERITIES, Unmappable
from notifier.intake.body import check_declared_length, parse_json, read_limited
from notifier.intake.models import IntakeAlert, IntakeSource
from notifier.intake.queue import Overloaded
from notifier.intake.schemas import AlertOut, IntakeAnswer, MergeIn, SourceCredentialsIn, SourceOut, SplitIn
from notifier.intake.writer import WriteFailed
from notifier.lifecycle import views
from notifier.lifecycle.schemas import IncidentOut

intake_router = APIRouter(prefix="/api/v1/intake", tags=["intake"])
admin_router = APIRouter(prefix="/api/v1/intake-sources", tags=["intake"])
incident_router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])

RECEIVE_DOC = f"""Receive one alert from a SIEM tool. `source` is one of: {", ".join(SOURCES)}.

Authenticate with `Authorization: Bearer <token>` or `?token=<token>` (NOTIFIER_INTAKE_TOKEN or the source's own
token). When the source has a signing secret, the body must also carry a Standard Webhooks signature
(`webhook-id`, `webhook-timestamp` within 5 minutes, `webhook-signature`) or `X-Hub-Signature-256`.

The `generic` body is documented below (GenericAlert); the other sources take the tool's own payload
(docs/intake.md). The answer comes only after the alert is committed.
"""


def _error(code: int, detail: Any) -> JSONResponse:
    return problems.from_http_exception(code, detail)


@intake_router.post(
    "/{source}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=IntakeAnswer,
    description=RECEIVE_DOC,
    responses={
        200: {"model": IntakeAnswer, "description": "Already received (same external id): nothing new created"},
        400: {"description": "Malformed JSON"},
        401: {"description": "Missing or wrong credentials (always the same answer)"},
        404: {"description": "Unknown source"},
        413: {"description": "Body larger than NOTIFIER_INTAKE_MAX_BODY_BYTES"},
        422: {"description": "Valid JSON the adapter cannot map; names the field"},
        429: {
            "description": "Over the source's rate limit (off by default), or too many wrong credentials from here; "
            "see Retry-After"
        },
        503: {
            "description": "The writer is behind (queue bound reached; see Retry-After) or the alert could not be "
            "stored: nothing acknowledged, nothing stored; retry"
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": GenericAlert.model_json_schema()}},
        }
    },
)
async def receive(source: str, request: Request) -> JSONResponse:
    intake = request.app.state.intake
    heap.freeze_once()
    adapter = ADAPTERS.get(source)
    if adapter is None:
        return _error(404, f"unknown intake source {source!r}; known: {', '.join(SOURCES)}")
    limit = intake.max_body_bytes
    check_declared_length(request, limit)
    guard = request.app.state.intake_guard  # 429s: notifier/http/ratelimit.py
    with guard.failures_of(request):  # a 401 counts against the client's address, not the source
        creds = auth.check_token(intake.credentials, source, auth.presented_token(request))
        body = await read_limited(request, limit)
        if creds.signing_secret:
            auth.check_signature(request, body, creds.signing_secret)
    guard.admit(source)  # the source's budget, spent only by authenticated requests
    raw, value = parse_json(body)
    try:
        alert = adapter(value)
    except Unmappable as exc:
        return _error(422, [{"loc": ["body", *exc.field.split(".")], "msg": exc.message, "type": "unmappable"}])
    try:
        outcome = await intake.writer.submit(source, alert, raw, creds.organisation_id)
    except Overloaded as exc:
        answer = problems.from_http_exception(503, exc.detail, {"Retry-After": retry_after_header(exc.retry_after)})
        answer.intake_refusal = exc.reason  # counted by reason in fast_path.py
        return answer
    except WriteFailed:
        # Nothing was stored, so nothing is acknowledged: the sender's retry is the right answer.
        return _error(503, "the alert could not be stored; retry later")
    answer = {"alert_id": outcome.alert_id, "incident_id": outcome.incident_id, "duplicate": outcome.duplicate}
    return JSONResponse(answer, status_code=200 if outcome.duplicate else 202)


def _source_out(row: IntakeSource | None, source: str, token: str | None = None) -> SourceOut:
    return SourceOut(
        source=source,
        has_token=bool(row and row.token_sha256),
        signature_required=bool(row and row.signing_secret),
        token=token,
        updated_by=row.updated_by if row else None,
    )


def _known(source: str) -> None:
    if source not in ADAPTERS:
        raise NotFound(f"intake source {source!r}")


@admin_router.get("", response_model=list[SourceOut])
def list_sources(request: Request, response: Response, page: paging.PageDep, session: SessionDep, _: PrincipalDep):
    rows = {r.source: r for r in session.exec(select(IntakeSource)).all()}
    return [_source_out(rows.get(s), s) for s in paging.sliced(request, response, page, list(SOURCES))]


@admin_router.put("/{source}", response_model=SourceOut)
def set_source(source: str, body: SourceCredentialsIn, request: Request, session: SessionDep, who: PrincipalDep):
    """Create or rotate the source's token (the new token is shown once) and set or clear its signing secret."""
    row, token = sources.change_credentials(
        session,
        source=source,
        actor=who.actor,
        rotate_token=body.rotate_token,
        signing_secret=body.signing_secret,
        clear_signing_secret=body.clear_signing_secret,
    )
    # After the commit: a request that refilled the cache before it would keep the old credentials.
    after_commit(session, request.app.state.intake.credentials.clear)
    return _source_out(row, source, token)


@admin_router.delete("/{source}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(source: str, request: Request, session: SessionDep, who: PrincipalDep):
    """Remove the source's own token and secret; NOTIFIER_INTAKE_TOKEN (if set) still works for it."""
    _known(source)
    row = sources.source_row(session, source)
    if row is None:
        raise NotFound(f"credentials for intake source {source!r}")
    session.delete(row)
    chain.append(session, actor=who.actor, event_type="intake.source_credentials_deleted", payload={"source": source})
    after_commit(session, request.app.state.intake.credentials.clear)


def alert_out(row: IntakeAlert, zone) -> AlertOut:  # noqa: ANN001
    return AlertOut(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        title=row.title,
        severity=SEVERITIES[row.severity],
        severity_original=row.severity_original,
        observed_at=instants.iso(row.observed_at, zone),
        received_at=instants.iso(row.received_at, zone),
        asset=row.asset,
        rule=row.rule,
        correlation_key=row.correlation_key,
        incident_id=row.incident_id,
    )


@incident_router.get("/{incident_id}/alerts", response_model=list[AlertOut])
def list_alerts(
    incident_id: int,
    request: Request,
    response: Response,
    page: paging.PageDep,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
):
    incidents.get(session, incident_id)
    zone = ctx.zone(session)
    rows = paging.sliced(request, response, page, list(grouping.alerts_of(session, incident_id)))
    return [alert_out(r, zone) for r in rows]


@incident_router.post(
    "/{incident_id}/merge",
    response_model=IncidentOut,
    responses={409: {"description": "The source incident is no longer in triage"}},
)
def merge(incident_id: int, body: MergeIn, session: SessionDep, ctx: ContextDep, who: PrincipalDep):
    """Move every alert of `from_incident_id` (still in triage) here; that incident becomes `merged`."""
    into = incidents.get(session, incident_id)
    source = incidents.get(session, body.from_incident_id)
    grouping.merge(session, into=into, source=source, actor=who.actor)
    return views.incident_out(session, ctx, into)


@incident_router.post("/{incident_id}/split", status_code=status.HTTP_201_CREATED, response_model=IncidentOut)
def split(incident_id: int, body: SplitIn, response: Response, session: SessionDep, ctx: ContextDep, who: PrincipalDep):
    """Move the given alerts to a new incident in triage; answers the new incident."""
    source = incidents.get(session, incident_id)
    target = grouping.split(session, source=source, alert_ids=body.alert_ids, title=body.title, actor=who.actor)
    response.headers["Location"] = f"/api/v1/incidents/{target.id}"
    return views.incident_out(session, ctx, target)
