"""API authentication: `Authorization: Bearer <token>`, resolved to a Principal acting for one organisation.

Three kinds of token: NOTIFIER_API_TOKEN (the deployment's bootstrap token: an administrator of the default
organisation that may also create organisations and tokens), an organisation's service token, and a user's
personal token (acting with the token's role, never above the user's membership: a membership lowered or removed
after the token was made lowers or ends what the token may do). Tokens are kept as SHA-256 hashes; a token is 32
random bytes, so a fast hash is enough (nothing to brute-force).
"""

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, select

from notifier import clock, tenancy
from notifier.accounts.models import ApiToken, Membership, User
from notifier.accounts.roles import RANK
from notifier.accounts.tokens import token_hash

bearer = HTTPBearer(
    auto_error=False, description="An organisation's API token, a personal token, or NOTIFIER_API_TOKEN"
)


@dataclass(frozen=True)
class Principal:
    actor: str
    role: str
    organisation_id: int = tenancy.DEFAULT_ORGANISATION_ID
    # May create organisations and grant memberships and tokens in any of them (the bootstrap token, an operator's
    # personal token).
    operator: bool = False
    user_id: int | None = None


def _unauthorised() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"}
    )


def resolve(request: Request, session: Session, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise _unauthorised()
    given = credentials.credentials
    expected = request.app.state.api_token
    if expected and hmac.compare_digest(given.encode(), expected.encode()):
        return Principal(actor="api:bootstrap-admin", role="administrator", operator=True)
    with tenancy.unscoped(session):
        token = session.exec(select(ApiToken).where(ApiToken.token_sha256 == token_hash(given))).first()
    now = clock.now()
    if token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        raise _unauthorised()
    if token.user_id is None:
        return Principal(actor=f"token:{token.name}", role=token.role, organisation_id=token.organisation_id)
    user = session.get(User, token.user_id)
    membership = session.exec(
        select(Membership).where(
            Membership.user_id == token.user_id, Membership.organisation_id == token.organisation_id
        )
    ).first()
    if user is None or membership is None:
        raise _unauthorised()
    role = min(token.role, membership.role, key=RANK.__getitem__)
    return Principal(
        actor=f"user:{user.email} (token {token.name})",
        role=role,
        organisation_id=token.organisation_id,
        operator=user.operator,
        user_id=user.id,
    )
