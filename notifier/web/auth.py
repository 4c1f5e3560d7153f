"""The signed session, CSRF tokens and the role each page needs (identity itself: notifier/accounts/).

The session lives in a signed cookie (Starlette's SessionMiddleware, keyed by NOTIFIER_SECRET_KEY). Signed is not
secret: anyone holding the cookie can read it, so it carries nothing confidential. It carries the user id, a
per-session CSRF token, whether the second factor was passed, the last activity (idle timeout), when the session
began (absolute lifetime) and the user's session generation: sign-out and a password change bump the number on the
user row, which turns every cookie issued before into a stranger (a signed cookie cannot be recalled otherwise).
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from notifier import clock
from notifier.accounts.models import User
from notifier.accounts.roles import at_least
from notifier.deps import SessionDep
from notifier.web.i18n import language_for


class SignInRequired(Exception):
    """No valid session: GET pages redirect to /signin, POSTs answer 403."""


class Forbidden(Exception):
    """Signed in, but the role is too low or the CSRF token is missing or wrong (403 page)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EnrolmentRequired(Exception):
    """The role must use TOTP and this user has not set it up yet: only the enrolment page is open."""


def required_roles(request: Request) -> set[str]:
    raw = request.app.state.settings.totp_required_roles
    return {r.strip() for r in raw.split(",") if r.strip()}


# --- the session -----------------------------------------------------------------------------------------------


def start_session(request: Request, user: User, *, second_factor_done: bool) -> None:
    request.session.clear()
    request.session.update(
        uid=user.id,
        csrf=secrets.token_urlsafe(32),
        mfa=second_factor_done,
        seen=clock.now().timestamp(),
        born=clock.now().timestamp(),
        gen=user.session_generation,
    )


def csrf_token(request: Request) -> str:
    """The session's CSRF token; an anonymous visitor (sign-in page) gets one too."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, given: str | None) -> None:
    expected = request.session.get("csrf")
    # Bytes, not str: compare_digest raises TypeError for a str with a non-ASCII character.
    if not expected or not given or not hmac.compare_digest(str(given).encode(), str(expected).encode()):
        raise Forbidden("csrf")


def _expired(request: Request) -> bool:
    """Idle too long, or older than the absolute lifetime (activity renews the first, never the second)."""
    settings = request.app.state.settings
    seen, born = request.session.get("seen"), request.session.get("born")
    now = clock.now()
    # A cookie without "born" was issued before the absolute lifetime existed: its age is unknown, so it ends.
    if seen is None or born is None:
        return True
    if now - datetime.fromtimestamp(born, tz=now.tzinfo) > timedelta(hours=settings.session_max_hours):
        return True
    if now - datetime.fromtimestamp(seen, tz=now.tzinfo) > timedelta(minutes=settings.session_idle_minutes):
        return True
    request.session["seen"] = now.timestamp()
    return False


def pending_user(request: Request, session: Session) -> User | None:
    """The user who gave the right password but not (yet) the second factor."""
    uid = request.session.get("uid")
    if uid is None or _expired(request):
        return None
    user = session.get(User, uid)
    # Cookies from before this change carry no "gen": they belong to generation 0, which the column starts at.
    if user is None or request.session.get("gen", 0) != user.session_generation:
        return None
    return user


def current_user(request: Request, session: Session) -> User | None:
    user = pending_user(request, session)
    if user is None:
        return None
    if user.totp_enabled and not request.session.get("mfa"):
        return None
    return user


@dataclass(frozen=True)
class Viewer:
    """The signed-in user and the request's language, handed to every page."""

    user: User
    lang: str


def _require(role: str, allow_unenrolled: bool = False):  # noqa: ANN202
    def dependency(request: Request, session: SessionDep) -> Viewer:
        user = current_user(request, session)
        if user is None:
            if request.session.get("uid") and request.session.get("mfa") is False:
                raise SignInRequired("second factor")
            request.session.clear()
            raise SignInRequired("no session")
        needs_totp = user.role in required_roles(request) and not user.totp_enabled
        if needs_totp and not allow_unenrolled:
            raise EnrolmentRequired()
        if not at_least(user.role, role):
            raise Forbidden("role")
        return Viewer(user=user, lang=language_for(request, user))

    return dependency


ViewerDep = Annotated[Viewer, Depends(_require("viewer"))]
OfficerDep = Annotated[Viewer, Depends(_require("officer"))]
AdminDep = Annotated[Viewer, Depends(_require("administrator"))]
EnrollingDep = Annotated[Viewer, Depends(_require("viewer", allow_unenrolled=True))]


async def form_data(request: Request) -> dict[str, str]:
    """The posted form after checking its CSRF token (every web POST goes through here)."""
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    data: dict[str, str] = {}
    for key, value in form.multi_items():
        if key == "csrf_token" or not isinstance(value, str):
            continue
        data[key] = value if key not in data else data[key] + "\n" + value
    return data


FormDep = Annotated[dict[str, str], Depends(form_data)]
