"""RFC 9457 problem details: the one shape of every JSON error answer (the API, the intake fast path, the health
checks). The members clients read before problem details (`detail`, `current_state`, `allowed_events`) stay where
they were; a validation answer keeps its list under `detail` and carries the same entries, each naming its field,
under `errors`."""

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

MEDIA_TYPE = "application/problem+json"

# URNs, not URLs: a problem type is an identifier, and a closed network cannot resolve a link to documentation.
VALIDATION = "urn:meldplicht:problem:validation-error"
TRANSITION_NOT_ALLOWED = "urn:meldplicht:problem:transition-not-allowed"
STALE_VERSION = "urn:meldplicht:problem:stale-version"
GENERIC = "about:blank"


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: Any,
    *,
    type_: str = GENERIC,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> ProblemResponse:
    body = {"type": type_, "title": title or _title(status), "status": status, "detail": detail, **members}
    return ProblemResponse(body, status_code=status, headers=headers)


def field_of(loc: list) -> str:
    """`title` for ["body", "title"], `limit` for ["query", "limit"], `facts.x` for ["body", "facts", "x"]."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts)


def invalid(entries: list[dict], headers: dict[str, str] | None = None) -> ProblemResponse:
    """422: `detail` is the list it was before problem details; `errors` names each field."""
    errors = [{"field": field_of(e.get("loc", [])), **e} for e in entries]
    return problem(
        422, entries, type_=VALIDATION, title="The request has invalid fields", headers=headers, errors=errors
    )


def from_http_exception(status: int, detail: Any, headers: dict[str, str] | None = None) -> ProblemResponse:
    if status == 422 and isinstance(detail, list):
        return invalid(detail, headers)
    return problem(status, detail if detail is not None else _title(status), headers=headers)


class FieldError(BaseModel):
    field: str = Field(description="the field, dotted (`title`, `limit`, `facts.x`)")
    loc: list[str | int] = Field(description="where: `body`, `query` or `path`, then the field's path")
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details. Further members may follow (`current_state` and `allowed_events` on a 409 from an
    event the incident's state does not allow)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[GENERIC, TRANSITION_NOT_ALLOWED])
    title: str
    status: int
    detail: str
    current_state: str | None = Field(default=None, description="409 transition-not-allowed only")
    allowed_events: list[str] | None = Field(default=None, description="409 transition-not-allowed only")


class ValidationProblem(BaseModel):
    """RFC 9457 problem details for a 422. `detail` keeps the list of the answers before problem details (so
    clients reading it keep working); `errors` holds the same entries, each naming its field."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[VALIDATION])
    title: str
    status: int
    detail: list[dict[str, Any]]
    errors: list[FieldError]
