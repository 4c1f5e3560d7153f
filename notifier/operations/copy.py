"""`notifier db copy`: move every row from one database to another (SQLite -> PostgreSQL, or back).

The target is migrated to the same schema first and must be empty; tables are copied parents first, in batches,
in one transaction, and PostgreSQL sequences are moved past the copied ids.
"""

from collections.abc import Callable

from sqlalchemy import Engine, func, insert, select, text
from sqlmodel import SQLModel

import notifier.models  # noqa: F401  (every table on the metadata)
from notifier import migrate, tenancy
from notifier.db import make_engine


class CopyRefused(Exception):
    pass


def copy_database(
    source_url: str, target_url: str, *, batch: int = 1000, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    migrate.upgrade(target_url)
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        if not migrate.is_current(source, source_url):
            raise CopyRefused("the source database is not at the current schema; run `notifier db upgrade` on it")
        tables = [t for t in SQLModel.metadata.sorted_tables]
        # What the migrations themselves write into an empty database (the chain head, the default organisation)
        # is replaced by the source's rows.
        seeded = {"audit_head", "organisation"}
        with target.connect() as conn:
            _see_all(conn)
            busy = [
                t.name
                for t in tables
                if t.name not in seeded and conn.execute(select(func.count()).select_from(t)).scalar()
            ]
            busy += _more_than_the_default_organisation(conn)
        if busy:
            raise CopyRefused(f"the target database is not empty (tables with rows: {', '.join(busy)})")
        counts: dict[str, int] = {}
        with source.connect() as src, target.begin() as dst:
            _see_all(src)
            _see_all(dst)
            # Children first: the default organisation's chain head refers to the organisation row.
            for table in reversed(tables):
                if table.name in seeded:
                    dst.execute(table.delete())
            for table in tables:
                rows, copied = src.execute(select(table)).mappings(), 0
                while chunk := rows.fetchmany(batch):
                    dst.execute(insert(table), [dict(r) for r in chunk])
                    copied += len(chunk)
                counts[table.name] = copied
                if progress:
                    progress(table.name, copied)
            if target.dialect.name == "postgresql":
                _bump_sequences(dst, tables)
        return counts
    finally:
        source.dispose()
        target.dispose()


def _see_all(conn) -> None:  # noqa: ANN001
    """A copy moves every organisation's rows: past the row-level security of a PostgreSQL end."""
    if conn.dialect.name == "postgresql":
        tenancy.see_all(conn)


def _more_than_the_default_organisation(conn) -> list[str]:  # noqa: ANN001
    organisation = SQLModel.metadata.tables["organisation"]
    return ["organisation"] if conn.execute(select(func.count()).select_from(organisation)).scalar() > 1 else []


def _bump_sequences(conn, tables) -> None:  # noqa: ANN001
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.type.python_type is int and column.autoincrement == "auto"):
                seq = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                ).scalar()
                if seq:
                    conn.execute(
                        text(
                            f"SELECT setval('{seq}', COALESCE((SELECT max({column.name}) FROM "
                            f"{table.name}), 0) + 1, false)"
                        )
                    )


def engines_equal(a: Engine, b: Engine) -> bool:
    """Row counts per table match (used by the tests and printed by the command)."""
    with a.connect() as ca, b.connect() as cb:
        _see_all(ca)
        _see_all(cb)
        return all(
            ca.execute(select(func.count()).select_from(t)).scalar()
            == cb.execute(select(func.count()).select_from(t)).scalar()
            for t in SQLModel.metadata.sorted_tables
        )
