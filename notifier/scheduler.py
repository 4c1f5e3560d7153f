"""The periodic jobs: sweep reminder steps and processor escalations into the outbox, then deliver the outbox; and
every `audit_checkpoint_interval_seconds` (default hourly) a signed audit checkpoint (notifier/audit/checkpoint.py).

Deadlines are rows, not timers, so nothing here holds state: a restart simply runs the job again, and steps whose
time passed while the service was down are sent on the first run (marked late). APScheduler 3.x cannot share a job
store between processes; it does not need to, because every step and mail is claimed in the database.
"""

from datetime import datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlmodel import Session

from notifier import clock
from notifier.audit import checkpoint
from notifier.config import Settings
from notifier.counters import SWEEP_SECONDS
from notifier.db import session_scope
from notifier.mail.delivery import deliver_due
from notifier.mail.sender import sender_for
from notifier.processors.escalation import escalate_due
from notifier.reminders.models import SchedulerHeartbeat
from notifier.reminders.sweep import sweep, worker_name
from notifier.workflow.schema import Registry

log = structlog.get_logger("notifier.scheduler")


def run_once(engine: Engine, *, settings: Settings, registry: Registry, now: datetime, sender=None) -> list[dict]:  # noqa: ANN001
    """One sweep and one delivery pass, both as of `now`; returns every action taken."""
    actions = sweep(engine, settings=settings, registry=registry, now=now)
    actions += escalate_due(engine, settings=settings, registry=registry, now=now)
    actions += deliver_due(
        engine,
        sender=sender or sender_for(settings),
        mail_from=settings.mail_from,
        reply_to=settings.mail_reply_to,
        now=now,
    )
    return actions


def beat(engine: Engine, now: datetime) -> None:
    with session_scope(engine) as session:
        row = session.get(SchedulerHeartbeat, 1) or SchedulerHeartbeat(id=1, beat_at=now)
        row.beat_at, row.worker = now, worker_name()
        session.add(row)


def last_beat(engine: Engine) -> datetime | None:
    with Session(engine) as session:
        row = session.get(SchedulerHeartbeat, 1)
        return row.beat_at if row else None


def _job(engine: Engine, settings: Settings, registry: Registry) -> None:
    now = clock.now()
    try:
        with SWEEP_SECONDS.time():
            actions = run_once(engine, settings=settings, registry=registry, now=now)
        for action in actions:
            log.info("scheduler.action", **action)
    except Exception:  # a failing run must not stop the next one; the next run retries what this one left
        log.exception("scheduler.job_failed")
    finally:
        beat(engine, now)


def _checkpoint_job(engine: Engine, settings: Settings) -> None:
    try:
        checkpoint.catch_up(engine, checkpoint.Witness.from_settings(settings))
    except Exception:  # e.g. an unreadable key: log it, and try again at the next run
        log.exception("scheduler.checkpoint_failed")


def start(engine: Engine, settings: Settings, registry: Registry) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _job,
        "interval",
        seconds=settings.sweep_interval_seconds,
        args=(engine, settings, registry),
        id="sweep_and_deliver",
        coalesce=True,
        max_instances=1,
        next_run_time=clock.now(),
    )
    scheduler.add_job(
        _checkpoint_job,
        "interval",
        seconds=settings.audit_checkpoint_interval_seconds,
        args=(engine, settings),
        id="audit_checkpoint",
        coalesce=True,
        max_instances=1,
        next_run_time=clock.now(),  # at start: catches up on a filing whose checkpoint a crash prevented
    )
    scheduler.start()
    log.info("scheduler.started", interval_seconds=settings.sweep_interval_seconds)
    return scheduler
