"""Fixtures for the reminder, outbox and processor tests: real SMTP on loopback, a tick at a chosen instant."""

from datetime import datetime

import pytest
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.mail.models import OutboxMail
from notifier.reminders.models import ReminderStep
from notifier.scheduler import run_once
from tests.reminders.smtp import smtp  # noqa: F401  (fixture)

MAIL_FROM = "meldplicht@zrl.example"


@pytest.fixture
def settings(settings, smtp):  # noqa: F811
    return settings.model_copy(
        update={
            "smtp_host": smtp.host,
            "smtp_port": smtp.port,
            "mail_from": MAIL_FROM,
            "base_url": "https://mp.example",
        }
    )


@pytest.fixture
def tick(app, settings):
    """Run the job (sweep + escalation + delivery) as of `now`, with the clock frozen there too."""

    def run(now: datetime, **kwargs) -> list[dict]:
        with freeze_time(now):
            return run_once(app.state.engine, settings=settings, registry=app.state.registry, now=now, **kwargs)

    return run


def steps(app, incident_id: int, stage: str | None = None) -> list[ReminderStep]:
    with Session(app.state.engine) as session:
        query = select(ReminderStep).where(ReminderStep.incident_id == incident_id)
        if stage:
            query = query.where(ReminderStep.stage == stage)
        return list(session.exec(query.order_by(ReminderStep.due_at)).all())


def outbox(app) -> list[OutboxMail]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(OutboxMail).order_by(OutboxMail.id)).all())
