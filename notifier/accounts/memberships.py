"""Who may act in which organisation: memberships (user, organisation, role) and the operator flag."""

from sqlmodel import Session, select

from notifier.accounts.models import Membership, User
from notifier.accounts.roles import ROLES
from notifier.audit import chain
from notifier.errors import FieldProblem


def of_user(session: Session, user_id: int) -> list[Membership]:
    return list(
        session.exec(select(Membership).where(Membership.user_id == user_id).order_by(Membership.organisation_id))
    )


def of_organisation(session: Session, organisation_id: int) -> list[Membership]:
    return list(
        session.exec(select(Membership).where(Membership.organisation_id == organisation_id).order_by(Membership.id))
    )


def role_in(session: Session, user_id: int, organisation_id: int) -> str | None:
    row = session.exec(
        select(Membership.role).where(Membership.user_id == user_id, Membership.organisation_id == organisation_id)
    ).first()
    return row


def grant(
    session: Session, *, user: User, organisation_id: int, role: str, actor: str, source: str = "local"
) -> Membership:
    """Add the membership, or change its role; audited in the organisation's chain."""
    if role not in ROLES:
        raise FieldProblem("role", f"must be one of {', '.join(ROLES)}", key="form_choose")
    row = session.exec(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation_id)
    ).first()
    before = row.role if row else None
    if row is None:
        row = Membership(user_id=user.id, organisation_id=organisation_id, role=role, source=source)
    elif row.role == role and row.source == source:
        return row
    row.role, row.source = role, source
    session.add(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="membership.granted",
        payload={"email": user.email, "organisation_id": organisation_id, "role": role, "source": source},
        previous_state={"role": before} if before else None,
        new_state={"role": role},
    )
    return row


def revoke(session: Session, *, user: User, organisation_id: int, actor: str) -> bool:
    row = session.exec(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation_id)
    ).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="membership.revoked",
        payload={"email": user.email, "organisation_id": organisation_id},
        previous_state={"role": row.role},
    )
    return True
