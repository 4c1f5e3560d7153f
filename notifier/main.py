"""create_app(): settings, workflows, database, routers and error handlers."""

import secrets
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from notifier import __version__, migrate, problems, scheduler
from notifier.api import assessments as assessment_routes
from notifier.api import calendar as calendar_routes
from notifier.api import incidents as incident_routes
from notifier.api import organisation as organisation_routes
from notifier.api import organisations as organisations_routes
from notifier.api import processors as processor_routes
from notifier.api import products as product_routes
from notifier.api import submissions as submission_routes
from notifier.audit import checkpoint
from notifier.config import Settings, get_settings
from notifier.context import Context
from notifier.db import make_engine
from notifier.errors import Conflict, FieldProblem, NotFound, PreconditionFailed
from notifier.http import ratelimit
from notifier.http.access import RequestContext
from notifier.http.headers import SecurityHeaders
from notifier.http.json_text import JsonTextGuard
from notifier.http.methods import Methods
from notifier.incidents.state_machine import TransitionNotAllowed
from notifier.intake import heap
from notifier.intake import setup as intake_setup
from notifier.intake.counters import QueueCollector
from notifier.intake.fast_path import IntakeFastPath
from notifier.logging import configure_logging
from notifier.operations import docs, health, metrics, openapi, telemetry
from notifier.web import app as web_app
from notifier.workflow import load_registry
from notifier.workflow.events import event_union

log = structlog.get_logger("notifier")

DESCRIPTION = """
meldplicht tracks security incidents through the Dutch Cyberbeveiligingswet (NIS2) and AVG (GDPR) reporting
deadlines. Every endpoint under `/api/v1` needs `Authorization: Bearer <token>`. Instants are stored in UTC and
answered in the organisation's time zone (ISO 8601 with offset).
"""


# Answers any operation can give (the bearer-token check, NotFound from any service), so the schema names them.
COMMON_RESPONSES = {
    401: {"description": "Missing or wrong bearer token"},
    404: {"description": "Not found (the path or a resource it names)"},
}


def _bootstrap_token(settings: Settings) -> str | None:
    """In development without NOTIFIER_API_TOKEN, make one and keep it in var/api-token (mode 0600)."""
    if settings.api_token:
        return settings.api_token
    if settings.env == "production":
        return None
    path = Path(settings.var_dir) / "api-token"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path.write_text(token + "\n")
    path.chmod(0o600)
    log.warning("auth.token_generated", path=str(path), hint="set NOTIFIER_API_TOKEN to choose your own")
    return token


def _named(error: dict) -> dict:
    """A validation error whose location names the field; a bad or missing event `type` names `type`."""
    loc = list(error.get("loc", ()))
    kind = error.get("type", "")
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        loc.append("type")
    return {"loc": loc, "msg": error.get("msg", ""), "type": kind}


def _out_of_range_field(request: Request) -> dict:
    candidates = [("path", k, v) for k, v in request.path_params.items()]
    candidates += [("query", k, v) for k, v in request.query_params.items()]
    for where, name, value in candidates:
        try:
            too_big = abs(int(str(value))) > 2**31 - 1
        except ValueError:
            continue
        if too_big:
            return {"loc": [where, name], "msg": "number out of range", "type": "out_of_range"}
    return {"loc": ["body"], "msg": "a number is out of range", "type": "out_of_range"}


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        return problems.from_http_exception(exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound):
        return problems.problem(404, str(exc))

    @app.exception_handler(TransitionNotAllowed)
    async def _not_allowed(_: Request, exc: TransitionNotAllowed):
        return problems.problem(
            409,
            str(exc),
            type_=problems.TRANSITION_NOT_ALLOWED,
            title="The incident's state does not allow this event",
            current_state=exc.current_state,
            allowed_events=exc.allowed_events,
        )

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict):
        return problems.problem(409, str(exc))

    @app.exception_handler(PreconditionFailed)
    async def _stale(_: Request, exc: PreconditionFailed):
        return problems.problem(
            412, str(exc), type_=problems.STALE_VERSION, title="The resource changed since it was read"
        )

    @app.exception_handler(FieldProblem)
    async def _field(_: Request, exc: FieldProblem):
        return problems.invalid([{"loc": ["body", exc.field], "msg": exc.message, "type": exc.kind}])

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        return problems.invalid([_named(e) for e in exc.errors()])

    # A number too large for the database's integer column (an id of 2**70 in a path): SQLite raises OverflowError,
    # PostgreSQL a DataError. Found by fuzzing; it is bad input, so 422 naming the parameter, not a 500.
    # An instant or number the driver cannot bind at all (year 1 at +01:00 is before datetime.min in UTC) arrives
    # wrapped in a StatementError; it is the same bad input.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    @app.exception_handler(StatementError)
    async def _out_of_range(request: Request, exc: Exception):
        if type(exc) is StatementError:
            if not isinstance(exc.orig, OverflowError):
                raise exc
            return problems.invalid([_out_of_range_field(request)])
        if isinstance(exc, DataError) and "cannot contain NUL" in str(exc.orig):
            # PostgreSQL text cannot hold U+0000 (SQLite can); found by fuzzing. Bad input: 422, not a 500.
            problem = {"loc": ["body"], "msg": "text must not contain NUL (U+0000) characters", "type": "nul_character"}
            return problems.invalid([problem])
        if isinstance(exc, DataError) and "out of range" not in str(exc.orig):
            raise exc
        return problems.invalid([_out_of_range_field(request)])


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    registry = load_registry(settings.workflows_dir)
    if settings.migrate_on_start:
        migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url, synchronous=settings.sqlite_synchronous)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.scheduler = scheduler.start(engine, settings, registry) if settings.scheduler_enabled else None
        yield
        if app.state.scheduler is not None:
            app.state.scheduler.shutdown(wait=True)
        intake_setup.shutdown(app)
        engine.dispose()

    app = FastAPI(
        title="meldplicht",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=COMMON_RESPONSES,
        generate_unique_id_function=openapi.operation_id,
        docs_url=None,  # notifier/operations/docs.py serves /docs without a CDN
        redoc_url=None,  # ReDoc has no packaged assets; /docs is the one documentation page
        # FastAPI's built-in OpenTelemetry hook asks the (unconfigured) providers on every request, a few per cent of
        # the intake's CPU; the service exports Prometheus metrics at /metrics instead.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.registry = registry
    app.state.context = Context(
        registry=registry,
        default_zone=settings.zone,
        templates_dir=settings.templates_dir,
        witness=checkpoint.Witness.from_settings(settings),
        competent_authorities=settings.competent_authorities,
    )
    app.state.api_token = _bootstrap_token(settings)
    _error_handlers(app)
    openapi.install(app)

    # Innermost: HEAD and OPTIONS get the request id, the security headers and the session like any GET.
    app.add_middleware(Methods, router=app.router)
    app.add_middleware(JsonTextGuard)  # lone surrogates and NUL in any JSON API body: 422 naming the field
    app.add_middleware(RequestContext, access_log=settings.access_log)

    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    app.state.metrics_registry = metrics.registry_for(engine)
    app.state.intake_guard = ratelimit.IntakeGuard.from_settings(settings)  # intake rate limits, per process
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(metrics.router)

    app.include_router(organisation_routes.router)
    app.include_router(organisations_routes.router)
    intake_setup.install(app, settings, engine)
    app.state.metrics_registry.register(QueueCollector(app.state.intake.writer.queue))
    app.include_router(assessment_routes.router)
    app.include_router(incident_routes.make_router(event_union(registry.event_models)))
    app.include_router(submission_routes.router)
    app.include_router(submission_routes.register_router)
    for router in (
        processor_routes.router,
        product_routes.router,
        calendar_routes.api_router,
        calendar_routes.feed_router,
    ):
        app.include_router(router)
    web_app.install(app, settings)  # the officer's web pages, sessions and /static (notifier/web)
    telemetry.install(app, settings)  # off unless NOTIFIER_OTEL_ENDPOINT / NOTIFIER_SENTRY_DSN is set
    app.add_middleware(
        IntakeFastPath, https=settings.base_url.startswith("https://"), access_log=settings.access_log
    )  # outermost: see its module
    return app


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The app as `notifier serve` runs it: built, then its start-up objects frozen out of the garbage collector's
    full passes (notifier/intake/heap.py). Not in create_app: tests build hundreds of apps in one process, and
    frozen objects are never collected."""
    app = create_app(settings)
    heap.freeze_start_up()
    return app
