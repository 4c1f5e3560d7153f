"""The organisation pages: the switcher, the portfolio across a user's organisations, and the operator's list of
organisations with their members."""

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlmodel import select

from notifier import clock, tenancy
from notifier.accounts import memberships, passwords
from notifier.accounts.models import User
from notifier.accounts.roles import ROLES
from notifier.calendar import tokens as calendar_tokens
from notifier.calendar.models import PortfolioCalendarToken
from notifier.deps import ContextDep, SessionDep
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.organisation import service as organisation
from notifier.organisation.models_api import OrganisationCreate
from notifier.web import board
from notifier.web.auth import EnrollingDep, FormDep, OperatorDep, ViewerDep
from notifier.web.forms import validation_errors
from notifier.web.i18n import t
from notifier.web.refusals import field_errors
from notifier.web.render import render, see_other

router = APIRouter(include_in_schema=False)


def _local(target: str | None) -> str:
    """Only a path of this site: a switch must never send the user elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/organisation/switch")
def switch(request: Request, viewer: EnrollingDep, form: FormDep):
    wanted = form.get("organisation", "")
    chosen = next((m for m in viewer.memberships if m.slug == wanted), None)
    if chosen is None:
        raise NotFound(f"organisation {wanted!r}")
    request.session["org"] = chosen.organisation_id
    # An incident page belongs to the organisation it was opened in: after a switch the dashboard is the place.
    target = _local(form.get("next"))
    return see_other("/" if target.startswith("/incidents/") else target)


@router.get("/portfolio")
def portfolio(request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep, page: int = 1):
    """Every open incident of every organisation the user belongs to, by the next unfiled deadline."""
    return _portfolio(request, session, ctx, viewer, page)


@router.post("/portfolio/calendar")
def portfolio_calendar(request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep, form: FormDep):
    """The user's feed across their organisations: made on first use, a new secret when asked to rotate it."""
    calendar_tokens.portfolio_token(
        session, user_id=viewer.user.id, rotate=form.get("rotate") == "yes", actor=passwords.actor(viewer.user)
    )
    return see_other("/portfolio#calendar")


def _portfolio(request, session, ctx, viewer, page: int):  # noqa: ANN001
    ids = [m.organisation_id for m in viewer.memberships]
    feed = session.exec(select(PortfolioCalendarToken).where(PortfolioCalendarToken.user_id == viewer.user.id)).first()
    base = request.app.state.settings.base_url.rstrip("/")
    feed_url = f"{base}/calendar/portfolio/{feed.token}.ics" if feed else None
    tenancy.bind(session, ids)
    orgs = {o.id: o for o in organisation.by_ids(session, ids)}
    now = clock.now()
    shown = board.board(
        session, ctx.registry, ctx.zone(session), now, viewer.lang, page=max(page, 1), organisations=orgs
    )
    slugs = {m.organisation_id: m.slug for m in viewer.memberships}
    return render(
        request,
        "portfolio.html.j2",
        viewer=viewer,
        rows=shown.rows,
        board=shown,
        slugs=slugs,
        now=now,
        feed_url=feed_url,
    )


def _organisations_page(request, session, viewer, values, errors, status_code=200):  # noqa: ANN001
    orgs = organisation.by_ids(session, None)
    users = {u.id: u for u in session.exec(select(User).order_by(User.email))}
    members = {o.id: [(users[m.user_id], m.role) for m in memberships.of_organisation(session, o.id)] for o in orgs}
    return render(
        request,
        "organisations.html.j2",
        viewer=viewer,
        organisations=orgs,
        members=members,
        roles=ROLES,
        values=values,
        errors=errors,
        status_code=status_code,
    )


@router.get("/organisations")
def organisations_page(request: Request, session: SessionDep, viewer: OperatorDep):
    return _organisations_page(request, session, viewer, {}, {})


@router.post("/organisations")
def organisations_add(request: Request, session: SessionDep, viewer: OperatorDep, form: FormDep):
    values = {"name": form.get("name", ""), "slug": form.get("slug", "")}
    try:
        body = OrganisationCreate.model_validate(values)
        created = organisation.create(session, name=body.name, slug=body.slug, actor=passwords.actor(viewer.user))
    except ValidationError as exc:
        return _organisations_page(request, session, viewer, values, validation_errors(exc, lang=viewer.lang), 422)
    except Conflict:
        session.rollback()
        return _organisations_page(request, session, viewer, values, {"slug": t("slug_taken", viewer.lang)}, 409)
    return see_other(f"/organisations#org-{created.slug}")


@router.post("/organisations/{slug}/members")
def organisations_grant(slug: str, request: Request, session: SessionDep, viewer: OperatorDep, form: FormDep):
    """The operator grants, changes or removes a membership of an existing account."""
    org = organisation.by_slug(session, slug)
    if org is None:
        raise NotFound(f"organisation {slug!r}")
    email = form.get("email", "").strip().lower()
    user = session.exec(select(User).where(User.email == email)).first()
    key = f"email_{slug}"
    if user is None:
        return _organisations_page(request, session, viewer, form, {key: t("no_such_account", viewer.lang)}, 422)
    tenancy.bind(session, org.id)  # audited in that organisation's chain
    actor = passwords.actor(viewer.user)
    try:
        if form.get("remove") == "yes":
            memberships.revoke(session, user=user, organisation_id=org.id, actor=actor)
        else:
            memberships.grant(session, user=user, organisation_id=org.id, role=form.get("role", ""), actor=actor)
    except FieldProblem as exc:
        session.rollback()
        return _organisations_page(
            request, session, viewer, form, {key: field_errors(exc, viewer.lang)[exc.field]}, 422
        )
    return see_other(f"/organisations#org-{slug}")
