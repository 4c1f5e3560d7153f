"""HTTP: the processor register, linking incidents and the timeliness report (bearer auth). The processor's
reply page is notifier/web/reply.py."""

from fastapi import APIRouter, Request, Response, status
from sqlmodel import select

from notifier import clock
from notifier.deps import ContextDep, PrincipalDep, SessionDep
from notifier.errors import FieldProblem
from notifier.http import paging
from notifier.incidents import service as incidents
from notifier.processors import service
from notifier.processors.models import IncidentProcessor, Processor
from notifier.processors.schemas import LinkIn, LinkOut, ProcessorIn, ProcessorOut

router = APIRouter(prefix="/api/v1", tags=["processors"], responses={401: {"description": "Missing token"}})


def _link_out(row: IncidentProcessor, zone) -> LinkOut:  # noqa: ANN001
    """In the organisation's time zone, like every instant the API answers (they are stored in UTC)."""
    values = row.model_dump()
    for name in ("processor_aware_at", "informed_at", "requested_at", "answered_at"):
        if values.get(name) is not None:
            values[name] = values[name].astimezone(zone)
    return LinkOut(**values)


def _out(p: Processor) -> ProcessorOut:
    return ProcessorOut(id=p.id, name=p.name, notification_term_hours=p.notification_term_hours, contacts=p.contacts)


@router.get("/processors", response_model=list[ProcessorOut])
def list_processors(request: Request, response: Response, page: paging.PageDep, session: SessionDep, _: PrincipalDep):
    return [_out(p) for p in paging.sliced(request, response, page, list(service.list_processors(session)))]


@router.post(
    "/processors",
    response_model=ProcessorOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "A processor with this name exists already"}},
)
def create_processor(body: ProcessorIn, response: Response, session: SessionDep, who: PrincipalDep):
    p = service.save(session, processor=None, data=body.model_dump(), actor=who.actor, now=clock.now())
    response.headers["Location"] = f"/api/v1/processors/{p.id}"
    return _out(p)


@router.get("/processors/report")
def report_all(session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    zone = ctx.zone(session)
    return [service.timeliness(session, p, zone) for p in service.list_processors(session)]


@router.get("/processors/{processor_id}", response_model=ProcessorOut)
def get_processor(processor_id: int, session: SessionDep, _: PrincipalDep):
    return _out(service.get(session, processor_id))


@router.put(
    "/processors/{processor_id}",
    response_model=ProcessorOut,
    responses={409: {"description": "Another processor has this name"}},
)
def update_processor(processor_id: int, body: ProcessorIn, session: SessionDep, who: PrincipalDep):
    p = service.get(session, processor_id)
    p = service.save(session, processor=p, data=body.model_dump(), actor=who.actor, now=clock.now())
    return _out(p)


@router.get("/processors/{processor_id}/report")
def report_one(processor_id: int, session: SessionDep, ctx: ContextDep, _: PrincipalDep):
    return service.timeliness(session, service.get(session, processor_id), ctx.zone(session))


@router.post(
    "/incidents/{incident_id}/processors",
    response_model=LinkOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "This processor is already linked to the incident"}},
)
def link_processor(
    incident_id: int,
    body: LinkIn,
    request: Request,
    response: Response,
    session: SessionDep,
    ctx: ContextDep,
    who: PrincipalDep,
):
    """Link a processor to the incident. A link has no address of its own: Location names the incident's list."""
    incident = incidents.get(session, incident_id)
    processor = session.get(Processor, body.processor_id)
    if processor is None:
        raise FieldProblem("processor_id", f"no processor {body.processor_id}")
    row = service.link(
        session,
        incident=incident,
        processor=processor,
        processor_aware_at=body.processor_aware_at,
        informed_at=body.informed_at,
        settings=request.app.state.settings,
        registry=ctx.registry,
        actor=who.actor,
        now=clock.now(),
    )
    response.headers["Location"] = f"/api/v1/incidents/{incident_id}/processors"
    return _link_out(row, ctx.zone(session))


@router.get("/incidents/{incident_id}/processors", response_model=list[LinkOut])
def incident_processors(
    incident_id: int,
    request: Request,
    response: Response,
    page: paging.PageDep,
    session: SessionDep,
    ctx: ContextDep,
    _: PrincipalDep,
):
    incidents.get(session, incident_id)
    query = select(IncidentProcessor).where(IncidentProcessor.incident_id == incident_id).order_by(IncidentProcessor.id)
    zone = ctx.zone(session)
    return [_link_out(r, zone) for r in paging.sliced(request, response, page, list(session.exec(query).all()))]
