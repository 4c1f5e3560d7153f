"""Reading the request body with a hard size limit, and decoding it as JSON."""

import json
from typing import Any

from fastapi import HTTPException, Request, status


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"body larger than {limit} bytes")


def check_declared_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if (
        declared is not None
        and declared.isascii()
        and declared.isdigit()
        and (len(declared) > 18 or int(declared) > limit)
    ):
        raise too_large(limit)


async def read_limited(request: Request, limit: int) -> bytes:
    """Stop reading as soon as the limit is passed, so a huge body is never held in memory."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> tuple[str, Any]:
    """(text, value); 400 naming the problem when the body is not UTF-8 JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"malformed body: not UTF-8 ({exc.reason})") from exc
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"malformed JSON: {exc.msg} at position {exc.pos}") from exc
    except RecursionError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "malformed JSON: nested too deeply") from exc
    except ValueError as exc:
        # An integer literal longer than Python converts (sys.get_int_max_str_digits(), 4,300 digits): no SIEM sends
        # one, and retrying cannot help, so it is bad input like any other malformed body.
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "malformed JSON: a number is too long") from exc
