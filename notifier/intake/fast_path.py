"""Hand POST /api/v1/intake/{source} straight to the intake endpoint, ahead of the web stack.

Under an alert storm the app's own layers (session cookie, exception middleware, router matching over every route,
the response passing through four send wrappers) cost about a fifth of the API process' CPU per alert, for a
request that needs none of them. This pure ASGI middleware sits outermost among the app's middleware and calls the
same `routes.receive` the OpenAPI route documents, with what those layers gave it: a request id for the logs, the
security headers, and HTTPException answered as problem details (notifier/problems.py). Everything else goes
down the normal stack unchanged.
"""

from fastapi import HTTPException
from starlette.requests import Request

from notifier import problems
from notifier.intake.routes import receive
from notifier.logging import bind_request_id
from notifier.operations.headers import HSTS, SECURITY_HEADERS

PREFIX = "/api/v1/intake/"


class IntakeFastPath:
    def __init__(self, app, https: bool = False):  # noqa: ANN001
        self.app = app
        self.headers = SECURITY_HEADERS + ([HSTS] if https else [])

    async def __call__(self, scope, receive_message, send):  # noqa: ANN001
        source = _source(scope)
        if source is None:
            return await self.app(scope, receive_message, send)
        bind_request_id(scope)
        try:
            response = await receive(source, Request(scope, receive_message))
        except HTTPException as exc:
            response = problems.from_http_exception(exc.status_code, exc.detail, exc.headers)
        response.raw_headers.extend(self.headers)
        await response(scope, receive_message, send)


def _source(scope) -> str | None:  # noqa: ANN001
    """The source named by an intake POST; None for every other request (and for sub-paths, left to routing)."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path: str = scope["path"]
    if not path.startswith(PREFIX):
        return None
    source = path[len(PREFIX) :]
    return source if source and "/" not in source else None
