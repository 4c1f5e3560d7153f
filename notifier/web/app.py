"""Wiring the web pages into the app: their routers, error pages, static files and the session cookie."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, StatementError
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from notifier.accounts import sso
from notifier.accounts.oidc import RelyingParty
from notifier.config import Settings
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.incidents.state_machine import TransitionNotAllowed
from notifier.web import (
    assistant,
    auth,
    calendar_page,
    dashboard,
    incidents,
    organisations,
    product_pages,
    records,
    reply,
    report_print,
    settings_pages,
    signin,
    token_pages,
)
from notifier.web import sso as sso_pages
from notifier.web.render import environment, render, see_other

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "meldplicht_session"


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(auth.SignInRequired)
    async def _sign_in(request: Request, _: auth.SignInRequired) -> Response:
        if request.method in {"GET", "HEAD"}:
            target = "/signin/totp" if request.session.get("uid") and request.session.get("mfa") is False else "/signin"
            return see_other(target)
        return render(request, "forbidden.html.j2", reason="role", status_code=403)

    @app.exception_handler(auth.EnrolmentRequired)
    async def _enrol(request: Request, _: auth.EnrolmentRequired) -> Response:
        if request.method in {"GET", "HEAD"}:
            return see_other("/account/totp")
        return render(request, "forbidden.html.j2", reason="role", status_code=403)

    @app.exception_handler(auth.Forbidden)
    async def _forbidden(request: Request, exc: auth.Forbidden) -> Response:
        return render(request, "forbidden.html.j2", reason=exc.reason, status_code=403)


# Paths a program reads (the API, the calendar feeds, probes, the schema): their errors stay JSON.
MACHINE_PATHS = ("/api/", "/calendar/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc")


def _viewer(request: Request) -> auth.Viewer | None:
    """The signed-in user for an error page (its navigation and language), in a session of its own: the request's
    own may be the one that failed."""
    with Session(request.app.state.engine) as session:
        user = auth.current_user(request, session)
        return auth.viewer_for(request, session, user) if user is not None else None


def _pages_refuse_with_a_page(app: FastAPI) -> None:
    """The API's answers to bad input (main.py) are JSON; a web page gets a page with the same status instead. An
    address that names nothing (an unknown or malformed id) is the not-found page; anything else the app refused
    is the refusal page. Forms themselves answer their own page with the field marked; this is the net under them."""
    for kind in (NotFound, RequestValidationError, FieldProblem, Conflict, TransitionNotAllowed, OverflowError,
                 DataError, StatementError):  # fmt: skip
        api_answer = app.exception_handlers.get(kind)
        if api_answer is None:
            continue

        async def answer(request: Request, exc: Exception, api_answer=api_answer) -> Response:  # noqa: ANN001
            response = await api_answer(request, exc)  # also decides which DataError is bad input at all
            if request.url.path.startswith(MACHINE_PATHS) or not 400 <= response.status_code < 500:
                return response
            viewer = _viewer(request)
            named_nothing = isinstance(exc, NotFound | RequestValidationError | OverflowError | StatementError)
            if named_nothing and request.method in {"GET", "HEAD"}:
                return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
            return render(request, "refused.html.j2", viewer=viewer, status_code=response.status_code)

        app.add_exception_handler(kind, answer)


def _browsers_get_a_page_for_unknown_paths(app: FastAPI) -> None:
    """An address no route answers: a browser (it asks for text/html) gets the not-found page, a program and
    every machine path keep the problem+json answer of main.py."""
    api_answer = app.exception_handlers[StarletteHTTPException]

    async def answer(request: Request, exc: StarletteHTTPException) -> Response:
        wants_page = "text/html" in request.headers.get("accept", "")
        if exc.status_code != 404 or not wants_page or request.url.path.startswith(MACHINE_PATHS):
            return await api_answer(request, exc)
        return render(request, "not_found.html.j2", viewer=_viewer(request), status_code=404)

    app.add_exception_handler(StarletteHTTPException, answer)


def _favicon(app: FastAPI) -> None:
    """Browsers ask for /favicon.ico whatever the page links; the same small SVG answers it."""
    icon = STATIC_DIR / "favicon.svg"

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


def _single_sign_on(app: FastAPI, settings: Settings) -> None:
    """The relying party when an issuer is set; a claim mapping naming no role stops the start here."""
    app.state.oidc = None
    if not settings.oidc_issuer:
        return
    app.state.oidc_policy = sso.policy_from(settings)
    app.state.oidc = RelyingParty(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id or "",
        client_secret=settings.oidc_client_secret,
        redirect_uri=settings.base_url.rstrip("/") + "/signin/oidc/callback",
        scopes=settings.oidc_scopes,
    )


def install(app: FastAPI, settings: Settings) -> None:
    app.state.web_templates = environment(settings.templates_dir)
    _single_sign_on(app, settings)
    _handlers(app)
    _pages_refuse_with_a_page(app)
    _browsers_get_a_page_for_unknown_paths(app)
    _favicon(app)
    for module in (
        signin,
        sso_pages,
        dashboard,
        incidents,
        assistant,
        settings_pages,
        product_pages,
        organisations,
        token_pages,
        reply,
        report_print,
        records,
        calendar_page,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    # Pure ASGI middleware; it only reads the cookie, so the API and the SIEM intake pay next to nothing for it.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_idle_minutes * 60,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
