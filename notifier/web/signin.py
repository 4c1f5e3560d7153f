"""Sign-in (password, then TOTP), sign-out, and the account page: language and TOTP enrolment."""

import base64
import io
import math

import segno
import structlog
from fastapi import APIRouter, Request
from fastapi.responses import Response

from notifier import clock, problems
from notifier.accounts import passwords, totp
from notifier.accounts.users import end_sessions
from notifier.audit import chain
from notifier.db import after_commit
from notifier.deps import SessionDep
from notifier.errors import FieldProblem
from notifier.http.ratelimit import retry_after_header
from notifier.web import auth, throttle
from notifier.web.auth import EnrollingDep, FormDep
from notifier.web.i18n import LANGUAGES, language_for, t
from notifier.web.refusals import field_errors
from notifier.web.render import render, see_other

router = APIRouter(include_in_schema=False)
log = structlog.get_logger("notifier.web")


@router.get("/signin")
def signin_page(request: Request):
    return render(request, "signin.html.j2", values={}, error=None)


def password_signin_off(request: Request) -> bool:
    return not request.app.state.settings.password_signin


def _too_many(request: Request, exc: throttle.TooManySignIns, template: str, **context) -> Response:  # noqa: ANN003
    """429 with Retry-After: the page again with the message, or problem details for a client that asks for JSON."""
    log.warning("signin.throttled", client=throttle.client_of(request), retry_after=round(exc.retry_after))
    headers = {"Retry-After": retry_after_header(exc.retry_after)}
    accept = request.headers.get("accept", "")
    if ("application/json" in accept or problems.MEDIA_TYPE in accept) and "text/html" not in accept:
        detail = "too many failed sign-ins from this address; retry later"
        return problems.problem(429, detail, headers=headers, retry_after=int(headers["Retry-After"]))
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
    if password_signin_off(request):
        return render(request, "signin.html.j2", values={}, error="password_signin_off", status_code=403)
    auth.bind_account(request, session, None)
    try:
        attempt = throttle.begin(request)  # before the password is even looked at
    except throttle.TooManySignIns as exc:
        return _too_many(request, exc, "signin.html.j2", values={"email": email})
    # The failure counts of the account (authenticate) are part of this request's unit of work, committed when it
    # answers, 401 included; the client's attempt is taken back only once that commit is in.
    user = passwords.authenticate(session, email, form.get("password", ""))
    if user is not None:
        after_commit(session, attempt.succeeded)
    auth.bind_account(request, session, user)
    if user is None:
        # The same answer for an unknown address, a wrong password and a locked account (no enumeration).
        return render(request, "signin.html.j2", values={"email": email}, error="bad_credentials", status_code=401)
    auth.start_session(request, user, second_factor_done=not user.totp_enabled)
    if user.totp_enabled:
        return see_other("/signin/totp")
    signed_in(session, user, method="password")
    return see_other("/")


def signed_in(session, user, *, method: str, multi_factor_by_provider: bool = False) -> None:  # noqa: ANN001
    user.last_login_at = clock.now()
    session.add(user)
    payload = {"email": user.email, "method": method}
    if multi_factor_by_provider:
        payload["second_factor"] = "provider"
    chain.append(session, actor=passwords.actor(user), event_type="user.signed_in", payload=payload)


@router.get("/signin/totp")
def totp_page(request: Request, session: SessionDep):
    user = auth.pending_user(request, session)
    if user is None:
        return see_other("/signin")
    return render(request, "signin_totp.html.j2", lang=_lang(request, user), error=None)


def _lang(request: Request, user) -> str:  # noqa: ANN001
    return language_for(request, user)


@router.post("/signin/totp")
def totp_verify(request: Request, session: SessionDep, form: FormDep):
    if request.session.get("uid") is None:
        return see_other("/signin")
    # Counted before the request's session reads the user (throttle's docstring says why); six digits are
    # guessable too: wrong codes count as failed sign-ins.
    try:
        attempt = throttle.begin(request)
    except throttle.TooManySignIns as exc:
        user = auth.pending_user(request, session)
        if user is None:
            return see_other("/signin")
        return _too_many(request, exc, "signin_totp.html.j2", lang=_lang(request, user))
    user = auth.pending_user(request, session)
    if user is None:
        after_commit(session, attempt.succeeded)  # no attempt was made
        return see_other("/signin")
    auth.bind_account(request, session, user)
    right = totp.second_factor(session, user, form.get("code", ""), now=clock.now())
    if not right:
        error = "locked" if passwords.is_locked(user) else "totp_wrong"
        return render(request, "signin_totp.html.j2", lang=_lang(request, user), error=error, status_code=401)
    after_commit(session, attempt.succeeded)
    by_provider = bool(request.session.get("sso"))
    auth.start_session(request, user, second_factor_done=True)
    if by_provider:
        request.session["sso"] = True
    signed_in(session, user, method="oidc" if by_provider else "password")
    return see_other("/")


@router.post("/signout")
def signout(request: Request, session: SessionDep, form: FormDep):
    # Also a session waiting for its second factor: a copy of that cookie must not finish the sign-in later.
    user = auth.pending_user(request, session)
    auth.bind_account(request, session, user)
    if user is not None:
        end_sessions(session, user)
    by_provider = request.session.get("sso")
    request.session.clear()
    party = getattr(request.app.state, "oidc", None)
    if by_provider and party is not None:
        # RP-Initiated Logout: the provider's session ends too, or the next "sign in" would pass straight through.
        url = party.logout_url(request.app.state.settings.base_url.rstrip("/") + "/signin")
        if url:
            return see_other(url)
    return see_other("/signin")


def _account_page(request: Request, session, viewer, *, saved: bool, errors: dict, status_code: int = 200):  # noqa: ANN001
    return render(
        request,
        "account.html.j2",
        viewer=viewer,
        languages=LANGUAGES,
        saved=saved,
        errors=errors,
        recovery_left=totp.recovery_codes_left(session, viewer.user) if viewer.user.totp_enabled else None,
        status_code=status_code,
    )


@router.get("/account")
def account(request: Request, session: SessionDep, viewer: EnrollingDep):
    return _account_page(request, session, viewer, saved=False, errors={})


@router.post("/account")
def account_save(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep):
    user = viewer.user
    choice = form.get("language") or None
    user.language = choice if choice in LANGUAGES else None
    session.add(user)
    return see_other("/account")


@router.post("/account/password")
def password_change(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep):
    if password_signin_off(request):
        raise auth.Forbidden("password sign-in is switched off")
    try:
        passwords.change_password(
            session, user=viewer.user, current=form.get("current_password", ""), new=form.get("password", "")
        )
        request.session["gen"] = viewer.user.session_generation  # this session goes on; all others ended
    except FieldProblem as exc:
        session.rollback()
        return _account_page(
            request,
            session,
            viewer,
            saved=False,
            errors=field_errors(exc, viewer.lang),
            status_code=422,
        )
    return _account_page(request, session, viewer, saved=True, errors={})


@router.post("/account/recovery-codes")
def recovery_codes_new(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep):
    """A fresh set of recovery codes, shown once; the old set stops working."""
    user = viewer.user
    if not user.totp_enabled:
        return see_other("/account/totp")
    codes = totp.new_recovery_codes(session, user, now=clock.now())
    return render(request, "recovery_codes.html.j2", viewer=viewer, codes=codes)


def _qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _setup_page(request: Request, viewer, secret: str, error: str | None = None, status_code: int = 200):  # noqa: ANN001
    uri = totp.uri(viewer.user, secret)
    return render(
        request,
        "totp_setup.html.j2",
        viewer=viewer,
        enabled=False,
        secret=secret,
        uri=uri,
        qr=_qr_svg(uri),
        error=error,
        status_code=status_code,
    )


def _pending_secret(session, user) -> str:  # noqa: ANN001
    """The secret waits on the user row, not in the (readable) session cookie, until a code proves the app has it."""
    if not user.totp_pending_secret:
        user.totp_pending_secret = totp.new_secret()
        session.add(user)
    return user.totp_pending_secret


@router.get("/account/totp")
def totp_setup(request: Request, session: SessionDep, viewer: EnrollingDep):
    user = viewer.user
    if user.totp_enabled:
        return render(request, "totp_setup.html.j2", viewer=viewer, enabled=True, secret=None, uri=None, qr=None)
    return _setup_page(request, viewer, _pending_secret(session, user))


@router.post("/account/totp")
def totp_enrol(request: Request, session: SessionDep, viewer: EnrollingDep, form: FormDep) -> Response:
    user = viewer.user
    if user.totp_enabled:
        return see_other("/account/totp")
    request.session.pop("totp_pending", None)  # where cookies from before kept it
    secret = _pending_secret(session, user)
    codes = totp.enrol(session, user, form.get("code", ""), now=clock.now())
    if codes is None:
        return _setup_page(request, viewer, secret, error=t("totp_wrong", viewer.lang), status_code=422)
    request.session["mfa"] = True
    # Shown once, in this answer only: the recovery codes are stored as hashes.
    return render(request, "recovery_codes.html.j2", viewer=viewer, codes=codes)
