"""several organisations: a slug per organisation, memberships, API tokens, and organisation_id on every owned table

An existing deployment becomes its default organisation (id 1, slug derived from its name); every row it holds is
that organisation's, every user a member with the role they had, and its administrators the deployment's operators.
Nothing is renumbered.

Revision ID: d4f6a8b0c2e4
Revises: b3e5f7a9c1d2
Create Date: 2026-12-03 09:00:00.000000
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import notifier.db_types

revision: str = "d4f6a8b0c2e4"
down_revision: str | Sequence[str] | None = "b3e5f7a9c1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = (
    "incident",
    "track",
    "submission",
    "report_request",
    "deadline",
    "reminder_step",
    "significance_assessment",
    "processor",
    "incident_processor",
    "processor_reply_link",
    "processor_answer",
    "intake_alert",
    "calendar_token",
    "outbox_mail",
    "audit_record",
)
# Recreating a table on SQLite (batch mode) drops its triggers: the append-only ones are put back.
APPEND_ONLY = ("audit_record", "submission")
# SQLite's unnamed unique constraints get these names when reflected, so batch mode can drop them.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _intake_source_table(name: str, *, owned: bool) -> None:
    """intake_source keyed by (organisation, source): each organisation has its own token for a tool."""
    columns = [
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("token_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("signing_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
    ]
    if owned:
        op.create_table(
            name,
            sa.Column("organisation_id", sa.Integer(), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                ["organisation_id"], ["organisation.id"], name="fk_intake_source_organisation_id_organisation"
            ),
            sa.PrimaryKeyConstraint("organisation_id", "source", name="pk_intake_source"),
        )
    else:
        op.create_table(name, *columns, sa.PrimaryKeyConstraint("source"))


def _replace_intake_source(*, owned: bool) -> None:
    kept = "source, token_sha256, signing_secret, updated_by, updated_at"
    _intake_source_table("intake_source_new", owned=owned)
    if owned:
        op.execute(f"INSERT INTO intake_source_new (organisation_id, {kept}) SELECT 1, {kept} FROM intake_source")
    else:
        op.execute(f"INSERT INTO intake_source_new ({kept}) SELECT {kept} FROM intake_source WHERE organisation_id = 1")
    op.drop_table("intake_source")
    op.rename_table("intake_source_new", "intake_source")


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "default"


# Row-level security on PostgreSQL, the second wall behind notifier/tenancy.py: a transaction sees the rows of the
# organisations in `notifier.organisations` (set by the application per transaction), every row for "*" (the
# back end), and none when it is unset. CASE keeps the cast away from "*".
RLS_TABLES = (*OWNED, "intake_source", "contact", "api_token")
RLS_RULE = (
    "CASE WHEN coalesce(current_setting('notifier.organisations', true), '') = '*' THEN true "
    "ELSE organisation_id = ANY (string_to_array(nullif(current_setting('notifier.organisations', true), ''), ',')"
    "::int[]) END"
)


def _row_level_security() -> None:
    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY organisation_isolation ON {table} USING ({RLS_RULE}) WITH CHECK ({RLS_RULE})")


def _no_row_level_security() -> None:
    for table in RLS_TABLES:
        op.execute(f"DROP POLICY IF EXISTS organisation_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def _sqlite_append_only(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.alter_column("sector", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        batch_op.alter_column("entity_type", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    organisation = sa.table(
        "organisation",
        *(sa.column(c) for c in ("id", "name", "slug", "trust_service_provider", "cer_critical_entity", "timezone")),
        sa.column("dpo_registered_with_ap"),
        sa.column("updated_at", notifier.db_types.UTCDateTime(timezone=True)),
    )
    row = bind.execute(sa.select(organisation.c.name).where(organisation.c.id == 1)).first()
    if row is None:
        bind.execute(
            organisation.insert().values(
                id=1,
                name="Default organisation",
                slug="default",
                trust_service_provider=False,
                cer_critical_entity=False,
                dpo_registered_with_ap=False,
                timezone="Europe/Amsterdam",
                updated_at=sa.func.now(),
            )
        )
    else:
        bind.execute(organisation.update().where(organisation.c.id == 1).values(slug=slugify(row.name)))
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.alter_column("slug", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False)
        batch_op.create_unique_constraint("uq_organisation_slug", ["slug"])

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), server_default="local", nullable=False),
        sa.Column("created_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "organisation_id", name="uq_membership_user_organisation"),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)

    users = sa.table("users", sa.column("id"), sa.column("role"), sa.column("created_at"), sa.column("operator"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operator", sa.Boolean(), server_default="0", nullable=False))
    membership = sa.table(
        "membership", sa.column("user_id"), sa.column("organisation_id"), sa.column("role"), sa.column("created_at")
    )
    people = bind.execute(sa.select(users.c.id, users.c.role, users.c.created_at)).all()
    if people:
        bind.execute(
            membership.insert(),
            [{"user_id": p.id, "organisation_id": 1, "role": p.role, "created_at": p.created_at} for p in people],
        )
    bind.execute(users.update().where(users.c.role == "administrator").values(operator=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("role")

    op.create_table(
        "api_token",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("token_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", notifier.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", notifier.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", notifier.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "portfolio_calendar_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", notifier.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
        sa.UniqueConstraint("user_id"),
    )

    for table in OWNED:
        column = sa.Column("organisation_id", sa.Integer(), nullable=False, server_default="1")
        fk = f"fk_{table}_organisation_id_organisation"
        if sqlite:
            # Two passes: the first fills the new column with 1 while copying; the second drops that default, so
            # a row written without an organisation is refused instead of landing in the default one.
            with op.batch_alter_table(table, recreate="always", naming_convention=NAMING) as batch_op:
                batch_op.add_column(column)
                batch_op.create_foreign_key(fk, "organisation", ["organisation_id"], ["id"])
            with op.batch_alter_table(table, recreate="always", naming_convention=NAMING) as batch_op:
                batch_op.alter_column("organisation_id", existing_type=sa.Integer(), server_default=None)
        else:
            op.add_column(table, column)
            op.create_foreign_key(fk, table, "organisation", ["organisation_id"], ["id"])
            op.alter_column(table, "organisation_id", server_default=None)
        op.create_index(f"ix_{table}_organisation_id", table, ["organisation_id"], unique=False)

    _replace_intake_source(owned=True)
    with op.batch_alter_table("intake_alert", schema=None) as batch_op:
        batch_op.drop_constraint("uq_intake_alert_source_external_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_intake_alert_organisation_source_external_id", ["organisation_id", "source", "external_id"]
        )
    with op.batch_alter_table("processor", schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint("uq_processor_name" if sqlite else "processor_name_key", type_="unique")
        batch_op.create_unique_constraint("uq_processor_organisation_name", ["organisation_id", "name"])
    with op.batch_alter_table("calendar_token", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_calendar_token_organisation", ["organisation_id"])
        batch_op.create_unique_constraint("uq_calendar_token_token", ["token"])

    if sqlite:
        for table in APPEND_ONLY:
            for statement in _sqlite_append_only(table):
                op.execute(statement)
    else:
        # Rows inserted with explicit ids (organisation 1, the calendar token's row 1) left the sequences behind.
        for table in ("organisation", "calendar_token"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        _row_level_security()


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if not sqlite:
        _no_row_level_security()
    with op.batch_alter_table("calendar_token", schema=None) as batch_op:
        batch_op.drop_constraint("uq_calendar_token_token", type_="unique")
        batch_op.drop_constraint("uq_calendar_token_organisation", type_="unique")
    with op.batch_alter_table("processor", schema=None) as batch_op:
        batch_op.drop_constraint("uq_processor_organisation_name", type_="unique")
        batch_op.create_unique_constraint("processor_name_key" if not sqlite else "uq_processor_name", ["name"])
    op.execute("DELETE FROM intake_alert WHERE organisation_id <> 1")
    with op.batch_alter_table("intake_alert", schema=None) as batch_op:
        batch_op.drop_constraint("uq_intake_alert_organisation_source_external_id", type_="unique")
        batch_op.create_unique_constraint("uq_intake_alert_source_external_id", ["source", "external_id"])
    _replace_intake_source(owned=False)
    for table in reversed(OWNED):
        op.drop_index(f"ix_{table}_organisation_id", table_name=table)
        if sqlite:
            with op.batch_alter_table(table, recreate="always") as batch_op:
                batch_op.drop_column("organisation_id")
        else:
            op.drop_constraint(f"fk_{table}_organisation_id_organisation", table, type_="foreignkey")
            op.drop_column(table, "organisation_id")
    if sqlite:
        for table in APPEND_ONLY:
            for statement in _sqlite_append_only(table):
                op.execute(statement)

    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_token_organisation_id"))
    op.drop_table("api_token")
    op.drop_table("portfolio_calendar_token")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="viewer")
        )
    op.execute(
        "UPDATE users SET role = COALESCE((SELECT role FROM membership m WHERE m.user_id = users.id "
        "AND m.organisation_id = 1), 'viewer')"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("operator")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))
        batch_op.drop_index(batch_op.f("ix_membership_organisation_id"))
    op.drop_table("membership")

    op.execute("DELETE FROM contact WHERE organisation_id <> 1")
    op.execute("DELETE FROM organisation WHERE id <> 1")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_organisation_slug", type_="unique")
        batch_op.drop_column("slug")
