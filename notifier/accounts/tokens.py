"""API tokens of an organisation: service tokens and personal tokens. The secret is shown once and kept hashed."""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from notifier import clock
from notifier.accounts.models import ApiToken
from notifier.accounts.roles import RANK, ROLES
from notifier.audit import chain
from notifier.errors import FieldProblem, NotFound

PREFIX = "mpt_"  # recognisable in a leaked-secret scan


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(
    session: Session,
    *,
    organisation_id: int,
    name: str,
    role: str,
    creator_role: str,
    actor: str,
    user_id: int | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise FieldProblem("name", "is required (at most 100 characters)", key="refused_token_name")
    if role not in ROLES:
        raise FieldProblem("role", f"must be one of {', '.join(ROLES)}", key="form_choose")
    if RANK[role] > RANK[creator_role]:
        raise FieldProblem("role", f"may not exceed your own role ({creator_role})", key="refused_role_above_own")
    if expires_at is not None and expires_at <= clock.now():
        raise FieldProblem("expires_at", "lies in the past", key="refused_expiry_past")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation_id,
        user_id=user_id,
        name=name,
        role=role,
        token_sha256=token_hash(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="api_token.created",
        payload={"id": token.id, "name": name, "role": role, "personal": user_id is not None, "expires_at": expires_at},
    )
    return token, secret


def listed(session: Session, organisation_id: int, *, user_id: int | None = None) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.organisation_id == organisation_id, ApiToken.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.exec(query.order_by(ApiToken.id)))


def revoke(session: Session, *, organisation_id: int, token_id: int, actor: str, user_id: int | None = None) -> None:
    token = session.get(ApiToken, token_id)
    if (
        token is None
        or token.organisation_id != organisation_id
        or token.revoked_at is not None
        or (user_id is not None and token.user_id != user_id)
    ):
        raise NotFound("token")
    token.revoked_at = clock.now()
    session.add(token)
    session.flush()
    chain.append(session, actor=actor, event_type="api_token.revoked", payload={"id": token.id, "name": token.name})
