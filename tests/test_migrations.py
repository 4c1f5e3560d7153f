"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import notifier.models  # noqa: F401
from notifier import migrate


def test_models_and_migrations_agree(db_url, engine):
    migrate.upgrade(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    assert migrate.is_current(engine, db_url)


def test_migrations_downgrade_to_nothing_and_back(db_url, engine):
    migrate.upgrade(db_url)
    command.downgrade(migrate.alembic_config(db_url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db_url)
    assert "incident" in inspect(engine).get_table_names()
