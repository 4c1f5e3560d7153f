"""ETag / If-Match (RFC 9110 13.1.1) for the resources two officers edit: the organisation profile and an
incident's facts. The tag is a digest of the representation answered, so it needs no version column; a write whose
If-Match names another tag is refused with 412 before anything is changed. A write without If-Match is still
accepted, as it was before tags existed.

The check and the write must see the same stored version, or two writes carrying the same tag could both pass the
check and the second overwrite the first: the routes read the row with `lock=True` (SELECT ... FOR UPDATE on
PostgreSQL) before `check`, and commit the write in that transaction. On SQLite every transaction begins with BEGIN
IMMEDIATE (notifier/db.py), so writes are serialised already. tests/operations/test_if_match_atomic.py races them."""

import hashlib
import json
from typing import Annotated

from fastapi import Header, Response
from pydantic import BaseModel

from notifier.errors import PreconditionFailed

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="the ETag of the version read; a write to a changed resource is refused with 412",
    ),
]
ETAG_HEADER = {"ETag": {"description": "the version of the answered representation", "schema": {"type": "string"}}}
STALE = {412: {"description": "If-Match names a version that is no longer the stored one (someone wrote first)"}}


def etag(representation: BaseModel) -> str:
    canonical = json.dumps(representation.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def check(if_match: str | None, current: BaseModel | None) -> None:
    if if_match is None:
        return
    tags = _tags(if_match)
    if current is None:
        raise PreconditionFailed("If-Match given, but there is no stored version yet")
    if "*" not in tags and etag(current) not in tags:
        raise PreconditionFailed(f"the stored version is {etag(current)}, not {if_match.strip()}; read it again")


def tagged(response: Response, representation: BaseModel) -> BaseModel:
    response.headers["ETag"] = etag(representation)
    return representation
