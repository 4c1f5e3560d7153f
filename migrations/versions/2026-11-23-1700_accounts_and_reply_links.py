"""accounts and reply links (issue 11): recovery codes, the pending TOTP secret on the server, the last TOTP step
used and wrong codes per user; a row per mailed processor reply link, and the link each answer came through

Revision ID: f1f5df3f9429
Revises: 3e6b9f0c2d17
Create Date: 2026-11-23 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import notifier.db_types  # noqa: F401

revision: str = "f1f5df3f9429"
down_revision: str | None = "3e6b9f0c2d17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", notifier.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("user_recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_recovery_code_user_id"), ["user_id"], unique=False)

    op.create_table(
        "processor_reply_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("created_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", notifier.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["incident_processor.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("processor_reply_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processor_reply_link_link_id"), ["link_id"], unique=False)

    with op.batch_alter_table("processor_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_link_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_processor_answer_reply_link_id", "processor_reply_link", ["reply_link_id"], ["id"]
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("totp_failures", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_failures")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_pending_secret")

    with op.batch_alter_table("processor_answer", schema=None) as batch_op:
        batch_op.drop_constraint("fk_processor_answer_reply_link_id", type_="foreignkey")
        batch_op.drop_column("reply_link_id")

    with op.batch_alter_table("processor_reply_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processor_reply_link_link_id"))

    op.drop_table("processor_reply_link")
    with op.batch_alter_table("user_recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_recovery_code_user_id"))

    op.drop_table("user_recovery_code")
