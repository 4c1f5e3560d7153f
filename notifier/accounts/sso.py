"""What the provider's claims make a person here: the account and the memberships, kept in step at each sign-in.

The account is found by the provider's (issuer, subject). At the first sign-in an existing account with the same
e-mail address is linked, once: only when the provider says the address is verified (or the deployment trusts its
addresses: Entra ID sends no email_verified), and never an account another subject holds already. Otherwise a new
account is made, just in time, for a verified address the claims grant a membership. Memberships granted by the
claims carry source "oidc": at every sign-in they follow the claims (added, role changed, or taken away when the
claims state the groups and no longer grant them). Memberships granted by hand ("local") stay as they are.
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


def groups_stated(policy: Policy, claims: Claims) -> bool:
    """Whether the claims state the groups at all. Absent (a scope not granted, Entra ID's groups overage, which
    sends `_claim_names` instead) is not "no groups": the memberships they granted are then left as they are."""
    return not policy.group_roles or isinstance(claims.get(policy.groups_claim), list | str)


def wanted(policy: Policy, claims: Claims) -> dict[str, str]:
    """organisation slug -> role the claims grant (the highest where several values name one organisation); the
    caller turns the slugs into organisations and leaves out those that do not exist."""
    values = claims.get(policy.groups_claim)
    if isinstance(values, str):
        values = [values]
    elif not isinstance(values, list):
        values = []
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


def _verified(policy: Policy, claims: Claims) -> bool:
    return claims.get("email_verified") is True or policy.trust_email


def account_for(session: Session, policy: Policy, claims: Claims, grants: dict[int, str]) -> User:
    """The account the provider's subject is, linking or creating it on the first sign-in. Either needs an address
    the provider vouches for: an unverified one could claim (or reserve) someone else's account."""
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
    if not _verified(policy, claims):
        raise SignInRejected(f"the provider does not say that {email} is verified")
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None:
        linked = session.exec(select(UserIdentity.id).where(UserIdentity.user_id == user.id)).first()
        if linked is not None:
            # Another subject holds this account: an address the provider gave to someone new does not carry the
            # old holder's account along. An operator can remove the old identity to move it.
            raise SignInRejected(f"{email} belongs to another identity already")
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
    # In the chain of an organisation the account works in: one the claims grant, else one it is a member of.
    held = [m.organisation_id for m in memberships.of_user(session, user.id)]
    tenancy.bind(session, min(grants) if grants else min(held, default=tenancy.DEFAULT_ORGANISATION_ID))
    chain.append(
        session,
        actor=actor(claims),
        event_type=event,
        payload={"email": user.email, "name": user.name, "issuer": claims.issuer, "subject": claims.subject},
    )
    return user


def follow_claims(session: Session, user: User, claims: Claims, grants: dict[int, str], *, stated: bool) -> None:
    """The provider's memberships as the claims say now; each change audited in its organisation's chain. A
    membership granted by hand is not the provider's: neither changed nor taken away. `stated`: the claims named
    the groups at all (else nothing is taken away)."""
    held: dict[int, Membership] = {m.organisation_id: m for m in memberships.of_user(session, user.id)}
    for organisation_id, row in held.items():
        if stated and row.source == SOURCE and organisation_id not in grants:
            tenancy.bind(session, organisation_id)
            memberships.revoke(session, user=user, organisation_id=organisation_id, actor=actor(claims))
    for organisation_id, role in sorted(grants.items()):
        if organisation_id in held and held[organisation_id].source != SOURCE:
            continue
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
    follow_claims(session, user, claims, grants, stated=groups_stated(policy, claims))
    return user
