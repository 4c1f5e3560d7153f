"""Prometheus metrics at /metrics (OpenMetrics when the scraper asks for it).

Counts that describe the shared state (open deadlines, the outbox) are read from the database at scrape time, so
every replica reports the same truth; those tables stay small (open deadlines, indexed outbox statuses). What grows
without bound (alerts, requests, mails sent) is counted in-process where it happens: the request path of the API
process for requests and intake outcomes (the intake writer process only stores; the API process knows the outcome
it answers), the delivery pass for mails. So a scrape costs the same with 10 or 10 million stored alerts. Counters
are per process, like Prometheus expects: with `--workers N` or replicas, sum over the targets.
"""

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.openmetrics import exposition as openmetrics
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from notifier import clock
from notifier.counters import BUILD_INFO, HTTP_REQUESTS, HTTP_SECONDS, MAIL_FAILED, MAIL_SENT, SWEEP_SECONDS
from notifier.deadlines.models import Deadline
from notifier.intake.counters import INTAKE_ACCEPTED, INTAKE_DUPLICATE, INTAKE_REFUSED
from notifier.mail.models import MailStatus, OutboxMail

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
                select(func.count()).where(OutboxMail.status == MailStatus.PENDING, OutboxMail.attempts > 0)
            ).one()
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


def registry_for(engine: Engine) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(engine))
    for collector in (
        SWEEP_SECONDS,
        BUILD_INFO,
        HTTP_REQUESTS,
        HTTP_SECONDS,
        MAIL_SENT,
        MAIL_FAILED,
        INTAKE_ACCEPTED,
        INTAKE_DUPLICATE,
        INTAKE_REFUSED,
        PROCESS_COLLECTOR,
        PLATFORM_COLLECTOR,
        GC_COLLECTOR,
    ):
        registry.register(collector)
    return registry


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format, or OpenMetrics when the Accept header asks for application/openmetrics-text.
    Public like /healthz; put it behind the proxy's allow-list in production."""
    registry = request.app.state.metrics_registry
    if "application/openmetrics-text" in request.headers.get("accept", ""):
        return Response(openmetrics.generate_latest(registry), media_type=openmetrics.CONTENT_TYPE_LATEST)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
