"""The intake's Prometheus counters, by source and by what each answer meant for the alert."""

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

from notifier.intake.adapters import SOURCES
from notifier.intake.queue import FairQueue

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
# 503s of the writer's queue (notifier/intake/queue.py), counted apart from a failed store.
QUEUE_REASONS = ("queue_full", "queue_wait")


def _zero_series() -> None:
    """Every series exists from the start at 0, so a rate() or an absent-alert sees it before the first event."""
    for source in SOURCES:
        INTAKE_ACCEPTED.labels(source).inc(0)
        INTAKE_DUPLICATE.labels(source).inc(0)
        for reason in INTAKE_REASONS.values():
            if reason != "unknown_source":
                INTAKE_REFUSED.labels(source, reason).inc(0)
        for reason in QUEUE_REASONS:
            INTAKE_REFUSED.labels(source, reason).inc(0)
    INTAKE_REFUSED.labels("unknown", "unknown_source").inc(0)


_zero_series()


def count_intake(source: str, status: int, refusal: str | None = None) -> None:
    """One intake answer, counted by what it meant for the alert (`refusal`: the queue's reason for a 503)."""
    known = source if source in SOURCES else "unknown"
    if status == 202:
        INTAKE_ACCEPTED.labels(known).inc()
    elif status == 200:
        INTAKE_DUPLICATE.labels(known).inc()
    else:
        reason = refusal if refusal in QUEUE_REASONS else INTAKE_REASONS.get(status, "other")
        INTAKE_REFUSED.labels(known, reason).inc()


class QueueCollector:
    """The writer's queue at scrape time, in this process: what backpressure decides on."""

    def __init__(self, queue: FairQueue):
        self.queue = queue

    def collect(self):  # noqa: ANN201
        q = self.queue
        yield GaugeMetricFamily(
            "meldplicht_intake_queue_alerts", "Alerts waiting for the writer's commit", value=q.depth
        )
        yield GaugeMetricFamily("meldplicht_intake_queue_bytes", "Bytes of the alerts waiting", value=q.bytes)
        yield GaugeMetricFamily(
            "meldplicht_intake_queue_oldest_wait_seconds",
            "How long the longest-waiting alert has waited",
            value=q.oldest_wait(),
        )
