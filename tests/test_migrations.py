"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

import json

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
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


def test_merged_into_moves_from_the_facts_to_its_own_column(db_url, engine):
    config = migrate.alembic_config(db_url)
    command.upgrade(config, "9d4f2a7c1e85")  # before the column existed, merges were recorded in the facts
    with engine.begin() as conn:
        for row_id, facts in ((1, '{"people_affected": 12}'), (2, '{"merged_into": 1, "people_affected": 3}')):
            conn.execute(
                text(
                    "INSERT INTO incident (id, title, summary, state, facts, created_by, created_at, updated_at) "
                    "VALUES (:id, 't', '', :state, :facts, 'test', '2026-11-23 10:00:00', '2026-11-23 10:00:00')"
                ),
                {"id": row_id, "state": "merged" if row_id == 2 else "triage", "facts": facts},
            )
    migrate.upgrade(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, merged_into_id, facts FROM incident ORDER BY id")).all()
    assert [(r[0], r[1]) for r in rows] == [(1, None), (2, 1)]
    facts = [r[2] if isinstance(r[2], dict) else json.loads(r[2]) for r in rows]  # SQLite hands back text
    assert facts == [{"people_affected": 12}, {"people_affected": 3}]
