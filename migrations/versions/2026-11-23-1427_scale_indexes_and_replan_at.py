"""scale: deadline.replan_at, the sweep's step index; merges the parallel branches

Revision ID: 9d4f2a7c1e85
Revises: 7b3e5c1d9a20, c4a1e8f2b610, 7c3e9a51d2f4, f1019f0900a5
Create Date: 2026-11-23 14:27:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import notifier.db_types

revision: str = "9d4f2a7c1e85"
down_revision: str | Sequence[str] | None = (
    "7b3e5c1d9a20",
    "c4a1e8f2b610",
    "7c3e9a51d2f4",
    "f1019f0900a5",  # signin throttle and session generation, on top of 5b8d0e2f7a61 (web users)
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replan_at", notifier.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_deadline_replan_at"), ["replan_at"], unique=False)
    # Every existing deadline is planned once by the first sweep after the upgrade, as before this column existed.
    op.execute("UPDATE deadline SET replan_at = updated_at")
    with op.batch_alter_table("reminder_step", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_step_status_due_at", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder_step", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_step_status_due_at")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_replan_at"))
        batch_op.drop_column("replan_at")
