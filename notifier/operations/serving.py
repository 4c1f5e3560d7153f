"""How `notifier serve` runs uvicorn: which client address is believed, and how long a slow client may hold on.

Client address: uvicorn's own proxy-header handling is off. With it on, uvicorn rewrote the client address from
`X-Forwarded-For` whenever the peer was 127.0.0.1 (its default `forwarded_allow_ips`), before the app's
NOTIFIER_TRUSTED_PROXIES was consulted, so a client on loopback could rotate made-up addresses past every rate
limit. The app's own rule (notifier/http/ratelimit.py, `client_address`) is the only one; the scheme comes
from NOTIFIER_BASE_URL, never from `X-Forwarded-Proto`.

Slow clients: uvicorn closes a keep-alive connection that stays idle after a response (`timeout_keep_alive`) and
can refuse work past a number of connections (`limit_concurrency`), but its httptools protocol has no deadline for
the request itself: a connection that sends nothing, or trickles its headers or body a byte at a time, was held
for ever, and the headers had no size limit (8 MB of headers were accepted). `DeadlineProtocol` adds those: the
request line and headers must arrive within NOTIFIER_SERVE_HEADER_TIMEOUT_SECONDS of the connection opening (or of
the request's first byte on a kept-alive connection), the body within NOTIFIER_SERVE_BODY_TIMEOUT_SECONDS after the
headers, and the headers may hold at most NOTIFIER_SERVE_MAX_HEADER_BYTES. What it does not cover: a client that
reads the response slowly (the answer waits in the socket's buffers); that, and TLS, are the reverse proxy's job
(docs/operations.md, "Slow clients").
"""

import asyncio
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from notifier.config import get_settings
from notifier.logging import stdlib_config


def uvicorn_options(settings) -> dict[str, Any]:  # noqa: ANN001
    """The keyword arguments `notifier serve` gives uvicorn.run, for one process and for `--workers N` alike."""
    return {
        # Every line JSON (uvicorn's own too), set up by uvicorn in each worker before it logs; the access log is
        # the app's (notifier/http/access.py), with the route template and the request id.
        "log_config": stdlib_config(settings.log_level, settings.log_json),
        "access_log": False,
        "http": DeadlineProtocol,
        "proxy_headers": False,
        "timeout_keep_alive": settings.serve_keep_alive_seconds,
        "limit_concurrency": settings.serve_max_connections or None,
        "timeout_graceful_shutdown": settings.serve_graceful_shutdown_seconds,
    }


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for the headers and for the body, and a cap on header size."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Read here, not passed in: with --workers uvicorn builds this class in each worker process from its name.
        settings = get_settings()
        self.header_timeout = settings.serve_header_timeout_seconds
        self.body_timeout = settings.serve_body_timeout_seconds
        self.max_header_bytes = settings.serve_max_header_bytes
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._refused = False

    # A connection that never sends a byte is held by nobody else's timer: its header deadline starts here.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, HTTPStatus.REQUEST_TIMEOUT)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the answer is out and the connection closing: the rest is not parsed
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._deadline is None:  # a later request on a kept-alive connection: its own header deadline
            self._arm(self.header_timeout, HTTPStatus.REQUEST_TIMEOUT)

    def on_url(self, url: bytes) -> None:
        if self._count(len(url)):
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._count(len(name) + len(value)):
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._disarm()
        super().on_headers_complete()
        self._arm(self.body_timeout, HTTPStatus.REQUEST_TIMEOUT)

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._disarm()
        super().on_message_complete()

    def _count(self, n: int) -> bool:
        if self._refused:
            return False
        self._header_bytes += n
        if self._header_bytes > self.max_header_bytes:
            self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
            return False
        return True

    def _arm(self, seconds: float, status: HTTPStatus) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired, status)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self, status: HTTPStatus) -> None:
        self._deadline = None
        self._refuse(status)

    def _refuse(self, status: HTTPStatus) -> None:
        """Answers `status` (unless a response already started) and closes the connection."""
        self._refused = True
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
            text = status.phrase.encode("ascii")
            lines = [f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode("ascii")]
            lines += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
            lines += [
                b"content-type: text/plain; charset=utf-8\r\n",
                b"content-length: " + str(len(text)).encode("ascii") + b"\r\n",
                b"connection: close\r\n\r\n",
                text,
            ]
            self.transport.write(b"".join(lines))
        self.transport.close()
