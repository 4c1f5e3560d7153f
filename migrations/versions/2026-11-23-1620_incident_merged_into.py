"""incident.merged_into_id: where a merged incident's alerts went (was a key inside incident.facts)

Revision ID: 3e6b9f0c2d17
Revises: 9d4f2a7c1e85
Create Date: 2026-11-23 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e6b9f0c2d17"
down_revision: str | Sequence[str] | None = "9d4f2a7c1e85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

incident = sa.table(
    "incident", sa.column("id", sa.Integer), sa.column("facts", sa.JSON), sa.column("merged_into_id", sa.Integer)
)


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_incident_merged_into_id", "incident", ["merged_into_id"], ["id"])
    # Move the value out of the facts, in Python: JSON functions differ between SQLite and PostgreSQL.
    conn = op.get_bind()
    for row_id, facts in conn.execute(sa.select(incident.c.id, incident.c.facts)).all():
        if isinstance(facts, dict) and "merged_into" in facts:
            rest = {k: v for k, v in facts.items() if k != "merged_into"}
            target = facts["merged_into"]
            conn.execute(
                incident.update()
                .where(incident.c.id == row_id)
                .values(facts=rest, merged_into_id=target if isinstance(target, int) else None)
            )


def downgrade() -> None:
    conn = op.get_bind()
    merged = conn.execute(
        sa.select(incident.c.id, incident.c.facts, incident.c.merged_into_id).where(
            incident.c.merged_into_id.is_not(None)
        )
    ).all()
    for row_id, facts, target in merged:
        conn.execute(incident.update().where(incident.c.id == row_id).values(facts={**(facts or {}), "merged_into": target}))
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint("fk_incident_merged_into_id", type_="foreignkey")
        batch_op.drop_column("merged_into_id")
