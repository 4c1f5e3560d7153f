"""sign-in failures per client (shared rate limit) and users.session_generation (sign-out revokes the session)

Revision ID: f1019f0900a5
Revises: 5b8d0e2f7a61
Create Date: 2026-11-23 14:26:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import notifier.db_types  # noqa: F401

revision: str = 'f1019f0900a5'
down_revision: str | None = '5b8d0e2f7a61'
branch_labels: str | Sequence[str] | None = None
# Branches off web_users: it alters the users table made there.
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('signin_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failed_at', notifier.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signin_failure', schema=None) as batch_op:
        batch_op.create_index('ix_signin_failure_client_at', ['client', 'failed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signin_failure_failed_at'), ['failed_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')

    with op.batch_alter_table('signin_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_failure_failed_at'))
        batch_op.drop_index('ix_signin_failure_client_at')

    op.drop_table('signin_failure')
