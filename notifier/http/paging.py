"""One way to page every list answer: `limit` and `offset` in the query, the total in `X-Total-Count` and the
neighbouring pages in an RFC 8288 `Link` header. The body stays the bare JSON array it always was. The lists that
had no paging before answer everything when no `limit` is given, as they did (an incident's alerts after an alert
storm would otherwise be cut at a default page size without the client noticing); the incident list keeps its
default of 100."""

from dataclasses import dataclass
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    limit: int | None
    offset: int


def _page(
    limit: int | None = Query(default=None, ge=1, le=1000, description="page size (without it: every item)"),
    offset: int = Query(default=0, ge=0, description="skip this many items"),
) -> Page:
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(_page)]


def headers(request: Request, response: Response, page: Page, total: int) -> None:
    response.headers["X-Total-Count"] = str(total)
    links = []
    size = page.limit if page.limit is not None else max(total - page.offset, 1)
    if page.offset + size < total:
        links.append((page.offset + size, "next"))
    if page.offset > 0:
        links.append((max(page.offset - size, 0), "prev"))
    if links:
        url = request.url.path
        rest = [(k, v) for k, v in request.query_params.multi_items() if k not in {"limit", "offset"}]

        def target(offset: int) -> str:
            return f"{url}?{urlencode([*rest, ('limit', size), ('offset', offset)])}"

        response.headers["Link"] = ", ".join(f'<{target(o)}>; rel="{rel}"' for o, rel in links)


def sliced(request: Request, response: Response, page: Page, items: list[T]) -> list[T]:
    """A page of a list computed whole (the lists of one incident: tens of items, not millions)."""
    headers(request, response, page, len(items))
    return window(page, items)


def window(page: Page, items: list[T]) -> list[T]:
    return items[page.offset :] if page.limit is None else items[page.offset : page.offset + page.limit]
