"""/healthz (alive) and /readyz (database reachable, migrations current, scheduler beating)."""

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from notifier import clock, migrate, scheduler

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict:
    """Public liveness probe: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready; `checks` says which part failed"}})
def readyz(request: Request):
    """Public readiness probe: the database answers, its schema is current and the scheduler beats."""
    app, checks = request.app, {}
    engine, settings = app.state.engine, app.state.settings
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        checks["migrations"] = "ok" if migrate.is_current(engine, settings.database_url) else "pending"
    except Exception as exc:  # noqa: BLE001  (any failure here means: not ready, and say why)
        checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    if not settings.scheduler_enabled:
        checks["scheduler"] = "disabled"
    elif checks["database"] == "ok":
        beat = scheduler.last_beat(engine)
        # Any replica's beat counts: the sweep is shared work, claimed row by row.
        limit = timedelta(seconds=max(3 * settings.sweep_interval_seconds, 90))
        checks["scheduler"] = "ok" if beat and clock.now() - beat <= limit else "not beating"
    else:
        checks["scheduler"] = "unknown"
    ready = all(v in {"ok", "disabled"} for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )
