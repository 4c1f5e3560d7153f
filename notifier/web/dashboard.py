"""The dashboard: what is due next, at a glance."""

from fastapi import APIRouter, Request

from notifier import clock
from notifier.deps import ContextDep, SessionDep
from notifier.errors import FieldProblem
from notifier.intake.alert import SEVERITIES
from notifier.organisation import service as organisation
from notifier.web import board
from notifier.web.auth import ViewerDep
from notifier.web.forms import MAX_INT, form_int
from notifier.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep, page: str = "1"):
    zone, now = ctx.zone(session), clock.now()
    # A page number that is not one shows the first page (a hand-edited address is not worth an error page); one past
    # the last shows the last (board.board clamps).
    try:
        number = form_int("page", page, viewer.lang, minimum=1) or 1
    except FieldProblem:
        number = MAX_INT if page.strip().isascii() and page.strip().isdigit() else 1
    shown = board.board(session, ctx.registry, zone, now, viewer.lang, page=number)
    return render(
        request,
        "dashboard.html.j2",
        viewer=viewer,
        rows=shown.rows,
        board=shown,
        triage=board.triage(session),
        alerts=board.recent_alerts(session),
        severities=SEVERITIES,
        when=lambda v: board.when(v, zone, viewer.lang),
        now=now,
        org=organisation.get(session),
    )
