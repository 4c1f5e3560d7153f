"""Creating users, and ending all of a user's sessions (the session generation a cookie must carry)."""

from sqlmodel import Session, select

from notifier import tenancy
from notifier.accounts import memberships
from notifier.accounts.models import User
from notifier.accounts.passwords import actor, check_password_strength, hash_password
from notifier.accounts.roles import ROLES
from notifier.audit import chain
from notifier.errors import FieldProblem


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    actor_name: str,
    language: str | None = None,
    organisation_id: int | None = None,
) -> User:
    """A user with a password and a membership with `role` in `organisation_id` (default: the organisation the
    session works for, or the default organisation)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise FieldProblem("email", "not a valid e-mail address", key="form_pattern_email")
    if not name.strip():
        raise FieldProblem("name", "is required", key="form_required")
    if role not in ROLES:
        raise FieldProblem("role", f"must be one of {', '.join(ROLES)}", key="form_choose")
    check_password_strength(password)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise FieldProblem("email", "a user with this e-mail address exists already", key="refused_user_exists")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), language=language)
    session.add(user)
    session.flush()
    organisation_id = organisation_id or tenancy.current_or_default(session)
    chain.append(
        session, actor=actor_name, event_type="user.created", payload={"email": email, "name": user.name, "role": role}
    )
    memberships.grant(session, user=user, organisation_id=organisation_id, role=role, actor=actor_name)
    return user


def end_sessions(session: Session, user: User) -> None:
    """Sign-out: every session cookie of the user issued so far stops working, copies included."""
    user.session_generation += 1
    session.add(user)
    session.flush()
    chain.append(session, actor=actor(user), event_type="user.signed_out", payload={"email": user.email})
