"""HTTP: the organisations of the deployment and their API tokens.

An operator (the bootstrap token, an operator's personal token) sees and manages every organisation; anyone else
sees the organisations they belong to and manages tokens of their own organisation as its administrator. Another
organisation's slug answers 404, the same as one that does not exist.
"""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from notifier import tenancy
from notifier.accounts import memberships, tokens
from notifier.accounts.roles import ROLES
from notifier.auth import Principal
from notifier.deps import PrincipalDep, SessionDep
from notifier.errors import NotFound
from notifier.http import paging
from notifier.instants import Instant
from notifier.organisation import service
from notifier.organisation.models import Organisation
from notifier.organisation.models_api import OrganisationCreate, OrganisationSummary

router = APIRouter(
    prefix="/api/v1/organisations", tags=["organisations"], responses={401: {"description": "Missing token"}}
)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Literal[ROLES]  # type: ignore[valid-type]
    expires_at: Instant | None = None


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    organisation: str
    personal: bool
    created_at: datetime
    created_by: str
    expires_at: datetime | None


class TokenCreated(BaseModel):
    id: int
    token: str = Field(description="The secret, shown this once; only its hash is kept")
    name: str
    role: str
    organisation: str
    expires_at: datetime | None


def _summary(org: Organisation) -> OrganisationSummary:
    return OrganisationSummary(id=org.id, slug=org.slug, name=org.name)


def _visible_ids(session: Session, who: Principal) -> list[int] | None:
    if who.operator:
        return None
    if who.user_id is None:
        return [who.organisation_id]
    return [m.organisation_id for m in memberships.of_user(session, who.user_id)]


def _managed(session: Session, who: Principal, slug: str) -> Organisation:
    """The organisation whose tokens the caller manages; the session then works for it."""
    org = service.by_slug(session, slug)
    if org is None or not (who.operator or (org.id == who.organisation_id and who.role == "administrator")):
        raise NotFound("organisation")
    tenancy.bind(session, org.id)
    return org


@router.post(
    "",
    response_model=OrganisationSummary,
    status_code=status.HTTP_201_CREATED,
    responses={403: {"description": "Only an operator creates organisations"}, 409: {"description": "Slug taken"}},
)
def create_organisation(body: OrganisationCreate, response: Response, session: SessionDep, who: PrincipalDep):
    if not who.operator:
        raise _forbidden("only an operator creates organisations")
    org = service.create(session, name=body.name, slug=body.slug, actor=who.actor)
    response.headers["Location"] = f"/api/v1/organisations/{org.slug}"
    return _summary(org)


@router.get("", response_model=list[OrganisationSummary])
def list_organisations(
    request: Request, response: Response, page: paging.PageDep, session: SessionDep, who: PrincipalDep
):
    found = service.by_ids(session, _visible_ids(session, who))
    return [_summary(o) for o in paging.sliced(request, response, page, found)]


@router.get("/{slug}", response_model=OrganisationSummary, responses={404: {"description": "Unknown or not yours"}})
def get_organisation(slug: str, session: SessionDep, who: PrincipalDep):
    org = service.by_slug(session, slug)
    visible = _visible_ids(session, who)
    if org is None or (visible is not None and org.id not in visible):
        raise NotFound("organisation")
    return _summary(org)


@router.post(
    "/{slug}/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    responses={404: {"description": "Unknown organisation, or not one you administer"}},
)
def create_token(slug: str, body: TokenIn, session: SessionDep, who: PrincipalDep):
    org = _managed(session, who, slug)
    token, secret = tokens.create(
        session,
        organisation_id=org.id,
        name=body.name,
        role=body.role,
        creator_role="administrator" if who.operator else who.role,
        actor=who.actor,
        expires_at=body.expires_at,
    )
    return TokenCreated(
        id=token.id, token=secret, name=token.name, role=token.role, organisation=org.slug, expires_at=token.expires_at
    )


@router.get("/{slug}/tokens", response_model=list[TokenOut])
def list_tokens(
    slug: str, request: Request, response: Response, page: paging.PageDep, session: SessionDep, who: PrincipalDep
):
    org = _managed(session, who, slug)
    return [
        TokenOut(
            id=t.id,
            name=t.name,
            role=t.role,
            organisation=org.slug,
            personal=t.user_id is not None,
            created_at=t.created_at,
            created_by=t.created_by,
            expires_at=t.expires_at,
        )
        for t in paging.sliced(request, response, page, tokens.listed(session, org.id))
    ]


@router.delete("/{slug}/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(slug: str, token_id: int, session: SessionDep, who: PrincipalDep):
    org = _managed(session, who, slug)
    tokens.revoke(session, organisation_id=org.id, token_id=token_id, actor=who.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _forbidden(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail)
