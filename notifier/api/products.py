"""HTTP: the organisation's product register (bearer auth; changes by administrators, like the profile)."""

from fastapi import APIRouter, Request, Response, status

from notifier import clock
from notifier.deps import AdministratorDep, PrincipalDep, SessionDep
from notifier.errors import FieldProblem
from notifier.http import paging
from notifier.products import service
from notifier.products.models import Product
from notifier.products.schemas import ProductIn, ProductOut, ProductPatch

router = APIRouter(prefix="/api/v1", tags=["products"], responses={401: {"description": "Missing token"}})
CLASH = {409: {"description": "The register has a product with this name and version already"}}


def _out(p: Product) -> ProductOut:
    return ProductOut(id=p.id, name=p.name, version=p.version, member_states=p.member_states)


@router.get("/products", response_model=list[ProductOut])
def list_products(request: Request, response: Response, page: paging.PageDep, session: SessionDep, _: PrincipalDep):
    return [_out(p) for p in paging.sliced(request, response, page, service.list_products(session))]


@router.post("/products", response_model=ProductOut, status_code=status.HTTP_201_CREATED, responses=CLASH)
def create_product(body: ProductIn, response: Response, session: SessionDep, who: AdministratorDep):
    p = service.save(session, product=None, data=body.model_dump(), actor=who.actor, now=clock.now())
    response.headers["Location"] = f"/api/v1/products/{p.id}"
    return _out(p)


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(product_id: int, session: SessionDep, _: PrincipalDep):
    return _out(service.get(session, product_id))


@router.patch("/products/{product_id}", response_model=ProductOut, responses=CLASH)
def update_product(product_id: int, body: ProductPatch, session: SessionDep, who: AdministratorDep):
    p = service.get(session, product_id)
    data = body.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None:  # every field of a product is required: null cannot clear one
            raise FieldProblem(key, "may not be null; leave the field out to keep it")
    p = service.save(session, product=p, data=data, actor=who.actor, now=clock.now())
    return _out(p)


@router.delete("/products/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_product(product_id: int, session: SessionDep, who: AdministratorDep):
    service.remove(session, product=service.get(session, product_id), actor=who.actor, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
