"""What the provider's claims make a person here: the account and the memberships, kept in step at each sign-in.

The account is found by the provider's (issuer, subject). At the first sign-in an existing account with the same
e-mail address is linked, but only when the provider says the address is verified (or the deployment trusts its
addresses: Entra ID sends no email_verified); otherwise a new account is made, just in time, when the claims grant
it a membership. Memberships granted by the claims carry source "oidc": at every sign-in they follow the claims
(added, role changed, or taken away when no longer granted). Memberships granted by hand ("local") stay as they are.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from notifier import clock, tenancy
from notifier.accounts import memberships
from notifier.accounts.models import Membership, User, UserIdentity
from notifier.accounts.oidc import Claims, SignInRejected
from notifier.accounts.roles import RANK, ROLES
from notifier.audit import chain

# Never a valid argon2 hash, so the password sign-in can never succeed for an account made by the provider.
NO_PASSWORD = "!sso"
SOURCE = "oidc"


@dataclass(frozen=True)
class Policy:
    email_claim: str
    trust_email: bool
    groups_claim: str
    group_roles: dict[str, tuple[str, str]]  # claim value -> (organisation slug, role)
    jit_organisation: str | None
    jit_role: str
    trust_mfa: bool
    mfa_amr: frozenset[str]


def policy_from(settings) -> Policy:  # noqa: ANN001
    """The deployment's claim rules; a role that does not exist stops the start, naming the setting."""
    group_roles = {}
    for value, target in settings.oidc_group_roles.items():
        slug, _, role = target.partition(":")
        if not slug or role not in ROLES:
            raise ValueError(f"NOTIFIER_OIDC_GROUP_ROLES: {value!r} maps to {target!r}, not <slug>:<{'|'.join(ROLES)}>")
        group_roles[value] = (slug, role)
    if settings.oidc_jit_role not in ROLES:
        raise ValueError(f"NOTIFIER_OIDC_JIT_ROLE: {settings.oidc_jit_role!r} is not one of {', '.join(ROLES)}")
    return Policy(
        email_claim=settings.oidc_email_claim,
        trust_email=settings.oidc_trust_email,
        groups_claim=settings.oidc_groups_claim,
        group_roles=group_roles,
        jit_organisation=settings.oidc_jit_organisation,
        jit_role=settings.oidc_jit_role,
        trust_mfa=settings.oidc_trust_mfa,
        mfa_amr=frozenset(v.strip() for v in settings.oidc_mfa_amr.split(",") if v.strip()),
    )


def actor(claims: Claims) -> str:
    return f"sso:{claims.issuer}"


def multi_factor(policy: Policy, claims: Claims) -> bool:
    """Whether the provider asserts a multi-factor sign-in (RFC 8176 `amr` values) and the deployment believes it."""
    amr = claims.get("amr") or []
    return policy.trust_mfa and isinstance(amr, list) and bool(policy.mfa_amr & {str(v) for v in amr})


def wanted(policy: Policy, claims: Claims) -> dict[str, str]:
    """organisation slug -> role the claims grant (the highest where several values name one organisation); the
    caller turns the slugs into organisations and leaves out those that do not exist."""
    values = claims.get(policy.groups_claim) or []
    if isinstance(values, str):
        values = [values]
    pairs = [policy.group_roles[v] for v in values if isinstance(v, str) and v in policy.group_roles]
    if policy.jit_organisation:
        pairs.append((policy.jit_organisation, policy.jit_role))
    found: dict[str, str] = {}
    for slug, role in pairs:
        if slug not in found or RANK[role] > RANK[found[slug]]:
            found[slug] = role
    return found


def _email(policy: Policy, claims: Claims) -> str:
    email = claims.get(policy.email_claim)
    if not isinstance(email, str) or "@" not in email or len(email) > 320:
        raise SignInRejected(f"the provider sent no usable e-mail address in claim {policy.email_claim!r}")
    return email.strip().lower()


def account_for(session: Session, policy: Policy, claims: Claims, grants: dict[int, str]) -> User:
    """The account the provider's subject is, linking or creating it on the first sign-in."""
    identity = session.exec(
        select(UserIdentity).where(UserIdentity.issuer == claims.issuer, UserIdentity.subject == claims.subject)
    ).first()
    if identity is not None:
        identity.last_seen_at = clock.now()
        session.add(identity)
        user = session.get(User, identity.user_id)
        if user is None:  # the foreign key makes this impossible; a clear refusal rather than a 500 all the same
            raise SignInRejected("the identity's account is gone")
        return user
    email = _email(policy, claims)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None:
        if claims.get("email_verified") is not True and not policy.trust_email:
            raise SignInRejected(f"{email} has an account here, but the provider does not say the address is verified")
        event = "user.identity_linked"
    else:
        if not grants:
            raise SignInRejected(f"the claims grant {email} no membership")
        name = claims.get("name")
        user = User(email=email, name=name.strip() if isinstance(name, str) and name.strip() else email)
        user.password_hash = NO_PASSWORD
        session.add(user)
        session.flush()
        event = "user.created"
    session.add(UserIdentity(user_id=user.id, issuer=claims.issuer, subject=claims.subject, last_seen_at=clock.now()))
    session.flush()
    tenancy.bind(session, next(iter(sorted(grants)), tenancy.DEFAULT_ORGANISATION_ID))
    chain.append(
        session,
        actor=actor(claims),
        event_type=event,
        payload={"email": user.email, "name": user.name, "issuer": claims.issuer, "subject": claims.subject},
    )
    return user


def follow_claims(session: Session, user: User, claims: Claims, grants: dict[int, str]) -> None:
    """The provider's memberships as the claims say now; each change audited in its organisation's chain."""
    held: dict[int, Membership] = {m.organisation_id: m for m in memberships.of_user(session, user.id)}
    for organisation_id, row in held.items():
        if row.source == SOURCE and organisation_id not in grants:
            tenancy.bind(session, organisation_id)
            memberships.revoke(session, user=user, organisation_id=organisation_id, actor=actor(claims))
    for organisation_id, role in sorted(grants.items()):
        tenancy.bind(session, organisation_id)
        memberships.grant(
            session, user=user, organisation_id=organisation_id, role=role, actor=actor(claims), source=SOURCE
        )


def sign_in(session: Session, policy: Policy, claims: Claims, grants: dict[int, str]) -> User:
    """The account after this sign-in, its memberships as `grants` (organisation id -> role, from wanted()) say.
    The caller refuses an account left without any membership (the revocations are kept: that is the point of
    following the claims)."""
    with tenancy.unscoped(session):
        user = account_for(session, policy, claims, grants)
    follow_claims(session, user, claims, grants)
    return user
