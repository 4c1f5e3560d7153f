"""The organisation's calendar subscription from the pages: the feed address of its open deadlines (the API's
/api/v1/calendar/token), shown once in the answer to the button rather than on every visit, with how to subscribe.
Anyone holding the address reads the deadlines, so it is never put into the page a browser keeps in its history."""

from fastapi import APIRouter, Request

from notifier.accounts import passwords
from notifier.accounts.roles import at_least
from notifier.calendar import tokens
from notifier.deps import SessionDep
from notifier.web.auth import Forbidden, FormDep, ViewerDep
from notifier.web.render import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, viewer, feed: str | None = None, rotated: bool = False):  # noqa: ANN001
    webcal = "webcal://" + feed.split("://", 1)[1] if feed else None
    return render(request, "account_calendar.html.j2", viewer=viewer, feed=feed, webcal=webcal, rotated=rotated)


@router.get("/account/calendar")
def calendar_page(request: Request, viewer: ViewerDep):
    return _page(request, viewer)


@router.post("/account/calendar")
def calendar_address(request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep):
    """Made on first use; a new secret (every subscription to the old one stops) only by an officer, as the API's
    rotation ends everyone's subscription."""
    rotate = form.get("rotate") == "yes"
    if rotate and not at_least(viewer.role or "viewer", "officer"):
        raise Forbidden("role")
    token = tokens.organisation_token(session, rotate=rotate, actor=passwords.actor(viewer.user))
    base = request.app.state.settings.base_url.rstrip("/")
    return _page(request, viewer, feed=f"{base}/calendar/{token}.ics", rotated=rotate)
