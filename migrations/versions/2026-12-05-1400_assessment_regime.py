"""significance_assessment.regime: several regimes have an assistant, each counting its own versions

Existing rows were all proposed by the significance assistant of the Cbw (the only one there was). The unique
constraint (incident_id, version) becomes (incident_id, regime, version).

Revision ID: c2e4a6b8d0f2
Revises: b1d3f5a7c9e1
Create Date: 2026-12-05 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c2e4a6b8d0f2"
down_revision: str | Sequence[str] | None = "b1d3f5a7c9e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's unnamed unique constraints get these names when reflected (as in d4f6a8b0c2e4), so batch mode can drop
# them; PostgreSQL named it <table>_<columns>_key.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
NEW = "uq_significance_assessment_incident_regime_version"


def _old_name() -> str:
    sqlite = op.get_bind().dialect.name == "sqlite"
    return "uq_significance_assessment_incident_id" if sqlite else "significance_assessment_incident_id_version_key"


def upgrade() -> None:
    with op.batch_alter_table("significance_assessment", naming_convention=NAMING) as batch_op:
        batch_op.add_column(
            sa.Column("regime", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="cbw")
        )
        batch_op.drop_constraint(_old_name(), type_="unique")
        batch_op.create_unique_constraint(NEW, ["incident_id", "regime", "version"])
    with op.batch_alter_table("significance_assessment") as batch_op:
        batch_op.alter_column("regime", existing_type=sqlmodel.sql.sqltypes.AutoString(), server_default=None)


def downgrade() -> None:
    # Versions of other regimes would collide with the Cbw's under the old constraint: they go.
    op.execute("DELETE FROM significance_assessment WHERE regime <> 'cbw'")
    with op.batch_alter_table("significance_assessment", naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(NEW, type_="unique")
        batch_op.create_unique_constraint(_old_name(), ["incident_id", "version"])
        batch_op.drop_column("regime")
