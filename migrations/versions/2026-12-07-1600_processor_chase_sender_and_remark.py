"""the processor chase says who asks: a mail's own From display name and Reply-To, and the reply's free-text remark

An information request comes from "<organisation> via meldplicht" with the officer as Reply-To (the deployment's
From address and Reply-To stay the default of every other mail); a processor's answer can carry a remark beside
the facts (issue 17, section 5). All nullable: existing rows keep their meaning.

Revision ID: e3a5c7e9b1d3
Revises: c7e9a1b3d5f7
Create Date: 2026-12-07 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e3a5c7e9b1d3"
down_revision: str | Sequence[str] | None = "c7e9a1b3d5f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("reply_to", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("processor_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remark", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("processor_answer", schema=None) as batch_op:
        batch_op.drop_column("remark")
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
        batch_op.drop_column("from_name")
