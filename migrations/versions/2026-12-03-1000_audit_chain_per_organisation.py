"""an audit chain per organisation: audit_head keyed by organisation, audit_record.seq unique per organisation

The single chain becomes the default organisation's (id 1): its head row moves to organisation_id 1 and every
record keeps its seq and hash (notifier/audit/chain.py explains how the other organisations' chains start).
Downgrade folds the chains back into one only when no other organisation has audit records: the table is
append-only, and renumbering them into one global seq would rewrite every hash.

Revision ID: e5a7c9d1f3b5
Revises: d4f6a8b0c2e4
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e5a7c9d1f3b5"
down_revision: str | Sequence[str] | None = "d4f6a8b0c2e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's unnamed unique constraints get these names when reflected, so batch mode can drop them.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


# As in d4f6a8b0c2e4 (a migration is frozen, so it carries its own copy).
RLS_RULE = (
    "CASE WHEN coalesce(current_setting('notifier.organisations', true), '') = '*' THEN true "
    "ELSE organisation_id = ANY (string_to_array(nullif(current_setting('notifier.organisations', true), ''), ',')"
    "::int[]) END"
)


def _sqlite_append_only(table: str) -> list[str]:
    # Frozen copy of the triggers of 5a8d2c4e7f10: recreating a table on SQLite (batch mode) drops them.
    return [
        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def _heads(bind: sa.engine.Connection, key: str) -> list[sa.Row]:
    head = sa.table("audit_head", sa.column(key), sa.column("seq"), sa.column("hash"))
    return bind.execute(sa.select(head.c[key], head.c.seq, head.c.hash)).all()


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"

    # The head's key changes from a constant id to the organisation: a new table is simpler than altering a
    # primary key in SQLite batch mode, and it holds one row.
    heads = _heads(bind, "id")
    op.drop_table("audit_head")
    op.create_table(
        "audit_head",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("organisation_id"),
    )
    head = sa.table("audit_head", sa.column("organisation_id"), sa.column("seq"), sa.column("hash"))
    # Only the row with id 1 ever existed (the appenders locked id 1); the migration 441c16379d93 seeded it.
    old = next((h for h in heads if h.id == 1), None)
    bind.execute(
        head.insert().values(organisation_id=1, seq=old.seq if old else 0, hash=old.hash if old else "0" * 64)
    )

    if sqlite:
        with op.batch_alter_table("audit_record", recreate="always", naming_convention=NAMING) as batch_op:
            batch_op.drop_constraint("uq_audit_record_seq", type_="unique")
            batch_op.create_unique_constraint("uq_audit_record_organisation_seq", ["organisation_id", "seq"])
        for statement in _sqlite_append_only("audit_record"):
            op.execute(statement)
    else:
        op.drop_constraint("audit_record_seq_key", "audit_record", type_="unique")
        op.create_unique_constraint("uq_audit_record_organisation_seq", "audit_record", ["organisation_id", "seq"])
        # The head is an organisation's row now: the same row-level security as the other owned tables (d4f6a8b0c2e4).
        op.execute("ALTER TABLE audit_head ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_head FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY organisation_isolation ON audit_head USING ({RLS_RULE}) WITH CHECK ({RLS_RULE})")


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if not sqlite:
        op.execute("DROP POLICY IF EXISTS organisation_isolation ON audit_head")
    others = bind.execute(sa.text("SELECT count(*) FROM audit_record WHERE organisation_id <> 1")).scalar()
    if others:
        raise RuntimeError(
            f"{others} audit record(s) belong to organisations other than the default one; one global chain "
            "cannot hold them without rewriting every hash (export them first: notifier audit export)"
        )

    if sqlite:
        with op.batch_alter_table("audit_record", recreate="always", naming_convention=NAMING) as batch_op:
            batch_op.drop_constraint("uq_audit_record_organisation_seq", type_="unique")
            batch_op.create_unique_constraint("uq_audit_record_seq", ["seq"])
        for statement in _sqlite_append_only("audit_record"):
            op.execute(statement)
    else:
        op.drop_constraint("uq_audit_record_organisation_seq", "audit_record", type_="unique")
        op.create_unique_constraint("audit_record_seq_key", "audit_record", ["seq"])

    heads = _heads(bind, "organisation_id")
    op.drop_table("audit_head")
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    old = next((h for h in heads if h.organisation_id == 1), None)
    head = sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    bind.execute(head.insert().values(id=1, seq=old.seq if old else 0, hash=old.hash if old else "0" * 64))
