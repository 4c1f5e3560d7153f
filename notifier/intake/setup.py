"""Wiring intake into the app: state (credentials, writer, limits) and routers."""

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import Engine

from notifier.config import Settings
from notifier.intake import routes
from notifier.intake.auth import CredentialStore
from notifier.intake.queue import QueueLimits
from notifier.intake.triage import TriageRule
from notifier.intake.writer import Writer, WriterConfig


class IntakeState:
    def __init__(self, settings: Settings, engine: Engine):
        self.max_body_bytes = settings.intake_max_body_bytes
        self.credentials = CredentialStore(engine, settings.intake_token)
        config = WriterConfig(
            database_url=settings.database_url,
            triage=TriageRule.from_settings(
                settings.intake_triage_min_severity, settings.intake_triage_source_min_severity
            ),
            window=timedelta(minutes=settings.intake_correlation_window_minutes),
            synchronous=settings.sqlite_synchronous,
        )
        self.writer = Writer(
            engine,
            config,
            mode=settings.intake_writer,
            max_batch=settings.intake_max_batch,
            limits=QueueLimits(
                max_alerts=settings.intake_queue_max_alerts,
                max_bytes=settings.intake_queue_max_bytes,
                max_wait_seconds=settings.intake_queue_max_wait_seconds,
            ),
        )


def install(app: FastAPI, settings: Settings, engine: Engine) -> None:
    app.state.intake = IntakeState(settings, engine)
    # The intake POST itself is answered by IntakeFastPath (fast_path.py) before routing; the route documents it.
    app.include_router(routes.intake_router)
    app.include_router(routes.admin_router)
    app.include_router(routes.incident_router)


def shutdown(app: FastAPI) -> None:
    """Let the writer finish and commit what it holds before the engine goes away."""
    intake = getattr(app.state, "intake", None)
    if intake is not None:
        intake.writer.stop()
