"""significance_assessment.rules_version and .warnings: rules v2 (2024/2690 art. 3(1) "capable of causing", art. 3(2))

Existing rows get rules_version 1 and no warnings: they were proposed under the old rules and are never recomputed.

Revision ID: c3e8a1f0b7d2
Revises: 5a8d2c4e7f10
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e8a1f0b7d2"
down_revision: str | Sequence[str] | None = "5a8d2c4e7f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("significance_assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_version", sa.Integer(), nullable=False, server_default=sa.text("1")))
        batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("significance_assessment", schema=None) as batch_op:
        batch_op.drop_column("warnings")
        batch_op.drop_column("rules_version")
