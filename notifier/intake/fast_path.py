"""Hand POST /api/v1/intake/{source} straight to the intake endpoint, ahead of the web stack.

Under an alert storm the app's own layers (session cookie, exception middleware, router matching over every route,
the response passing through four send wrappers) cost about a fifth of the API process' CPU per alert, for a
request that needs none of them. This pure ASGI middleware sits outermost among the app's middleware and calls the
same `routes.receive` the OpenAPI route documents, with what those layers gave it: a request id for the logs, the
security headers, and HTTPException answered as problem details (notifier/problems.py). Everything else goes
down the normal stack unchanged.
"""

import time

from fastapi import HTTPException
from starlette.requests import Request

from notifier import problems
from notifier.http.access import record
from notifier.http.headers import HSTS, SECURITY_HEADERS
from notifier.intake.counters import count_intake
from notifier.intake.routes import receive
from notifier.logging import bind_request_id

PREFIX = "/api/v1/intake/"
ROUTE = PREFIX + "{source}"


class IntakeFastPath:
    def __init__(self, app, https: bool = False, access_log: bool = True):  # noqa: ANN001
        self.app = app
        self.headers = SECURITY_HEADERS + ([HSTS] if https else [])
        self.access_log = access_log

    async def __call__(self, scope, receive_message, send):  # noqa: ANN001
        source = _source(scope)
        if source is None:
            return await self.app(scope, receive_message, send)
        started = time.perf_counter()
        request_id = bind_request_id(scope)
        status, refusal = 500, None
        try:
            try:
                response = await receive(source, Request(scope, receive_message))
            except HTTPException as exc:
                response = problems.from_http_exception(exc.status_code, exc.detail, exc.headers)
            status, refusal = response.status_code, getattr(response, "intake_refusal", None)
            response.raw_headers.extend(self.headers)
            response.raw_headers.append((b"x-request-id", request_id.encode("latin-1")))
            await response(scope, receive_message, send)
        finally:
            # The same access line and request metrics as the routed requests (http/access.py), plus the
            # intake outcome: counted here, in the API process that answers, not in the writer process.
            count_intake(source, status, refusal)
            record("POST", ROUTE, status, started, request_id, self.access_log)


def _source(scope) -> str | None:  # noqa: ANN001
    """The source named by an intake POST; None for every other request (and for sub-paths, left to routing)."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path: str = scope["path"]
    if not path.startswith(PREFIX):
        return None
    source = path[len(PREFIX) :]
    return source if source and "/" not in source else None
