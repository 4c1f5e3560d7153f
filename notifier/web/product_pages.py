"""Settings (administrators): the product register, through the same validation and audit as /api/v1/products."""

from fastapi import APIRouter, Request
from pydantic import ValidationError

from notifier import clock
from notifier.accounts import passwords
from notifier.deps import SessionDep
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.organisation.classification import MEMBER_STATES
from notifier.products import service as products
from notifier.products.schemas import ProductIn
from notifier.submissions.present import load_labels
from notifier.web.auth import AdminDep, FormDep
from notifier.web.forms import form_int, validation_errors
from notifier.web.i18n import t
from notifier.web.render import render, see_other

router = APIRouter(prefix="/settings", include_in_schema=False)
FIELDS = ("name", "version", "member_states")


def _page(request: Request, session, viewer, values, errors, status_code=200):  # noqa: ANN001
    labels = load_labels(request.app.state.settings.templates_dir)
    countries = sorted(((c, labels.choice("country", c, viewer.lang)) for c in MEMBER_STATES), key=lambda c: c[1])
    return render(
        request,
        "settings_products.html.j2",
        viewer=viewer,
        products=products.list_products(session),
        country_names=dict(countries),
        countries=countries,
        values=values,
        chosen=set(values.get("member_states", "").split("\n")) - {""},
        errors=errors,
        section="products",
        status_code=status_code,
    )


def _product(session, raw: str | None, lang: str):  # noqa: ANN001, ANN202
    """The product a form or link names by id; None when it names none; FieldProblem("id") for an id that is no
    product of this organisation (a hand-edited address or hidden field)."""
    product_id = form_int("id", raw, lang, minimum=1)
    if product_id is None:
        return None
    try:
        return products.get(session, product_id)
    except NotFound as exc:
        raise FieldProblem("id", t("not_found", lang)) from exc


@router.get("/products")
def products_page(request: Request, session: SessionDep, viewer: AdminDep, edit: str | None = None):
    try:
        product = _product(session, edit, viewer.lang)
    except FieldProblem:
        return render(request, "not_found.html.j2", viewer=viewer, status_code=404)
    values: dict[str, str] = {}
    if product is not None:
        values = {
            "id": str(product.id),
            "name": product.name,
            "version": product.version,
            "member_states": "\n".join(product.member_states),
        }
    return _page(request, session, viewer, values, {})


@router.post("/products")
def products_save(request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):
    data = {
        "name": form.get("name", ""),
        "version": form.get("version", ""),
        "member_states": [c for c in form.get("member_states", "").split("\n") if c.strip()],
    }
    try:
        body = ProductIn.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for key, message in validation_errors(exc, lang=viewer.lang).items():
            field = next((f for f in FIELDS if key.startswith(f)), "name")
            if field == "member_states" and not data["member_states"]:
                message = t("choose_member_state", viewer.lang)
            errors.setdefault(field, message)
        return _page(request, session, viewer, form, errors, status_code=422)
    try:
        existing = _product(session, form.get("id"), viewer.lang)
        products.save(
            session, product=existing, data=body.model_dump(), actor=passwords.actor(viewer.user), now=clock.now()
        )
    except FieldProblem as exc:
        return _page(request, session, viewer, form, {exc.field: exc.message}, status_code=422)
    except Conflict:
        session.rollback()
        return _page(request, session, viewer, form, {"version": t("product_exists", viewer.lang)}, status_code=409)
    return see_other("/settings/products")


@router.post("/products/{product_id}/remove")
def products_remove(product_id: int, session: SessionDep, viewer: AdminDep, form: FormDep):  # noqa: ARG001
    product = products.get(session, product_id)  # another organisation's id: NotFound, the 404 page
    products.remove(session, product=product, actor=passwords.actor(viewer.user), now=clock.now())
    return see_other("/settings/products")
