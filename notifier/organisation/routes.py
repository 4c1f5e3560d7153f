"""HTTP API for the organisation profile."""

from fastapi import APIRouter

from notifier.deps import PrincipalDep, SessionDep
from notifier.errors import NotFound
from notifier.organisation import service
from notifier.organisation.models_api import OrganisationIn, OrganisationOut

router = APIRouter(
    prefix="/api/v1/organisation",
    tags=["organisation"],
    responses={401: {"description": "Missing or invalid bearer token"}},
)


@router.get("", response_model=OrganisationOut, responses={404: {"description": "No profile yet"}})
def get_organisation(session: SessionDep, _: PrincipalDep):
    org = service.get(session)
    if org is None:
        raise NotFound("organisation profile (PUT one first)")
    return service.to_out(org, service.contacts(session))


@router.put("", response_model=OrganisationOut)
def put_organisation(body: OrganisationIn, session: SessionDep, who: PrincipalDep):
    org = service.replace(session, data=body, actor=who.actor)
    session.commit()
    return service.to_out(org, service.contacts(session))
