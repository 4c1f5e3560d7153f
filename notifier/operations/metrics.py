"""Prometheus metrics at /metrics (OpenMetrics when the scraper asks for it).

Counts that describe the shared state (open deadlines, the outbox) are read from the database at scrape time, so
every replica reports the same truth; those tables stay small (open deadlines, indexed outbox statuses). What grows
without bound (alerts, requests, mails sent) is counted in-process where it happens: the request path of the API
process for requests and intake outcomes (the intake writer process only stores; the API process knows the outcome
it answers), the delivery pass for mails. So a scrape costs the same with 10 or 10 million stored alerts. Counters
are per process, like Prometheus expects: with `--workers N` or replicas, sum over the targets.
"""

import platform

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.openmetrics import exposition as openmetrics
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from notifier import __version__, clock
from notifier.deadlines.models import Deadline
from notifier.intake.adapters import SOURCES
from notifier.mail.models import MailStatus, OutboxMail

SWEEP_SECONDS = Histogram(
    "meldplicht_sweep_duration_seconds",
    "Duration of one sweep + delivery run",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

BUILD_INFO = Info("meldplicht_build", "Version of the running service")
BUILD_INFO.info({"version": __version__, "python": platform.python_version()})

HTTP_REQUESTS = Counter(
    "meldplicht_http_requests", "HTTP requests answered, by route template and status", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "meldplicht_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status",
    ["route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
MAIL_SENT = Counter("meldplicht_mail_sent", "Mails handed to the SMTP server (or written as .eml)")
MAIL_FAILED = Counter(
    "meldplicht_mail_failed", "Failed delivery attempts; final=true when the mail was given up", ["final"]
)
INTAKE_ACCEPTED = Counter("meldplicht_intake_accepted", "Alerts accepted and stored (202)", ["source"])
INTAKE_DUPLICATE = Counter("meldplicht_intake_duplicate", "Alerts already received (200), nothing new", ["source"])
INTAKE_REFUSED = Counter("meldplicht_intake_refused", "Intake requests refused, by reason", ["source", "reason"])
# The intake's answers by status. A source that is not one of ours is counted as "unknown" (bounded labels).
INTAKE_REASONS = {
    400: "malformed",
    401: "unauthorized",
    404: "unknown_source",
    405: "method",
    411: "length_required",
    413: "too_large",
    422: "unmappable",
    429: "rate_limited",
    503: "store_failed",
}


def _zero_series() -> None:
    """Every series exists from the start at 0, so a rate() or an absent-alert sees it before the first event."""
    MAIL_SENT.inc(0)
    for final in ("false", "true"):
        MAIL_FAILED.labels(final).inc(0)
    for source in SOURCES:
        INTAKE_ACCEPTED.labels(source).inc(0)
        INTAKE_DUPLICATE.labels(source).inc(0)
        for reason in INTAKE_REASONS.values():
            if reason != "unknown_source":
                INTAKE_REFUSED.labels(source, reason).inc(0)
    INTAKE_REFUSED.labels("unknown", "unknown_source").inc(0)


_zero_series()


def count_intake(source: str, status: int) -> None:
    """One intake answer, counted by what it meant for the alert."""
    known = source if source in SOURCES else "unknown"
    if status == 202:
        INTAKE_ACCEPTED.labels(known).inc()
    elif status == 200:
        INTAKE_DUPLICATE.labels(known).inc()
    else:
        INTAKE_REFUSED.labels(known, INTAKE_REASONS.get(status, "other")).inc()


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
