"""Single sign-on pages: off to the OpenID Connect provider, and back with its answer (notifier/accounts/oidc.py)."""

import structlog
from fastapi import APIRouter, Request

from notifier import tenancy
from notifier.accounts import sso
from notifier.accounts.oidc import RelyingParty, SignInRejected
from notifier.audit import chain
from notifier.deps import SessionDep
from notifier.errors import NotFound
from notifier.organisation import service as organisation_service
from notifier.web import auth
from notifier.web.render import render, see_other
from notifier.web.signin import signed_in

router = APIRouter(include_in_schema=False)
log = structlog.get_logger("notifier.sso")
PENDING = "oidc"  # the session key holding state, nonce and code verifier between the two legs
REASON_CHARS = 300  # of a refusal's reason in the audit trail (it may quote the provider)


def relying_party(request: Request) -> RelyingParty:
    found = getattr(request.app.state, "oidc", None)
    if found is None:
        raise NotFound("single sign-on is not configured")
    return found


def _refused(request: Request, reason: str, status_code: int):  # noqa: ANN202
    return render(request, "signin.html.j2", values={}, error=reason, status_code=status_code)


def _organisations(session, wanted: dict[str, str]) -> dict[int, str]:  # noqa: ANN001
    """The claims' slugs as organisation ids; a slug the mapping names but no organisation has is logged, not fatal
    (the other memberships still count)."""
    grants = {}
    with tenancy.unscoped(session):
        for slug, role in wanted.items():
            org = organisation_service.by_slug(session, slug)
            if org is None:
                log.warning("sso.unknown_organisation", slug=slug)
            else:
                grants[org.id] = role
    return grants


@router.get("/signin/oidc")
def sso_start(request: Request):
    party = relying_party(request)
    try:
        url, pending = party.authorization_request(login_hint=request.query_params.get("login_hint"))
    except SignInRejected as exc:
        # The provider's trouble, not the user's input: 502, and the password sign-in (if on) is still there.
        log.error("sso.provider_unavailable", reason=exc.reason)
        return _refused(request, "sso_unavailable", 502)
    # The session is replaced only when the provider's answer is accepted (auth.start_session): a link to this page
    # from elsewhere must not sign anybody out.
    request.session[PENDING] = pending
    return see_other(url)


@router.get("/signin/oidc/callback")
def sso_callback(request: Request, session: SessionDep):
    party = relying_party(request)
    policy: sso.Policy = request.app.state.oidc_policy
    pending = request.session.pop(PENDING, None)  # one answer per request sent: a replayed callback finds nothing
    auth.bind_account(request, session, None)
    try:
        claims = party.complete(dict(request.query_params), pending)
        user = sso.sign_in(session, policy, claims, _organisations(session, sso.wanted(policy, claims)))
    except SignInRejected as exc:
        session.rollback()
        auth.bind_account(request, session, None)
        log.warning("sso.refused", reason=exc.reason, status=exc.status)
        # Audited when the provider's answer was refused; a callback any stranger can send (a wrong state, no
        # sign-in started) only logs, or anyone could grow the audit chain at will.
        if exc.status == 403:
            chain.append(
                session, actor="system", event_type="user.sso_refused", payload={"reason": exc.reason[:REASON_CHARS]}
            )
        return _refused(request, "sso_refused", exc.status)
    with tenancy.unscoped(session):
        found = auth.memberships_of(session, user)
    if not found and not user.operator:
        auth.bind_account(request, session, user)
        chain.append(
            session,
            actor=sso.actor(claims),
            event_type="user.sso_refused",
            payload={"email": user.email, "reason": "no membership"},
        )
        return _refused(request, "sso_no_membership", 403)
    auth.bind_account(request, session, user)
    provider_mfa = sso.multi_factor(policy, claims)
    auth.start_session(request, user, second_factor_done=provider_mfa or not user.totp_enabled)
    request.session["sso"] = True  # sign-out then also ends the session at the provider
    if provider_mfa:
        request.session["mfa_by"] = "provider"
    elif user.totp_enabled:
        return see_other("/signin/totp")
    signed_in(session, user, method="oidc", multi_factor_by_provider=provider_mfa)
    return see_other("/")
