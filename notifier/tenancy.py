"""Which organisations a session works for, and the wall that keeps every query inside them.

Isolation between organisations is not a filter each query must remember: a model that belongs to an
organisation inherits `OrganisationOwned`, and a session bound to organisations (`bind`) has every ORM SELECT,
UPDATE and DELETE on such a model narrowed to them (SQLAlchemy's `with_loader_criteria`, added on the session's
do_orm_execute event), and every new row stamped with, and checked against, the bound organisation before it is
flushed. A row of another organisation is then simply not there: a lookup by id finds nothing (the API's 404).

Three states a session can be in:
- bound (`bind`): a request of an API token or a signed-in user, a job working for one organisation;
- pending (`pending`): a request whose credentials are not resolved yet; touching an owned model raises, so a
  route that forgets to authenticate fails loudly instead of seeing every organisation;
- neither: the trusted back end (the scheduler's sweeps, the CLI, migrations), which works across organisations
  and stamps new rows from the incident they belong to.

On PostgreSQL the bound organisations are also set per transaction (`notifier.organisations`), for the row-level
security policies (migration d4f6a8b0c2e4) that are the second wall against a query this module does not see (raw
SQL, a Core statement): a bound session's transaction sees its organisations' rows, the back end's sees all ("*"),
a pending request's and any connection that never set it see none. The policies bind every role except
superusers and roles with BYPASSRLS, so the service must connect as an ordinary role (the README says how).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlmodel import Field, Session, SQLModel

DEFAULT_ORGANISATION_ID = 1  # the organisation an upgraded single-organisation deployment became
_KEY = "notifier.organisations"
_PENDING = "notifier.organisations.pending"


class TenancyError(RuntimeError):
    """A programming error: an owned row read or written without an organisation, or for the wrong one."""


class OrganisationOwned(SQLModel):
    """Mixin for every table whose rows belong to one organisation."""

    organisation_id: int = Field(foreign_key="organisation.id", index=True)


def bind(session: Session, organisation_ids: int | Iterable[int]) -> None:
    ids = (organisation_ids,) if isinstance(organisation_ids, int) else tuple(sorted(set(organisation_ids)))
    session.info[_KEY] = ids
    session.info.pop(_PENDING, None)
    if session.in_transaction() and _is_postgres(session):
        _set_guc(session.connection(), ids)


def pending(session: Session) -> None:
    session.info[_PENDING] = True


def bound(session: Session) -> tuple[int, ...] | None:
    return session.info.get(_KEY)


def current(session: Session) -> int:
    """The one organisation the session works for; a session across several (the portfolio) has none."""
    ids = session.info.get(_KEY)
    if not ids or len(ids) != 1:
        raise TenancyError("this session is not bound to exactly one organisation")
    return ids[0]


def current_or_default(session: Session) -> int:
    ids = session.info.get(_KEY)
    return ids[0] if ids and len(ids) == 1 else DEFAULT_ORGANISATION_ID


@contextmanager
def unscoped(session: Session) -> Iterator[Session]:
    """Look something up across organisations before the request knows its own: a credential by its hash (API
    token, calendar feed, reply link, SIEM source). Only for lookups by a secret; the caller binds right after."""
    saved = session.info.pop(_KEY, None), session.info.pop(_PENDING, None)
    postgres = session.in_transaction() and _is_postgres(session)
    if postgres:
        _set_guc(session.connection(), ALL)
    try:
        yield session
    finally:
        if saved[0] is not None:
            session.info[_KEY] = saved[0]
        if saved[1] is not None:
            session.info[_PENDING] = saved[1]
        if postgres and session.in_transaction():
            _set_guc(session.connection(), _guc_value(session))


@contextmanager
def working_for(session: Session, organisation_id: int) -> Iterator[Session]:
    """A back-end session's stretch of work for one organisation, in a savepoint of its own: the reminder sweep
    serves many organisations in one transaction, and one reminder's failure must undo only its own writes.

    Inside the block the session is bound to the organisation; the savepoint, and with it on PostgreSQL the
    row-level security setting for the organisation (after_begin below), begins at the block's first statement,
    so a block that reads only what was read before costs no statement. After it the session is the back end's.
    """
    if session.info.get(_KEY) is not None or session.info.get(_PENDING):
        raise TenancyError("working_for is for the back end's sessions, which are bound to no organisation")
    session.info[_KEY] = (organisation_id,)
    try:
        with session.begin_nested():
            yield session
    finally:
        session.info.pop(_KEY, None)
        if session.in_transaction() and _is_postgres(session):
            connection = session.connection()
            if connection.info.get(_GUC_SET) != ALL:
                _set_guc(connection, ALL)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


ALL = "*"  # the back end's sessions: every organisation


def _guc_value(session: Session) -> str:
    if session.info.get(_PENDING):
        return ""
    ids = session.info.get(_KEY)
    return ALL if ids is None else ",".join(map(str, ids))


_GUC_SET = (
    "notifier.organisations.set"  # on the connection: the value last set (may be stale once its transaction ended)
)


def _set_guc(connection, value: tuple[int, ...] | str) -> None:  # noqa: ANN001
    if not isinstance(value, str):
        value = ",".join(map(str, value))
    connection.execute(text("SELECT set_config('notifier.organisations', :ids, true)"), {"ids": value})
    connection.info[_GUC_SET] = value


def _owns_rows(mapper) -> bool:  # noqa: ANN001
    return issubclass(mapper.class_, OrganisationOwned)


@event.listens_for(Session, "do_orm_execute")
def _narrow_to_bound_organisations(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return
    session = state.session
    if session.info.get(_PENDING):
        if any(_owns_rows(m) for m in _mappers(state)):
            raise TenancyError("an organisation's rows were queried before the request's credentials were resolved")
        return
    ids = session.info.get(_KEY)
    if ids is None:
        return
    state.statement = state.statement.options(*_criteria(ids))


def _criteria(ids: tuple[int, ...]) -> tuple:
    return _criteria_for(ids, len(SQLModel._sa_registry.mappers))  # noqa: SLF001


# Built once per set of organisations, not per statement: making the twenty-odd options cost a sweep more than its
# queries (a reminder step runs about ten statements). Bounded, so a thousand organisations' sessions (or a
# portfolio's sets) hold at most this many; the mapper count in the key rebuilds them when a model is added.
@lru_cache(maxsize=256)
def _criteria_for(ids: tuple[int, ...], _mappers: int) -> tuple:
    # One option per owned class rather than one on the mixin: SQLModel's fields are not attributes of a mixin
    # that has no table, so the criterion is written against each mapped class. The lambdas keep the statement
    # cacheable: `only` and `ids` become bound parameters.
    if len(ids) == 1:
        only = ids[0]
        return tuple(
            with_loader_criteria(cls, lambda c: c.organisation_id == only, include_aliases=True) for cls in _owned()
        )
    return tuple(
        with_loader_criteria(cls, lambda c: c.organisation_id.in_(ids), include_aliases=True) for cls in _owned()
    )


def _owned() -> list[type]:
    return [m.class_ for m in SQLModel._sa_registry.mappers if _owns_rows(m)]  # noqa: SLF001


def _mappers(state: ORMExecuteState) -> list:
    mappers = list(state.all_mappers) if state.is_select else []
    if not state.is_select and state.bind_mapper is not None:
        mappers.append(state.bind_mapper)
    return mappers


@event.listens_for(Session, "before_flush")
def _stamp_and_check_new_rows(session: Session, _flush_context, _instances) -> None:  # noqa: ANN001
    ids = session.info.get(_KEY)
    if session.info.get(_PENDING) and any(isinstance(o, OrganisationOwned) for o in session.new):
        raise TenancyError("an organisation's row was written before the request's credentials were resolved")
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, OrganisationOwned):
            continue
        if obj.organisation_id is None:
            obj.organisation_id = _organisation_for(session, obj, ids)
        if ids is not None and obj.organisation_id not in ids:
            raise TenancyError(
                f"{type(obj).__name__} of organisation {obj.organisation_id} written in a session bound to {ids}"
            )


def _organisation_for(session: Session, obj: OrganisationOwned, ids: tuple[int, ...] | None) -> int:
    return organisation_for(session, type(obj), {"incident_id": getattr(obj, "incident_id", None)}, ids)


def organisation_for(session: Session, model: type, values: dict, ids: tuple[int, ...] | None = None) -> int:
    """The organisation a new row of `model` with `values` belongs to: the bound one, else its incident's, else
    the model's declared default (deployment events in the audit chain). Core INSERTs (insert_ignore, the bulk
    writers) ask here, since no flush hook sees them."""
    if values.get("organisation_id") is not None:
        return values["organisation_id"]
    ids = session.info.get(_KEY) if ids is None else ids
    if ids is not None and len(ids) == 1:
        return ids[0]
    incident_id = values.get("incident_id")
    if incident_id is not None:
        incidents = SQLModel.metadata.tables["incident"]
        with session.no_autoflush:
            found = session.execute(
                select(incidents.c.organisation_id).where(incidents.c.id == incident_id)
            ).scalar_one_or_none()
        if found is not None:
            return found
    fallback = getattr(model, "__default_organisation__", None)
    if fallback is not None:
        return fallback
    raise TenancyError(f"{model.__name__} has no organisation and none can be derived: set organisation_id")


def see_all(connection) -> None:  # noqa: ANN001
    """A Core connection of the back end (migrations, `db copy`) on PostgreSQL: every organisation's rows, for the
    current transaction."""
    _set_guc(connection, ALL)


@event.listens_for(Session, "after_begin")
def _tell_postgres(session: Session, _transaction, connection) -> None:  # noqa: ANN001
    if connection.dialect.name == "postgresql":
        _set_guc(connection, _guc_value(session))


def owned_tables() -> list[str]:
    return sorted(
        m.local_table.name
        for m in SQLModel._sa_registry.mappers
        if _owns_rows(m)  # noqa: SLF001
    )


__all__ = [
    "DEFAULT_ORGANISATION_ID",
    "OrganisationOwned",
    "TenancyError",
    "bind",
    "bound",
    "current",
    "current_or_default",
    "pending",
    "see_all",
    "unscoped",
    "working_for",
]
