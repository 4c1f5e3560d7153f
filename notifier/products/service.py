"""The product register: list, save, remove (each audited), and the lookup a declaration names a product by."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from notifier.audit import chain
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.products.models import Product


def list_products(session: Session) -> list[Product]:
    return list(session.exec(select(Product).order_by(Product.name, Product.version, Product.id)).all())


def get(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(f"product {product_id}")
    return product


def _state(product: Product) -> dict[str, Any]:
    return {"id": product.id, "name": product.name, "version": product.version, "member_states": product.member_states}


def save(session: Session, *, product: Product | None, data: dict[str, Any], actor: str, now: datetime) -> Product:
    """Create (product None) or change a product with validated `data` (notifier.products.schemas)."""
    name = data.get("name", product.name if product else None)
    version = data.get("version", product.version if product else None)
    clash = session.exec(select(Product).where(Product.name == name, Product.version == version)).first()
    if clash is not None and (product is None or clash.id != product.id):
        raise Conflict(f"the register has {name!r} version {version!r} already")
    before = _state(product) if product else None
    product = product or Product(name=name, version=version, created_at=now)
    for key, value in data.items():
        setattr(product, key, value)
    product.updated_at = now
    session.add(product)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="product.saved",
        payload=data,
        previous_state=before,
        new_state=_state(product),
        at=now,
    )
    return product


def remove(session: Session, *, product: Product, actor: str, now: datetime) -> None:
    """Duties declared for the product keep what it was then: their declaration holds a copy of it."""
    before = _state(product)
    session.delete(product)
    session.flush()
    chain.append(
        session, actor=actor, event_type="product.removed", payload={"id": before["id"]}, previous_state=before, at=now
    )


def resolve(session: Session, field: str, reference: int | str) -> Product:
    """The product a declaration names: its id, its name (one version only), or "name version". Anything else is a
    FieldProblem on `field`, the same words whether the id is another organisation's or nobody's."""
    if isinstance(reference, int) and not isinstance(reference, bool):
        found = session.get(Product, reference)
        if found is None:
            raise FieldProblem(
                field,
                f"no product {reference} in the product register",
                key="refused_product_unknown",
                params={"reference": str(reference)},
            )
        return found
    wanted = " ".join(str(reference).split()).casefold()
    products = list_products(session)
    by_name = [p for p in products if p.name.casefold() == wanted]
    by_both = [p for p in products if f"{p.name} {p.version}".casefold() == wanted]
    # A form's select sends the id as text: digits that are no product's name are an id.
    by_id = [p for p in products if str(p.id) == wanted] if wanted.isdigit() else []
    matches = by_name or by_both or by_id
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        versions = ", ".join(p.version for p in matches)
        raise FieldProblem(
            field,
            f"the register has several versions of {reference!r} ({versions}): give the id",
            key="refused_product_versions",
            params={"reference": str(reference), "versions": versions},
        )
    raise FieldProblem(
        field,
        f"no product {reference!r} in the product register (settings, products)",
        key="refused_product_unknown",
        params={"reference": str(reference)},
    )


def snapshot(product: Product) -> dict[str, Any]:
    """What a declaration keeps of the product: a later edit of the register does not change a filed report."""
    return _state(product)
