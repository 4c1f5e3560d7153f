"""the product register: products with digital elements per organisation (name, version, member states)

A manufacturer's duties under the Cyber Resilience Act name the product they concern and the member states where it
is made available (Regulation (EU) 2024/2847 art. 14(2)(a) and 14(4)(a)). Owned by an organisation like every
tenant table, with the same row-level security on PostgreSQL (d4f6a8b0c2e4).

Revision ID: c7e9a1b3d5f7
Revises: c2e4a6b8d0f2
Create Date: 2026-12-05 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import notifier.db_types

revision: str = "c7e9a1b3d5f7"
down_revision: str | Sequence[str] | None = "c2e4a6b8d0f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule of d4f6a8b0c2e4, repeated so this revision stands on its own.
RLS_RULE = (
    "CASE WHEN coalesce(current_setting('notifier.organisations', true), '') = '*' THEN true "
    "ELSE organisation_id = ANY (string_to_array(nullif(current_setting('notifier.organisations', true), ''), ',')"
    "::int[]) END"
)


def upgrade() -> None:
    op.create_table(
        "product",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("member_states", sa.JSON(), nullable=False),
        sa.Column("created_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "name", "version", name="uq_product_organisation_name_version"),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_organisation_id"), ["organisation_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE product ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE product FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY organisation_isolation ON product USING ({RLS_RULE}) WITH CHECK ({RLS_RULE})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS organisation_isolation ON product")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_organisation_id"))
    op.drop_table("product")
