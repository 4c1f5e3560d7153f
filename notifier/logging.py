"""structlog set-up: JSON lines with dotted event names and the incident id bound where there is one."""

import logging
import random
import sys

import structlog


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def bind_request_id(scope) -> None:  # noqa: ANN001
    """Start a request's log context: its X-Request-ID, or a fresh id."""
    structlog.contextvars.clear_contextvars()
    given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
    # Not secrets.token_hex: os.urandom releases the GIL and, with the intake writer thread runnable, getting it
    # back cost up to a millisecond per request. A request id needs no cryptographic randomness.
    structlog.contextvars.bind_contextvars(request_id=given or f"{random.getrandbits(64):016x}")


log = structlog.get_logger("notifier")
