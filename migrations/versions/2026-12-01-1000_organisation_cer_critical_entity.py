"""organisation.cer_critical_entity: a CER / Wwke critical entity is essential under the Cbw whatever its size

Revision ID: a7c2d4e6f812
Revises: f1f5df3f9429
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c2d4e6f812"
down_revision: str | Sequence[str] | None = "f1f5df3f9429"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cer_critical_entity", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("cer_critical_entity")
