"""Database engine and sessions.

SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE: every transaction takes the write lock up
front, so two processes never both read a value and then race to write it (the audit chain and the deadline
claims rely on that). PostgreSQL uses row locks (SELECT ... FOR UPDATE) for the same purpose.

Durability: SQLite runs with synchronous=FULL by default, so every commit (an intake batch, a filing, an audit
append) is synced to disk before it returns and survives an OS crash or a power cut, not only a killed process.
Group commit makes that one sync per intake batch. NOTIFIER_SQLITE_SYNCHRONOUS=normal trades it for speed (a commit
then survives a killed process, but the last ones can be rolled back by an OS crash). PostgreSQL's durability is
the server's: `fsync` and `synchronous_commit` on (its defaults); `durability()` reports what the server says.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import ColumnElement, Engine, event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine, select

from notifier import tenancy

log = structlog.get_logger("notifier.db")


def _prepare_sqlite_path(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


class DriverMissing(RuntimeError):
    """The URL names a database whose driver is not installed (PostgreSQL support is the `postgres` extra)."""


SQLITE_SYNCHRONOUS = {"full": "FULL", "normal": "NORMAL"}
_SQLITE_LEVELS = {0: "off", 1: "normal", 2: "full", 3: "extra"}


def make_engine(url: str, *, synchronous: str = "full") -> Engine:
    """`synchronous` (SQLite only): "full" (the default, durable against power loss) or "normal"."""
    if url.startswith("sqlite"):
        pragma_synchronous = f"PRAGMA synchronous={SQLITE_SYNCHRONOUS[synchronous]}"
        _prepare_sqlite_path(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            # Let SQLAlchemy's "begin" event below issue BEGIN itself, instead of pysqlite's deferred BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(pragma_synchronous)
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("psycopg"):
            raise
        raise DriverMissing(
            f"the database URL needs the Python module {exc.name}, which is not installed: install PostgreSQL "
            "support with pip install 'meldplicht[postgres]' and write the URL as postgresql+psycopg://..."
        ) from None


_AFTER_COMMIT = "notifier.after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's unit of work has committed (session_scope, or the request's session in
    deps.py), and not at all if it rolls back. For work that must not see, or be seen before, uncommitted rows:
    clearing a cache another request would refill from the old rows, or writing through a second session, which
    on SQLite would wait for this transaction's write lock (BEGIN IMMEDIATE, make_engine). A callback that
    fails is logged, not raised. (The audit checkpoint after a filing has its own older hook on SQLAlchemy's
    after_commit event, audit/checkpoint.py; it fires for the same commit.)"""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_rollback")
def _forget_after_commit(session: Session) -> None:
    # A rollback in the middle (a page showing its form again after a refused change) undoes the work the
    # callbacks were waiting for.
    session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit when the block ends normally, roll back when it raises (anything: HTTPException, cancellation);
    then run the after_commit callbacks. The one place a request's or a job's transaction commits."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop(_AFTER_COMMIT, None)
        raise
    for callback in session.info.pop(_AFTER_COMMIT, ()):
        try:
            callback()
        except Exception:
            # The work is committed: an error answer now would make the client repeat it (a second token
            # rotation). What is left undone is safe to leave: a sign-in attempt not taken back stays counted as a
            # failure, a credentials cache not cleared expires by itself (intake/auth.py).
            log.exception("db.after_commit_failed", callback=getattr(callback, "__qualname__", repr(callback)))


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work of its own (a scheduler job, a CLI command, a component that must commit independently of
    the request, such as the sign-in throttle): commit on success, roll back on any error. Services flush."""
    with Session(engine, expire_on_commit=False) as session, unit_of_work(session):
        yield session


def insert_ignore(session: Session, model: type, values: dict[str, Any]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new row's id, or None when a row with the same unique key exists
    (a concurrent writer, or the same work done twice). RETURNING tells the two apart on both dialects, where
    rowcount cannot (it is -1 on PostgreSQL here)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    if issubclass(model, tenancy.OrganisationOwned):
        values = {**values, "organisation_id": tenancy.organisation_for(session, model, values)}
    row = session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(model.id)).first()
    return None if row is None else row[0]


def insert_ignore_many(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """insert_ignore for many rows in one statement: each row that conflicts with one already there is left out.
    Every row names its organisation_id (no lookup per row)."""
    if not rows:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)


def claim_one(
    session: Session,
    model: type,
    *conditions: ColumnElement[bool],
    values: dict[str, Any],
    order_by: tuple = (),
) -> Any | None:
    """Claim the first row matching `conditions` by setting `values` on it; None when there is none to take.

    Two workers (threads, processes, replicas) never claim the same row. On PostgreSQL the row is locked with
    FOR UPDATE SKIP LOCKED, so a second worker passes over it instead of waiting. On SQLite the transaction holds
    the write lock from BEGIN IMMEDIATE (make_engine). On both the UPDATE repeats the conditions, so a row that
    stopped matching meanwhile is not claimed. The claim lasts as long as the caller's transaction does not roll
    back; commit it before slow work that must not be repeated by another worker.
    """
    query = select(model).where(*conditions).order_by(*order_by).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.exec(query).first()
    if row is None:
        return None
    result = session.execute(
        update(model)
        .where(model.id == row.id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    session.refresh(row)
    return row


def claim_many(
    session: Session, model: type, ids: list[int], *conditions: ColumnElement[bool], values: dict[str, Any]
) -> list[int]:
    """Claim those of the rows `ids` that still match `conditions`, in one statement; the ids claimed.

    The guarantees of claim_one, for a batch: on PostgreSQL rows another worker holds are passed over (FOR UPDATE
    SKIP LOCKED in the subquery), on SQLite BEGIN IMMEDIATE serialises the workers, and on both the UPDATE repeats
    the conditions, so a row that stopped matching is not claimed.
    """
    if not ids:
        return []
    candidates = model.id.in_(ids)
    if session.get_bind().dialect.name == "postgresql":
        candidates = model.id.in_(
            select(model.id).where(candidates, *conditions).with_for_update(skip_locked=True).scalar_subquery()
        )
    claimed = session.execute(
        update(model)
        .where(candidates, *conditions)
        .values(**values)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return list(claimed.scalars())


def durability(engine: Engine) -> dict[str, str | bool]:
    """What a commit survives on this database, as the database itself reports it (logged when `serve` starts).
    `power_loss_safe` is False when a commit can be lost by an OS crash or a power cut."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            level = _SQLITE_LEVELS.get(conn.exec_driver_sql("PRAGMA synchronous").scalar(), "unknown")
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            return {
                "database": "sqlite",
                "journal_mode": journal,
                "synchronous": level,
                "power_loss_safe": level in ("full", "extra"),
            }
        fsync = conn.exec_driver_sql("SHOW fsync").scalar()
        commit = conn.exec_driver_sql("SHOW synchronous_commit").scalar()
        safe = fsync == "on" and commit in ("on", "remote_write", "remote_apply")
        return {"database": engine.dialect.name, "fsync": fsync, "synchronous_commit": commit, "power_loss_safe": safe}
