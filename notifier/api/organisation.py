"""HTTP API for the organisation profile."""

from fastapi import APIRouter, Response

from notifier.deps import AdministratorDep, PrincipalDep, SessionDep
from notifier.errors import NotFound
from notifier.http import versions
from notifier.organisation import service
from notifier.organisation.models_api import OrganisationIn, OrganisationOut

router = APIRouter(
    prefix="/api/v1/organisation",
    tags=["organisation"],
    responses={401: {"description": "Missing or invalid bearer token"}},
)


@router.get(
    "",
    response_model=OrganisationOut,
    responses={200: {"headers": versions.ETAG_HEADER}, 404: {"description": "No profile yet"}},
)
def get_organisation(response: Response, session: SessionDep, _: PrincipalDep):
    org = service.get(session)
    if org is None:
        raise NotFound("organisation profile (PUT one first)")
    return versions.tagged(response, service.to_out(org, service.contacts(session)))


@router.put("", response_model=OrganisationOut, responses={200: {"headers": versions.ETAG_HEADER}, **versions.STALE})
def put_organisation(
    body: OrganisationIn,
    response: Response,
    session: SessionDep,
    who: AdministratorDep,
    if_match: versions.IfMatch = None,
):
    current = service.get(session, lock=True)
    versions.check(if_match, service.to_out(current, service.contacts(session)) if current else None)
    org = service.replace(session, data=body, actor=who.actor)
    return versions.tagged(response, service.to_out(org, service.contacts(session)))
