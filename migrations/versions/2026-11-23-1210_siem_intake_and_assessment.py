"""SIEM intake (alerts under a unique (source, external_id), per-source credentials) and significance assessments

Revision ID: c4a1e8f2b610
Revises: 441c16379d93
Create Date: 2026-11-23 12:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import notifier.db_types  # noqa: F401

revision: str = 'c4a1e8f2b610'
down_revision: str | None = '441c16379d93'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('intake_source',
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('token_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('signing_secret', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', notifier.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source')
    )
    op.create_table('intake_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('severity_original', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('observed_at', notifier.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', notifier.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('asset', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('correlation_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'external_id', name='uq_intake_alert_source_external_id')
    )
    with op.batch_alter_table('intake_alert', schema=None) as batch_op:
        batch_op.create_index('ix_intake_alert_correlation', ['correlation_key', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_alert_incident_id'), ['incident_id'], unique=False)

    op.create_table('significance_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('significant', sa.Boolean(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('assessor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('assessed_at', notifier.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('confirmed_at', notifier.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id', 'version')
    )
    with op.batch_alter_table('significance_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_significance_assessment_incident_id'), ['incident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('significance_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_significance_assessment_incident_id'))

    op.drop_table('significance_assessment')
    with op.batch_alter_table('intake_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_alert_incident_id'))
        batch_op.drop_index('ix_intake_alert_correlation')

    op.drop_table('intake_alert')
    op.drop_table('intake_source')
