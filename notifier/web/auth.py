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

from notifier import clock, tenancy
from notifier.accounts import memberships
from notifier.accounts.models import User
from notifier.accounts.roles import RANK, at_least
from notifier.deps import SessionDep
from notifier.organisation import service as organisation_service
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
class Membership:
    organisation_id: int
    slug: str
    name: str
    role: str


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, the organisation the pages are about (the session's choice among the user's
    memberships), the user's role there, and the request's language: handed to every page."""

    user: User
    lang: str
    organisation: Membership | None = None
    memberships: tuple[Membership, ...] = ()

    @property
    def role(self) -> str | None:
        return self.organisation.role if self.organisation else None

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.organisation_id if self.organisation else None


def memberships_of(session: Session, user: User) -> tuple[Membership, ...]:
    rows = memberships.of_user(session, user.id)
    names = {o.id: o for o in organisation_service.by_ids(session, [m.organisation_id for m in rows])}
    found = [
        Membership(m.organisation_id, names[m.organisation_id].slug, names[m.organisation_id].name, m.role)
        for m in rows
        if m.organisation_id in names
    ]
    return tuple(sorted(found, key=lambda m: (m.name.lower(), m.organisation_id)))


def highest_role(user: User, found: tuple[Membership, ...]) -> str | None:
    """The account's highest role anywhere: the second factor protects the account, so it follows the most
    powerful membership (an operator counts as an administrator)."""
    roles = [m.role for m in found] + (["administrator"] if user.operator else [])
    return max(roles, key=RANK.__getitem__) if roles else None


def choose_organisation(request: Request, found: tuple[Membership, ...]) -> Membership | None:
    """The session's organisation; `?org=<slug>` (the portfolio's links) switches to another of the user's."""
    asked = request.query_params.get("org")
    named = next((m for m in found if m.slug == asked), None) if asked else None
    if named is not None:
        request.session["org"] = named.organisation_id
    chosen = request.session.get("org")
    return next((m for m in found if m.organisation_id == chosen), found[0] if found else None)


def viewer_for(request: Request, session: Session, user: User) -> Viewer:
    found = memberships_of(session, user)
    return Viewer(
        user=user, lang=language_for(request, user), organisation=choose_organisation(request, found), memberships=found
    )


def bind_account(request: Request, session: Session, user: User | None) -> None:
    """Sign-in pages: an account's events (signed in, locked, signed out) go to the audit chain of the
    organisation the user works in, the default organisation's before the user is known."""
    chosen = None
    if user is not None:
        with tenancy.unscoped(session):
            chosen = choose_organisation(request, memberships_of(session, user))
    tenancy.bind(session, chosen.organisation_id if chosen else tenancy.DEFAULT_ORGANISATION_ID)


def _require(role: str, allow_unenrolled: bool = False, operator: bool = False):  # noqa: ANN202
    def dependency(request: Request, session: SessionDep) -> Viewer:
        # The user, the memberships and the organisations' names are read before the session is bound.
        with tenancy.unscoped(session):
            user = current_user(request, session)
            if user is None:
                if request.session.get("uid") and request.session.get("mfa") is False:
                    raise SignInRequired("second factor")
                request.session.clear()
                raise SignInRequired("no session")
            viewer = viewer_for(request, session, user)
        # A provider that asserted multi-factor authentication (and is trusted to: NOTIFIER_OIDC_TRUST_MFA) stands in
        # for the TOTP this role would otherwise have to enrol.
        by_provider = request.session.get("mfa_by") == "provider"
        needs_totp = (
            highest_role(user, viewer.memberships) in required_roles(request)
            and not user.totp_enabled
            and not by_provider
        )
        if needs_totp and not allow_unenrolled:
            raise EnrolmentRequired()
        if viewer.organisation is not None:
            tenancy.bind(session, viewer.organisation.organisation_id)
        else:
            # No membership (yet): only the account pages and, for an operator, the organisations page are open;
            # what they write (the account's audit entries) goes to the default organisation.
            tenancy.bind(session, tenancy.DEFAULT_ORGANISATION_ID)
        if operator:
            if not user.operator:
                raise Forbidden("role")
        elif not allow_unenrolled and (viewer.role is None or not at_least(viewer.role, role)):
            raise Forbidden("membership" if viewer.role is None else "role")
        return viewer

    return dependency


ViewerDep = Annotated[Viewer, Depends(_require("viewer"))]
OfficerDep = Annotated[Viewer, Depends(_require("officer"))]
AdminDep = Annotated[Viewer, Depends(_require("administrator"))]
EnrollingDep = Annotated[Viewer, Depends(_require("viewer", allow_unenrolled=True))]
OperatorDep = Annotated[Viewer, Depends(_require("viewer", operator=True))]


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
