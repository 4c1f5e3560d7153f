"""Prometheus metrics at /metrics.

Counts that describe the shared state (deadlines, outbox, stored alerts) are read from the database at scrape time,
so every replica reports the same truth; the sweep duration is measured in the process that ran the sweep.
"""

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from notifier import clock
from notifier.deadlines.models import Deadline
from notifier.intake.models import IntakeAlert
from notifier.mail.models import OutboxMail

SWEEP_SECONDS = Histogram(
    "meldplicht_sweep_duration_seconds",
    "Duration of one sweep + delivery run",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

router = APIRouter(tags=["operations"])


class DatabaseCollector:
    def __init__(self, engine: Engine):
        self.engine = engine

    def collect(self):  # noqa: ANN201
        now = clock.now()
        with Session(self.engine) as session:
            pending = (Deadline.submitted_at.is_(None)) & (Deadline.due.is_not(None))
            open_rows = session.exec(
                select(Deadline.regime, Deadline.stage, func.count())
                .where(pending)
                .group_by(Deadline.regime, Deadline.stage)
            ).all()
            overdue_rows = session.exec(
                select(Deadline.regime, Deadline.stage, func.count())
                .where(pending & (Deadline.due < now))
                .group_by(Deadline.regime, Deadline.stage)
            ).all()
            outbox_rows = session.exec(select(OutboxMail.status, func.count()).group_by(OutboxMail.status)).all()
            retries = session.exec(
                select(func.count()).where(OutboxMail.status == "pending", OutboxMail.attempts > 0)
            ).one()
            intake_rows = session.exec(select(IntakeAlert.source, func.count()).group_by(IntakeAlert.source)).all()
        deadlines = GaugeMetricFamily("meldplicht_deadlines_open", "Unfiled deadlines", labels=["regime", "stage"])
        for regime, stage, count in open_rows:
            deadlines.add_metric([regime, stage], count)
        yield deadlines
        overdue = GaugeMetricFamily(
            "meldplicht_deadlines_overdue", "Unfiled deadlines past due", labels=["regime", "stage"]
        )
        for regime, stage, count in overdue_rows:
            overdue.add_metric([regime, stage], count)
        yield overdue
        outbox = GaugeMetricFamily("meldplicht_outbox_mails", "Outbox mails by status", labels=["status"])
        for status, count in outbox_rows:
            outbox.add_metric([status], count)
        yield outbox
        yield GaugeMetricFamily(
            "meldplicht_outbox_retrying", "Mails waiting for a retry after a failed attempt", value=retries
        )
        alerts = CounterMetricFamily("meldplicht_intake_alerts", "Alerts stored, by source", labels=["source"])
        for source, count in intake_rows:
            alerts.add_metric([source], count)
        yield alerts


def registry_for(engine: Engine) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(engine))
    registry.register(SWEEP_SECONDS)
    return registry


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format. Public like /healthz; put it behind the proxy's allow-list in production."""
    registry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
