"""The service's in-process Prometheus metrics: what grows without bound is counted where it happens.

notifier/operations/metrics.py exposes them at /metrics with the database-read gauges; the intake's own counters are
in notifier/intake/counters.py. Kept free of domain imports so the mail delivery, the scheduler and the request
plumbing can count without importing the operations layer.
"""

import platform

from prometheus_client import Counter, Histogram, Info

from notifier import __version__

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


def _zero_series() -> None:
    """Every series exists from the start at 0, so a rate() or an absent-alert sees it before the first event."""
    MAIL_SENT.inc(0)
    for final in ("false", "true"):
        MAIL_FAILED.labels(final).inc(0)


_zero_series()
