"""append-only audit_record and submission (triggers on SQLite and PostgreSQL); ledger hash version 2 columns

Revision ID: 5a8d2c4e7f10
Revises: a7c2d4e6f812
Create Date: 2026-11-24 09:00:00.000000

The triggers refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of the audit records and the filed submissions
for every client, raw SQL included, not only the ORM. audit_head is left writable: every append moves it, and
`notifier audit verify` checks it against the records instead. The DDL is frozen here (not imported from the
application) so this revision means the same thing forever; tests/audit loads `install_statements` from this file
to put the triggers back after simulating an attacker who dropped them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "5a8d2c4e7f10"
down_revision: str | Sequence[str] | None = "a7c2d4e6f812"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("audit_record", "submission")


def install_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        statements = [
            "CREATE OR REPLACE FUNCTION notifier_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        ]
        for table in TABLES:
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION notifier_append_only()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION notifier_append_only()",
            ]
        return statements
    statements = []
    for table in TABLES:
        for operation in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
            )
    return statements


def remove_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        statements = []
        for table in TABLES:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            ]
        return [*statements, "DROP FUNCTION IF EXISTS notifier_append_only()"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op_}" for table in TABLES for op_ in ("update", "delete")]


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite a batch "move and copy" would rebuild the table, and a rebuilt
    # table loses its triggers. Existing rows keep NULL: hash version 1 (see docs/submission-schema.md).
    op.add_column("submission", sa.Column("hash_version", sa.Integer(), nullable=True))
    op.add_column("submission", sa.Column("ledger_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    for statement in install_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in remove_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("ledger_sha256")
        batch_op.drop_column("hash_version")
