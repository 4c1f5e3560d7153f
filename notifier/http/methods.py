"""HEAD on every GET route and a real answer to OPTIONS (RFC 9110, 9.3.2 and 9.3.7).

FastAPI registers a route for the methods it names only, so `HEAD /healthz` (a load balancer's health check) was
405, and OPTIONS was 405 with an `Allow` naming only the first route that matched the path (`POST` for
`/api/v1/incidents`, which also answers GET). This pure ASGI middleware answers HEAD as the GET it stands for,
without the body, and OPTIONS with 204 and every method the path accepts; a path nothing serves stays 404.
"""

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Methods:
    def __init__(self, app: ASGIApp, router):  # noqa: ANN001
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"HEAD", "OPTIONS"}:
            return await self.app(scope, receive, send)
        if scope["method"] == "HEAD":
            return await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        allowed = self.allowed(scope)
        if not allowed:
            return await self.app(scope, receive, send)  # the router's 404
        allow = ", ".join([*allowed, "OPTIONS"]).encode("ascii")
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow)]})
        await send({"type": "http.response.body", "body": b""})

    def allowed(self, scope: Scope) -> list[str]:
        if self._serves(scope, "-"):
            # A mount matches whatever the method (routes check theirs); the only one here is /static: GET, HEAD.
            return ["GET", "HEAD"]
        methods = [m for m in PROBED if self._serves(scope, m)]
        if "GET" in methods:
            methods.insert(1, "HEAD")
        return methods

    def _serves(self, scope: Scope, method: str) -> bool:
        # A copy per probe: matching writes route details into the scope it is given.
        return any(route.matches({**scope, "method": method})[0] == Match.FULL for route in self.router.routes)


def _without_body(send: Send) -> Send:
    """The GET's answer with its headers (Content-Length included, as RFC 9110 allows) and an empty body."""

    async def head_send(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return head_send
