"""indexes naming the organisation beside the incident or the state: the portfolio's reads over many organisations

Revision ID: a8c0e2f4b6d8
Revises: f6b8d0e2a4c6
Create Date: 2026-12-03 12:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a8c0e2f4b6d8"
down_revision: str | Sequence[str] | None = "f6b8d0e2a4c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_incident_organisation_state", "incident", ["organisation_id", "state"]),
    ("ix_track_incident_organisation", "track", ["incident_id", "organisation_id"]),
    ("ix_deadline_incident_organisation", "deadline", ["incident_id", "organisation_id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
