"""FastAPI dependencies: one session per request, the incident context, the signed-in principal."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from notifier.auth import Principal, require_principal
from notifier.context import Context


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


def get_context(request: Request) -> Context:
    return request.app.state.context


SessionDep = Annotated[Session, Depends(get_session)]
ContextDep = Annotated[Context, Depends(get_context)]
PrincipalDep = Annotated[Principal, Depends(require_principal)]
