"""`notifier db backup`, `db current`, `users list` and where `db copy` finds its database URLs."""

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from notifier import migrate
from notifier.accounts.models import Membership, User
from notifier.accounts.roles import RANK
from notifier.db import make_engine
from notifier.organisation.models import Organisation


class MaintenanceRefused(Exception):
    """The command cannot do what was asked; the message says what to do instead."""


def where(url: str) -> str:
    """The database a URL names, without its password (for messages)."""
    return make_url(url).render_as_string(hide_password=True)


def _existing_sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise MaintenanceRefused(f"{where(url)} is not a database file")
    path = Path(database)
    if not path.is_file():
        # Connecting would create an empty database and report on that instead.
        raise MaintenanceRefused(f"no database file at {path}; check NOTIFIER_DATABASE_URL (and the directory)")
    return path


def pg_dump_hint(url: str) -> str:
    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom", "--file", "FILE"]
    if parsed.host:
        parts += ["--host", parsed.host]
    if parsed.port:
        parts += ["--port", str(parsed.port)]
    if parsed.username:
        parts += ["--username", parsed.username]
    parts.append(parsed.database or "DATABASE")
    return " ".join(parts)


def backup(url: str, target: Path) -> Path:
    """A consistent copy of a SQLite database while the service runs (SQLite's online backup API)."""
    if not url.startswith("sqlite"):
        raise MaintenanceRefused(
            "this database is PostgreSQL: back it up with PostgreSQL's own tool, which takes a consistent "
            f"snapshot while the service runs: {pg_dump_hint(url)} (password from PGPASSWORD or ~/.pgpass; "
            "restore with pg_restore, see docs/operations.md)"
        )
    source_path = _existing_sqlite_file(url)
    if target.exists():
        raise MaintenanceRefused(f"{target} exists; back up to a new file")
    # The copy holds everything the database holds: only its owner may read it.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file (the source is in WAL mode, which would leave the copy needing a -wal file).
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if problems != "ok":
        raise MaintenanceRefused(f"the copy at {target} fails SQLite's integrity check: {problems}")
    return target


@dataclass(frozen=True)
class Revisions:
    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.heads)


def revisions(url: str) -> Revisions:
    if url.startswith("sqlite"):
        _existing_sqlite_file(url)
    heads = ScriptDirectory.from_config(migrate.alembic_config(url)).get_heads()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    finally:
        engine.dispose()
    return Revisions(current=tuple(sorted(current)), heads=tuple(sorted(heads)))


def users(url: str) -> list[dict]:
    if not revisions(url).at_head:
        raise MaintenanceRefused("the database is not at the current schema; run `notifier db upgrade` first")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(User).order_by(User.email)).all()
            slugs = {o.id: o.slug for o in session.exec(select(Organisation))}
            held: dict[int, list[dict]] = {}
            for m in session.exec(select(Membership).order_by(Membership.organisation_id)):
                held.setdefault(m.user_id, []).append({"organisation": slugs[m.organisation_id], "role": m.role})
            return [
                {
                    "email": u.email,
                    "name": u.name,
                    # The highest role the user holds anywhere (the one the second factor follows).
                    "role": max((m["role"] for m in held.get(u.id, [])), key=RANK.__getitem__, default=None),
                    "memberships": held.get(u.id, []),
                    "operator": u.operator,
                    "totp": u.totp_enabled,
                    "language": u.language,
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                    "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                }
                for u in rows
            ]
    finally:
        engine.dispose()


def url_from(flag: str, env_name: str | None, file: str | None) -> str | None:
    """A database URL from an environment variable or a file (never from the command line, where `ps` shows it)."""
    if env_name is not None:
        value = os.environ.get(env_name, "").strip()
        if not value:
            raise MaintenanceRefused(f"{flag}-env: the environment variable {env_name} is not set")
        return value
    if file is None:
        return None
    path = Path(file)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise MaintenanceRefused(f"{flag}-file: cannot read {path}: {exc.strerror}") from None
    urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if len(urls) != 1:
        raise MaintenanceRefused(f"{flag}-file: {path} must hold exactly one database URL (found {len(urls)})")
    return urls[0]


def readable_by_others(file: str | None) -> bool:
    return file is not None and bool(Path(file).stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
