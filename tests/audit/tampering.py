"""What an attacker with write access to the database does: lift the append-only triggers, change rows with raw
SQL, and (to hide that the guard was lifted) put the triggers back. The trigger DDL comes from the migration."""

import importlib.util
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MIGRATION = next((Path(__file__).parents[2] / "migrations" / "versions").glob("*_append_only_audit_and_ledger.py"))


def _migration():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("append_only_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _statements(dialect: str) -> tuple[list[str], list[str]]:
    module = _migration()
    return module.remove_statements(dialect), module.install_statements(dialect)


def tamper(db_url: str, *statements: str | tuple[str, dict], restore: bool = True) -> None:
    """Drop the triggers, run `statements` (SQL, or (SQL, {name: value}) with :name placeholders), and put the
    triggers back unless told not to."""
    steps = [s if isinstance(s, tuple) else (s, {}) for s in statements]
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        drop, install = _statements("sqlite")
        conn = sqlite3.connect(url.database)  # the sqlite3 module, not the application's engine
        try:
            for sql in drop:
                conn.execute(sql)
            for sql, params in steps:
                conn.execute(sql, params)
            if restore:
                for sql in install:
                    conn.execute(sql)
            conn.commit()
        finally:
            conn.close()
        return
    drop, install = _statements("postgresql")
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            for sql in drop:
                conn.execute(text(sql))
            for sql, params in steps:
                conn.execute(text(sql), params)
            if restore:
                for sql in install:
                    conn.execute(text(sql))
    finally:
        engine.dispose()
