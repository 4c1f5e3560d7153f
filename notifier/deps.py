"""FastAPI dependencies: one session per request, the incident context, the signed-in principal."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from notifier.auth import Principal, require_principal
from notifier.context import Context
from notifier.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back when it raises (an HTTPException
    too). Routes and pages never commit; SessionDep's scope="function" makes the commit happen before the response
    is sent, so a commit that fails is the client's 5xx, never a 2xx for work that was lost."""
    with Session(request.app.state.engine, expire_on_commit=False) as session, unit_of_work(session):
        yield session


def get_context(request: Request) -> Context:
    return request.app.state.context


# Every dependency that takes the session must use SessionDep: FastAPI caches a dependency per scope, so a plain
# Depends(get_session) elsewhere would open a second session in the same request.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ContextDep = Annotated[Context, Depends(get_context)]
PrincipalDep = Annotated[Principal, Depends(require_principal)]
