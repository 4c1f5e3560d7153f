"""FastAPI dependencies: one session per request, the incident context, the signed-in principal."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel import Session

from notifier import tenancy
from notifier.accounts.roles import at_least
from notifier.auth import Principal, bearer, resolve
from notifier.context import Context
from notifier.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back when it raises (an HTTPException
    too). Routes and pages never commit; SessionDep's scope="function" makes the commit happen before the response
    is sent, so a commit that fails is the client's 5xx, never a 2xx for work that was lost."""
    with Session(request.app.state.engine, expire_on_commit=False) as session, unit_of_work(session):
        # Until the credentials say which organisation this request is for, its rows are out of reach.
        tenancy.pending(session)
        yield session


def get_context(request: Request) -> Context:
    return request.app.state.context


# Every dependency that takes the session must use SessionDep: FastAPI caches a dependency per scope, so a plain
# Depends(get_session) elsewhere would open a second session in the same request.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ContextDep = Annotated[Context, Depends(get_context)]

_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_principal(
    request: Request, session: SessionDep, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The API caller, with the request's session bound to the caller's organisation. Every write needs at least
    an officer: a viewer token reads and nothing else."""
    principal = resolve(request, session, credentials)
    tenancy.bind(session, principal.organisation_id)
    if request.method not in _READS and not at_least(principal.role, "officer"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"a {principal.role} token may not change anything")
    return principal


def require_administrator(principal: Principal = Depends(require_principal)) -> Principal:
    if not at_least(principal.role, "administrator"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs an administrator of the organisation")
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]
AdministratorDep = Annotated[Principal, Depends(require_administrator)]
