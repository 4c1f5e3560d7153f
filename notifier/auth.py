"""API authentication: `Authorization: Bearer <token>`. NOTIFIER_API_TOKEN is a bootstrap administrator token."""

import hmac
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

bearer = HTTPBearer(auto_error=False, description="NOTIFIER_API_TOKEN (administrator)")


@dataclass(frozen=True)
class Principal:
    actor: str
    role: str


def _unauthorised() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"}
    )


def require_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorised()
    expected = request.app.state.api_token
    if expected and hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        return Principal(actor="api:bootstrap-admin", role="administrator")
    raise _unauthorised()
