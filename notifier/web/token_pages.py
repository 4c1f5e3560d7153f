"""API tokens from the pages: personal tokens under My account (for one of the user's memberships, never above
its role), and an organisation's tokens under Settings (its administrators: service tokens, and revoking anyone's
token of the organisation). A new token's secret is shown once."""

from fastapi import APIRouter, Request
from sqlmodel import select

from notifier import tenancy
from notifier.accounts import passwords, tokens
from notifier.accounts.models import User
from notifier.accounts.roles import ROLES
from notifier.deps import ContextDep, SessionDep
from notifier.errors import FieldProblem, NotFound
from notifier.web.auth import AdminDep, FormDep, ViewerDep
from notifier.web.forms import form_int, parse_local
from notifier.web.refusals import field_errors
from notifier.web.render import render, see_other

router = APIRouter(include_in_schema=False)


def _owners(session) -> dict[int, str]:  # noqa: ANN001
    return {u.id: u.email for u in session.exec(select(User))}


# --- personal tokens -------------------------------------------------------------------------------------------


def _personal_page(request, session, viewer, *, values, errors, created=None, status_code=200):  # noqa: ANN001
    listed = []
    for m in viewer.memberships:
        tenancy.bind(session, m.organisation_id)
        listed += [(m, tok) for tok in tokens.listed(session, m.organisation_id, user_id=viewer.user.id)]
    return render(
        request,
        "account_tokens.html.j2",
        viewer=viewer,
        tokens=listed,
        roles=ROLES,
        values=values,
        errors=errors,
        created=created,
        status_code=status_code,
    )


@router.get("/account/tokens")
def personal_tokens(request: Request, session: SessionDep, viewer: ViewerDep):
    return _personal_page(request, session, viewer, values={}, errors={})


@router.post("/account/tokens")
def personal_token_new(request: Request, session: SessionDep, ctx: ContextDep, viewer: ViewerDep, form: FormDep):
    membership = next((m for m in viewer.memberships if m.slug == form.get("organisation")), None)
    try:
        if membership is None:
            raise FieldProblem("organisation", "choose one of your organisations", key="form_choose")
        tenancy.bind(session, membership.organisation_id)
        token, secret = tokens.create(
            session,
            organisation_id=membership.organisation_id,
            user_id=viewer.user.id,
            name=form.get("name", ""),
            role=form.get("role", ""),
            creator_role=membership.role,
            actor=passwords.actor(viewer.user),
            expires_at=parse_local("expires_at", form.get("expires_at"), ctx.zone(session), lang=viewer.lang),
        )
    except FieldProblem as exc:
        session.rollback()
        values = {k: form.get(k, "") for k in ("organisation", "name", "role", "expires_at")}
        return _personal_page(
            request,
            session,
            viewer,
            values=values,
            errors=field_errors(exc, viewer.lang),
            status_code=422,
        )
    return _personal_page(request, session, viewer, values={}, errors={}, created=(membership, token, secret))


@router.post("/account/tokens/{token_id}/revoke")
def personal_token_revoke(token_id: str, request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep):
    number = form_int("token", token_id, viewer.lang, minimum=1)
    for m in viewer.memberships:
        tenancy.bind(session, m.organisation_id)
        try:
            tokens.revoke(
                session,
                organisation_id=m.organisation_id,
                token_id=number,
                user_id=viewer.user.id,
                actor=passwords.actor(viewer.user),
            )
        except NotFound:
            continue
        return see_other("/account/tokens")
    raise NotFound("token")


# --- an organisation's tokens ----------------------------------------------------------------------------------


def _organisation_page(request, session, viewer, *, values, errors, created=None, status_code=200):  # noqa: ANN001
    return render(
        request,
        "settings_tokens.html.j2",
        viewer=viewer,
        tokens=tokens.listed(session, viewer.organisation_id),
        owners=_owners(session),
        roles=ROLES,
        values=values,
        errors=errors,
        created=created,
        section="tokens",
        status_code=status_code,
    )


@router.get("/settings/tokens")
def organisation_tokens(request: Request, session: SessionDep, viewer: AdminDep):
    return _organisation_page(request, session, viewer, values={}, errors={})


@router.post("/settings/tokens")
def organisation_token_new(request: Request, session: SessionDep, ctx: ContextDep, viewer: AdminDep, form: FormDep):
    try:
        token, secret = tokens.create(
            session,
            organisation_id=viewer.organisation_id,
            name=form.get("name", ""),
            role=form.get("role", ""),
            creator_role=viewer.role,
            actor=passwords.actor(viewer.user),
            expires_at=parse_local("expires_at", form.get("expires_at"), ctx.zone(session), lang=viewer.lang),
        )
    except FieldProblem as exc:
        session.rollback()
        values = {k: form.get(k, "") for k in ("name", "role", "expires_at")}
        return _organisation_page(
            request,
            session,
            viewer,
            values=values,
            errors=field_errors(exc, viewer.lang),
            status_code=422,
        )
    return _organisation_page(request, session, viewer, values={}, errors={}, created=(token, secret))


@router.post("/settings/tokens/{token_id}/revoke")
def organisation_token_revoke(token_id: str, request: Request, session: SessionDep, viewer: AdminDep, form: FormDep):
    number = form_int("token", token_id, viewer.lang, minimum=1)
    tokens.revoke(session, organisation_id=viewer.organisation_id, token_id=number, actor=passwords.actor(viewer.user))
    return see_other("/settings/tokens")
