"""Upgrading a single-organisation deployment with a row in every table: it becomes the default organisation, every
row is that organisation's with the same id, every user a member with the role they had, the administrators
operators; then the audit chain continues as organisation 1's. On SQLite and PostgreSQL."""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from notifier import migrate, tenancy

BEFORE = "b3e5f7a9c1d2"  # the last single-organisation schema
AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NAMED = {
    ("organisation", "name"): "Ziekenhuis Rivierenland",
    ("organisation", "timezone"): "Europe/Amsterdam",
    ("users", "role"): "administrator",
    ("users", "email"): "anna@zrl.example",
    ("intake_source", "source"): "wazuh",
}


def _value(table: sa.Table, column: sa.Column):  # noqa: ANN202
    """A value the column accepts, the same for every run: enough to prove the row survives."""
    if (table.name, column.name) in NAMED:
        return NAMED[(table.name, column.name)]
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column.table.name
        return None if target == table.name and column.nullable else 1
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enums:
        return kind.enums[0]
    try:
        python = kind.python_type
    except NotImplementedError:
        python = str
    if python is bool:
        return False
    if python is int:
        return 1
    if python is float:
        return 1.0
    if python is datetime:
        return AT
    if python in (dict, list):
        return {}
    return f"{table.name}-{column.name}"


def _fill_every_table(engine: sa.Engine) -> dict[str, int]:
    old = sa.MetaData()
    old.reflect(engine)
    counts = {}
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SET CONSTRAINTS ALL DEFERRED"))
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            present = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            if not present:
                conn.execute(table.insert().values({c.name: _value(table, c) for c in table.columns}))
            counts[table.name] = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    return counts


def test_a_deployment_with_a_row_in_every_table_becomes_the_default_organisation(db_url, engine):
    config = migrate.alembic_config(db_url)
    command.upgrade(config, BEFORE)
    before = _fill_every_table(engine)
    assert all(before.values()), before
    ids = {}
    with engine.connect() as conn:
        old_head = tuple(conn.execute(sa.text("SELECT seq, hash FROM audit_head")).one())
        for name in before:
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            if "id" in table.c:
                ids[name] = sorted(conn.execute(sa.select(table.c.id)).scalars())
    migrate.upgrade(db_url)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            tenancy.see_all(conn)  # past the row-level security the migration switched on
        for name, count in before.items():
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == count, name
            if name in ids and "id" in table.c:
                assert sorted(conn.execute(sa.select(table.c.id)).scalars()) == ids[name], f"{name} renumbered"
            if "organisation_id" in table.c:
                owners = set(conn.execute(sa.select(table.c.organisation_id)).scalars())
                assert owners == {1}, (name, owners)
        org = conn.execute(sa.text("SELECT id, slug, name FROM organisation")).one()
        assert tuple(org) == (1, "ziekenhuis-rivierenland", "Ziekenhuis Rivierenland")
        member = conn.execute(sa.text("SELECT user_id, organisation_id, role, source FROM membership")).one()
        assert tuple(member) == (1, 1, "administrator", "local")
        assert conn.execute(sa.text("SELECT operator FROM users WHERE id = 1")).scalar() in (True, 1)
        head = conn.execute(sa.text("SELECT organisation_id, seq, hash FROM audit_head")).one()
        assert tuple(head) == (1, *old_head)  # the one chain is organisation 1's, where it was
