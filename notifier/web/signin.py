"""Sign-in (password, then TOTP), sign-out, and the account page: language and TOTP enrolment."""

import base64
import io
import math

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from notifier import clock
from notifier.audit import chain
from notifier.deps import SessionDep
from notifier.operations.ratelimit import retry_after_header
from notifier.web import auth, throttle
from notifier.web.auth import EnrollingDep, FormDep
from notifier.web.i18n import LANGUAGES, t
from notifier.web.pages import render, see_other

router = APIRouter(include_in_schema=False)
log = structlog.get_logger("notifier.web")


@router.get("/signin")
def signin_page(request: Request):
    return render(request, "signin.html.j2", values={}, error=None)


def _too_many(request: Request, exc: throttle.TooManySignIns, template: str, **context) -> Response:  # noqa: ANN003
    """429 with Retry-After: the page again with the message, or JSON for a client that asks for JSON."""
    log.warning("signin.throttled", client=throttle.client_of(request), retry_after=round(exc.retry_after))
    headers = {"Retry-After": retry_after_header(exc.retry_after)}
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        detail = "too many failed sign-ins from this address; retry later"
        body = {"detail": detail, "retry_after": int(headers["Retry-After"])}
        return JSONResponse(body, status_code=429, headers=headers)
    lang = context.pop("lang", None) or _lang(request, None)
    minutes = max(1, math.ceil(exc.retry_after / 60))
    # An already translated text: t() hands back any string that is not a catalogue key unchanged.
    message = t("too_many_signins", lang).format(minutes=minutes)
    page = render(request, template, lang=lang, error=message, status_code=429, **context)
    page.headers.update(headers)
    return page


@router.post("/signin")
def signin(request: Request, session: SessionDep, form: FormDep):
    email = form.get("email", "")
    try:
        attempt = throttle.begin(session, request)  # before the password is even looked at
    except throttle.TooManySignIns as exc:
        return _too_many(request, exc, "signin.html.j2", values={"email": email})
    user = auth.authenticate(session, email, form.get("password", ""))
    session.commit()
    if user is not None:
        attempt.succeeded()
    if user is None:
        from sqlmodel import select

        from notifier.web.models import User

        known = session.exec(select(User).where(User.email == email.strip().lower())).first()
        key = "locked" if auth.is_locked(known) else "bad_credentials"
        return render(request, "signin.html.j2", values={"email": email}, error=key, status_code=401)
    auth.start_session(request, user, second_factor_done=not user.totp_enabled)
    if user.totp_enabled:
        return see_other("/signin/totp")
    _signed_in(session, user)
    return see_other("/")


def _signed_in(session, user) -> None:  # noqa: ANN001
    user.last_login_at = clock.now()
    session.add(user)
    chain.append(session, actor=auth.actor(user), event_type="user.signed_in", payload={"email": user.email})
    session.commit()


@router.get("/signin/totp")
def totp_page(request: Request, session: SessionDep):
    user = auth.pending_user(request, session)
    if user is None:
        return see_other("/signin")
    return render(request, "signin_totp.html.j2", lang=_lang(request, user), error=None)


def _lang(request: Request, user) -> str:  # noqa: ANN001
    from notifier.web.i18n import language_for

    return language_for(request, user)


@router.post("/signin/totp")
def totp_verify(request: Request, session: SessionDep, form: FormDep):
    user = auth.pending_user(request, session)
    if user is None:
        return see_other("/signin")
    try:
        attempt = throttle.begin(session, request)  # six digits are guessable too: wrong codes count as failed sign-ins
    except throttle.TooManySignIns as exc:
        return _too_many(request, exc, "signin_totp.html.j2", lang=_lang(request, user))
    if not auth.totp_ok(user.totp_secret, form.get("code", "")):
        return render(request, "signin_totp.html.j2", lang=_lang(request, user), error="totp_wrong", status_code=401)
    attempt.succeeded()
    auth.start_session(request, user, second_factor_done=True)
    _signed_in(session, user)
    return see_other("/")


@router.post("/signout")
def signout(request: Request, session: SessionDep, form: FormDep):
    # Also a session waiting for its second factor: a copy of that cookie must not finish the sign-in later.
    user = auth.pending_user(request, session)
    if user is not None:
        auth.end_sessions(session, user)
        session.commit()
    request.session.clear()
    return see_other("/signin")


@router.get("/account")
def account(request: Request, viewer: EnrollingDep):
    return render(request, "account.html.j2", viewer=viewer, languages=LANGUAGES, saved=False, errors={})


@router.post("/account")
def account_save(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep):
    user = viewer.user
    choice = form.get("language") or None
    user.language = choice if choice in LANGUAGES else None
    session.add(user)
    session.commit()
    return see_other("/account")


@router.post("/account/password")
def password_change(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep):
    from notifier.errors import FieldProblem

    try:
        auth.change_password(
            session, user=viewer.user, current=form.get("current_password", ""), new=form.get("password", "")
        )
        session.commit()
        request.session["gen"] = viewer.user.session_generation  # this session goes on; all others ended
    except FieldProblem as exc:
        session.rollback()
        return render(
            request,
            "account.html.j2",
            viewer=viewer,
            languages=LANGUAGES,
            saved=False,
            errors={exc.field: exc.message},
            status_code=422,
        )
    return render(request, "account.html.j2", viewer=viewer, languages=LANGUAGES, saved=True, errors={})


def _qr_svg(uri: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@router.get("/account/totp")
def totp_setup(request: Request, session: SessionDep, viewer: EnrollingDep):
    user = viewer.user
    if user.totp_enabled:
        return render(request, "totp_setup.html.j2", viewer=viewer, enabled=True, secret=None, uri=None, qr=None)
    # The secret waits in the session until a code proves the app has it; only then is it stored.
    secret = request.session.get("totp_pending") or auth.new_totp_secret()
    request.session["totp_pending"] = secret
    uri = auth.totp_uri(user, secret)
    return render(
        request,
        "totp_setup.html.j2",
        viewer=viewer,
        enabled=False,
        secret=secret,
        uri=uri,
        qr=_qr_svg(uri),
        error=None,
    )


@router.post("/account/totp")
def totp_enrol(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep) -> Response:
    user = viewer.user
    secret = request.session.get("totp_pending")
    if user.totp_enabled:
        return see_other("/account/totp")
    if not secret or not auth.totp_ok(secret, form.get("code", "")):
        secret = secret or auth.new_totp_secret()
        request.session["totp_pending"] = secret
        uri = auth.totp_uri(user, secret)
        return render(
            request,
            "totp_setup.html.j2",
            viewer=viewer,
            enabled=False,
            secret=secret,
            uri=uri,
            qr=_qr_svg(uri),
            error=t("totp_wrong", viewer.lang),
            status_code=422,
        )
    user.totp_secret, user.totp_enabled = secret, True
    session.add(user)
    chain.append(session, actor=auth.actor(user), event_type="user.totp_enabled", payload={"email": user.email})
    session.commit()
    request.session.pop("totp_pending", None)
    request.session["mfa"] = True
    return see_other("/")
