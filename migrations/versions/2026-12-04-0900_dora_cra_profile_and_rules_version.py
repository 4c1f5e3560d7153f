"""DORA and CRA in the organisation profile; the regime version a track's clock started under

organisation: dora_entity_type, lei, country (DORA's bank holidays), dora_no_weekend_extension (2025/301 art. 5(5)
and (6)), cra_manufacturer. track.workflow_version: the version of workflows/<regime>.yaml in force when the clock
started, so a later version never moves a running deadline (reference section 8). Tracks from before are left NULL
and follow today's version, which is the only one there was.

Revision ID: b1d3f5a7c9e1
Revises: a8c0e2f4b6d8
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b1d3f5a7c9e1"
down_revision: str | Sequence[str] | None = "a8c0e2f4b6d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("dora_entity_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("lei", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("country", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="NL"))
        batch_op.add_column(
            sa.Column("dora_no_weekend_extension", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("cra_manufacturer", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("track") as batch_op:
        batch_op.add_column(sa.Column("workflow_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("track") as batch_op:
        batch_op.drop_column("workflow_version")
    with op.batch_alter_table("organisation") as batch_op:
        for column in ("cra_manufacturer", "dora_no_weekend_extension", "country", "lei", "dora_entity_type"):
            batch_op.drop_column(column)
