"""organisation address and DPO registration, contact job title and availability: what the NCSC and AP forms ask

Revision ID: b3e5f7a9c1d2
Revises: c3e8a1f0b7d2
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b3e5f7a9c1d2"
down_revision: str | Sequence[str] | None = "c3e8a1f0b7d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("city", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("dpo_registered_with_ap", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("dpo_ap_registration_number", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_title", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("availability", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("availability")
        batch_op.drop_column("job_title")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("dpo_ap_registration_number")
        batch_op.drop_column("dpo_registered_with_ap")
        batch_op.drop_column("city")
        batch_op.drop_column("postcode")
        batch_op.drop_column("street")
