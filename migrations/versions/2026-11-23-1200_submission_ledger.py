"""submission ledger: the exact text and JSON as filed, their hash, recipients and missing fields

Revision ID: 7b3e5c1d9a20
Revises: 441c16379d93
Create Date: 2026-11-23 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '7b3e5c1d9a20'
down_revision: str | None = '441c16379d93'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: submissions confirmed before the ledger existed keep no filed text.
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('json', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('recipients', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('missing', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('missing')
        batch_op.drop_column('recipients')
        batch_op.drop_column('sha256')
        batch_op.drop_column('json')
        batch_op.drop_column('text')
        batch_op.drop_column('language')
