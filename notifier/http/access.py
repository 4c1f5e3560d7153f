"""The access log and the request metrics: one JSON line and one observation per answered request.

Pure ASGI (Starlette's BaseHTTPMiddleware runs every request in an extra task with memory streams, which halved the
SIEM intake throughput). The route is the template (`/api/v1/incidents/{incident_id}`), never the raw path, so the
metric labels stay bounded; a request no route matched is `unmatched`. The request id (the caller's X-Request-ID
when sane, else a fresh one) is bound for every log line of the request and echoed as X-Request-ID on the answer.
"""

import time

import structlog

from notifier.counters import HTTP_REQUESTS, HTTP_SECONDS
from notifier.logging import bind_request_id

access_log = structlog.get_logger("notifier.access")
UNMATCHED = "unmatched"


def route_of(scope) -> str:  # noqa: ANN001
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return path
    if scope.get("app_root_path") or scope.get("root_path"):  # a mounted app (the static files)
        return scope.get("root_path") or UNMATCHED
    return UNMATCHED


def record(method: str, route: str, status: int, started: float, request_id: str, enabled: bool = True) -> None:
    seconds = time.perf_counter() - started
    status_text = str(status)
    HTTP_REQUESTS.labels(method, route, status_text).inc()
    HTTP_SECONDS.labels(route, status_text).observe(seconds)
    if enabled:
        access_log.info(
            "http.request",
            method=method,
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 3),
            request_id=request_id,
        )


class RequestContext:
    """Binds the request id, echoes it, and logs and counts the request once its answer started."""

    def __init__(self, app, access_log: bool = True):  # noqa: ANN001
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope, receive, send):  # noqa: ANN001
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        request_id = bind_request_id(scope)
        echoed = (b"x-request-id", request_id.encode("latin-1"))
        status = 500  # when the app raises before answering, ServerErrorMiddleware answers 500

        async def send_with_id(message):  # noqa: ANN001, ANN202
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            record(scope["method"], route_of(scope), status, started, request_id, self.access_log)
