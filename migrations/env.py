"""Alembic environment: the models' metadata, the URL from NOTIFIER_DATABASE_URL or the caller's config."""

from alembic import context
from sqlmodel import SQLModel

import notifier.models  # noqa: F401  (registers every table on SQLModel.metadata)
from notifier.config import get_settings
from notifier.db import make_engine
from notifier.tenancy import see_all

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if connectable.dialect.name == "postgresql":
                see_all(connectable)
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode recreates a table by copying it and dropping the old one, which SQLite refuses while
            # other tables refer to it and foreign keys are on. The pragma only takes effect outside a transaction,
            # so it goes to the driver's connection before SQLAlchemy begins one; the check below makes up for it.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                see_all(connection)  # a migration works on every organisation's rows (row-level security)
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows whose foreign key points nowhere: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
