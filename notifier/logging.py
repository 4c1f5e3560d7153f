"""structlog set-up: JSON lines with dotted event names and the incident id bound where there is one.

The standard library's loggers (uvicorn's, APScheduler's, alembic's, warnings) go through the same processors via
structlog's ProcessorFormatter on one stderr handler, so every line a served process writes is JSON.
"""

import logging
import logging.config
import random
import re
import sys
from typing import Any

import structlog

_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
# A caller's X-Request-ID is kept only when it is short and plain: it lands in every log line of the request.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def _renderer(json: bool):  # noqa: ANN202
    return structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()


def formatter(json: bool = True) -> structlog.stdlib.ProcessorFormatter:
    """The stdlib formatter: a foreign record gets the logger's name, level, time and request id, then JSON."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, structlog.stdlib.add_logger_name, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _renderer(json),
        ],
    )


def stdlib_config(level: str = "INFO", json: bool = True) -> dict[str, Any]:
    """A logging.dictConfig for the root and uvicorn's loggers; also what `notifier serve` gives uvicorn as its
    log_config, so its worker processes (--workers) set up the same handler before they log anything."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "notifier.logging.formatter", "json": json}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            # uvicorn's own handlers (plain text) replaced by the root's; its access log is ours (access.py).
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    structlog.configure(
        processors=[*_SHARED, structlog.processors.format_exc_info, _renderer(json)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Our one handler on the root (replaced, not added again, when an app is built twice); other handlers, such as
    # a test runner's capture, stay. uvicorn's loggers lose their plain-text handlers and propagate to it.
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "meldplicht", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(json))
    handler.meldplicht = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.captureWarnings(True)


def bind_request_id(scope) -> str:  # noqa: ANN001
    """Start a request's log context: the caller's X-Request-ID when sane, or a fresh id. Returns it."""
    structlog.contextvars.clear_contextvars()
    given = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
    request_id = given.decode("latin-1") if given is not None else None
    if request_id is not None and not SANE_REQUEST_ID.fullmatch(request_id):
        request_id = None
    # Not secrets.token_hex: os.urandom releases the GIL and, with the intake writer thread runnable, getting it
    # back cost up to a millisecond per request. A request id needs no cryptographic randomness.
    request_id = request_id or f"{random.getrandbits(64):016x}"
    structlog.contextvars.bind_contextvars(request_id=request_id)
    return request_id


log = structlog.get_logger("notifier")
