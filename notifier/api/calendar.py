"""Calendar feeds of open deadlines behind a secret token, and the API that shows or rotates that token."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from notifier import clock, tenancy
from notifier.accounts import memberships
from notifier.audit.models import AuditRecord
from notifier.calendar import tokens
from notifier.calendar.ics import Event, calendar
from notifier.calendar.models import CalendarToken, PortfolioCalendarToken
from notifier.deadlines.models import Deadline
from notifier.deadlines.rules import UNFILED
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.incidents.models import Incident

api_router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])
feed_router = APIRouter(tags=["calendar"])
OPEN = UNFILED


def _urls(request: Request, token: str) -> dict:
    base = request.app.state.settings.base_url.rstrip("/")
    return {
        "url": f"{base}/calendar/{token}.ics",
        "incident_url_template": f"{base}/calendar/{token}/incidents/{{id}}.ics",
    }


@api_router.get("/token")
def show_token(request: Request, session: SessionDep, who: PrincipalDep):
    """The organisation's calendar URL (made on first use). Anyone with the URL can read the deadlines."""
    token = tokens.organisation_token(session, rotate=False, actor=who.actor)
    return _urls(request, token)


@api_router.post("/token")
def rotate_token(request: Request, session: SessionDep, who: PrincipalDep):
    """A new secret; subscriptions to the old URL stop working."""
    token = tokens.organisation_token(session, rotate=True, actor=who.actor)
    return _urls(request, token)


def _check(session: Session, token: str) -> None:
    """The feed's organisation from its secret; the session is bound to it from here on."""
    with tenancy.unscoped(session):
        row = session.exec(select(CalendarToken).where(CalendarToken.token == token)).first()
    if row is None:
        raise HTTPException(404, "not found")
    tenancy.bind(session, row.organisation_id)


def installation_id(session: Session) -> str:
    """Part of every UID: the hash of the first audit record, fixed for the life of the database whatever the base
    URL, and different between installations (one client may subscribe to two organisations' feeds); the same
    in an organisation's feed and in a portfolio feed, so one deadline is one event in a calendar holding both."""
    with tenancy.unscoped(session):
        first = session.exec(select(AuditRecord.hash).order_by(AuditRecord.id).limit(1)).first()
    return (first or "0" * 16)[:16]


FLAG = {"nl": " (voorlopig)", "en": " (provisional)"}
# An organisation's own target ("without undue delay", AVG art. 34), not a legal deadline.
TARGET = {"nl": " (streefdatum)", "en": " (target)"}


def _text(value, lang: str) -> str:  # noqa: ANN001
    return getattr(value, lang, None) or value.nl


def _feed(request: Request, session: Session, ctx, incident_id: int | None) -> Response:  # noqa: ANN001
    registry = ctx.registry
    settings = request.app.state.settings
    lang = settings.mail_language  # the organisation's language, as in its mails
    query = (
        select(Deadline, Incident)
        .join(Incident, Incident.id == Deadline.incident_id)
        .where(Deadline.status.in_(OPEN), Deadline.due.is_not(None), Deadline.submitted_at.is_(None))
    )
    if incident_id is not None:
        query = query.where(Deadline.incident_id == incident_id)
    base = settings.base_url.rstrip("/")
    suffix = f"@meldplicht-{installation_id(session)}"
    events = []
    for deadline, incident in session.exec(query.order_by(Deadline.due, Deadline.id)).all():
        workflow = registry.get(deadline.regime)
        stage = workflow.stages.get(deadline.stage) if workflow else None
        title = _text(stage.title, lang) if stage else deadline.stage
        regime = _text(workflow.title, lang) if workflow else deadline.regime
        flag = FLAG[lang] if deadline.provisional else ""
        if workflow is not None and workflow.is_target(deadline.stage, deadline.sequence):
            flag += TARGET[lang]
        events.append(
            Event(
                uid=f"deadline-{deadline.incident_id}-{deadline.regime}-{deadline.stage}-{deadline.sequence}{suffix}",
                start=deadline.due,
                summary=f"{title}{flag}: #{incident.id} {incident.title}",
                description=f"{deadline.legal_basis} ({regime})\n{base}/incidents/{incident.id}",
                url=f"{base}/incidents/{incident.id}",
            )
        )
    events.sort(key=lambda e: e.start)
    name = "meldplicht" if incident_id is None else f"meldplicht #{incident_id}"
    body = calendar(name, events, stamp=clock.now())
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "no-store"})


@feed_router.get("/calendar/{token}.ics", include_in_schema=False)
def organisation_feed(token: str, request: Request, session: SessionDep, ctx: ContextDep):
    _check(session, token)
    return _feed(request, session, ctx, None)


@feed_router.get("/calendar/portfolio/{token}.ics", include_in_schema=False)
def portfolio_feed(token: str, request: Request, session: SessionDep, ctx: ContextDep):
    """Every open deadline of every organisation the token's user belongs to, in one feed."""
    row = session.exec(select(PortfolioCalendarToken).where(PortfolioCalendarToken.token == token)).first()
    ids = [m.organisation_id for m in memberships.of_user(session, row.user_id)] if row else []
    if not ids:
        raise HTTPException(404, "not found")
    tenancy.bind(session, ids)
    return _feed(request, session, ctx, None)


@feed_router.get("/calendar/{token}/incidents/{incident_id}.ics", include_in_schema=False)
def incident_feed(token: str, incident_id: int, request: Request, session: SessionDep, ctx: ContextDep):
    _check(session, token)
    if session.get(Incident, incident_id) is None:
        raise HTTPException(404, "not found")
    return _feed(request, session, ctx, incident_id)
