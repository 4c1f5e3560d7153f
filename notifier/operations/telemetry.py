"""Optional OpenTelemetry tracing and Sentry error reporting: off unless configured.

Nothing here is imported from the packages unless its setting is set, so an installation without the extras
(`pip install 'meldplicht[otel]'`, `'meldplicht[sentry]'`) neither needs them nor pays for them. A setting without
its extra stops the start with a message naming the extra, instead of running without what the operator asked for.
"""

from fastapi import FastAPI

from notifier import __version__
from notifier.config import Settings


class TelemetryMissing(RuntimeError):
    pass


def _need(extra: str, setting: str, exc: ImportError) -> TelemetryMissing:
    return TelemetryMissing(f"{setting} is set but {exc.name} is not installed: pip install 'meldplicht[{extra}]'")


def install(app: FastAPI, settings: Settings) -> None:
    if settings.sentry_dsn:
        _sentry(settings)
    if settings.otel_endpoint:
        _otel(app, settings)


def _sentry(settings: Settings) -> None:
    try:
        import sentry_sdk
    except ImportError as exc:
        raise _need("sentry", "NOTIFIER_SENTRY_DSN", exc) from exc
    # No request bodies or personal data: incident texts and reply links must not leave for an error tracker.
    sentry_sdk.init(dsn=settings.sentry_dsn, environment=settings.env, release=__version__, send_default_pii=False)


def _otel(app: FastAPI, settings: Settings) -> None:
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise _need("otel", "NOTIFIER_OTEL_ENDPOINT", exc) from exc
    provider = TracerProvider(resource=Resource.create({"service.name": "meldplicht", "service.version": __version__}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otel_endpoint)))
    trace.set_tracer_provider(provider)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
