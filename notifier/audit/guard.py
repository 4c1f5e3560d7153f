"""Whether the database still refuses UPDATE and DELETE of the audit records and the ledger.

The triggers are installed by migration 5a8d2c4e7f10. Someone with write access can drop them (and that is how
the tamper tests simulate an attacker), so their absence is reported by `notifier audit verify`: it means the
guard was lifted, deliberately or by a table rebuild (a SQLite batch migration of one of these tables drops them).
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection

EXPECTED = {
    "sqlite": (
        "audit_record_no_update",
        "audit_record_no_delete",
        "submission_no_update",
        "submission_no_delete",
    ),
    "postgresql": (
        "audit_record_append_only",
        "audit_record_no_truncate",
        "submission_append_only",
        "submission_no_truncate",
    ),
}


def missing_triggers(conn: Connection) -> list[str]:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        present = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    elif dialect == "postgresql":
        # A disabled trigger (ALTER TABLE ... DISABLE TRIGGER) guards nothing: count only enabled ones.
        present = set(
            conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")).scalars()
        )
    else:
        return []
    return [name for name in EXPECTED[dialect] if name not in present]


def problems(conn: Connection) -> list[str]:
    return [
        f"database trigger {name} is missing or disabled (UPDATE/DELETE of the audit or ledger tables is not refused)"
        for name in missing_triggers(conn)
    ]
