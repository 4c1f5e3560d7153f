"""Refuse a JSON API body holding text no database can store (notifier/text.py), with 422 naming the field.

One check for every write endpoint of the API, before any of them runs, so no model or service has to remember it
and nothing is stored. Only a body with a \\u escape can hold such text (raw bytes that are not UTF-8, or a raw
control character, are already malformed JSON), so every other body passes without being parsed twice. The SIEM
intake is left alone: it keeps what a tool sends, made safe (notifier/intake/alert.py clean()).
"""

import json

from notifier import problems
from notifier.text import first_fault

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _json(scope) -> bool:  # noqa: ANN001
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.split(b";")[0].strip().lower()
            return media.endswith(b"/json") or media.endswith(b"+json")
    return True  # FastAPI reads a body without a content type as JSON


class JsonTextGuard:
    def __init__(self, app):  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send):  # noqa: ANN001
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITES
            or not scope["path"].startswith("/api/")
            or scope["path"].startswith("/api/v1/intake/")
            or not _json(scope)
        ):
            return await self.app(scope, receive, send)
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message], receive), send)
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"\\u" in body:
            problem = _problem(body)
            if problem is not None:
                return await problems.invalid([problem])(scope, receive, send)
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _problem(body: bytes) -> dict | None:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None  # malformed: FastAPI answers it as before
    found = first_fault(value)
    if found is None:
        return None
    path, kind, message = found
    return {"loc": ["body", *path], "msg": message, "type": kind}


def _replay(messages: list, receive):  # noqa: ANN001, ANN202
    async def replay():  # noqa: ANN202
        return messages.pop(0) if messages else await receive()

    return replay
