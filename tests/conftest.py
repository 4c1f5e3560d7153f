"""Shared fixtures: a database built through the real migrations, the app, an authenticated client.

The database is SQLite in a temporary folder unless NOTIFIER_TEST_DATABASE_URL names a PostgreSQL server;
then every test gets a fresh database on it (created and dropped around the test). On SQLite the `app` fixture
starts from a copy of one file the migrations built at the start of the session: the same schema and rows a
migration at start would make, for a file copy instead of a second of migrations per test. Tests of the
migrations themselves use `db_url` without `app` and get an empty file.
"""

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from notifier import migrate
from notifier.config import Settings
from notifier.db import make_engine
from notifier.main import create_app

TOKEN = "test-token-" + "x" * 24
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def fresh_database(tmp_path, prefix: str = "t") -> Iterator[str]:
    """A new empty database: a SQLite file, or a database of its own on NOTIFIER_TEST_DATABASE_URL's server."""
    server = os.environ.get("NOTIFIER_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / f'{prefix}-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(tmp_path) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    return Settings(
        database_url=db_url,
        api_token=TOKEN,
        env="test",
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-" + "y" * 24,
        scheduler_enabled=False,  # tests drive the sweep themselves (tests/reminders) with frozen time
        # One disk sync per commit costs ~5 ms here and the suite commits tens of thousands of times; power-loss
        # safety is tested with the default (full) in tests/operations/test_durability.py and every served process.
        sqlite_synchronous="normal",
    )


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):  # noqa: ANN201
    """A SQLite file at the head revision, in rollback-journal mode so the one file is the whole database."""
    path = tmp_path_factory.mktemp("migrated") / "head.db"
    migrate.upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    return path


@pytest.fixture
def app(settings, migrated_sqlite):
    if settings.is_sqlite and settings.migrate_on_start:
        target = settings.database_url.removeprefix("sqlite:///")
        if not os.path.exists(target):
            shutil.copyfile(migrated_sqlite, target)
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, headers=AUTH) as c:
        yield c


@pytest.fixture
def session(app) -> Iterator[Session]:
    with Session(app.state.engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def engine(settings):
    eng = make_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    yield eng
    eng.dispose()


HOSPITAL = {
    "name": "Ziekenhuis Rivierenland",
    "kvk_number": "41234567",
    "sector": "health",
    "entity_type": "healthcare_provider",
    "staff_count": 2400,
    "annual_turnover_eur": 310_000_000,
    "balance_sheet_eur": 250_000_000,
    "trust_service_provider": False,
    "timezone": "Europe/Amsterdam",
    "contacts": [
        {
            "name": "Anna de Vries",
            "email": "a.devries@zrl.example",
            "phone": "+31 88 123 4567",
            "role": "reporting_officer",
        },
        {"name": "Bram Jansen", "email": "b.jansen@zrl.example", "phone": "+31 88 123 4568", "role": "deputy"},
        {"name": "Carla Smit", "email": "c.smit@zrl.example", "phone": "+31 88 123 4569", "role": "ciso"},
        {"name": "Dirk Bakker", "email": "fg@zrl.example", "phone": "+31 88 123 4570", "role": "dpo"},
    ],
}


def put_organisation(client: TestClient, **overrides) -> dict:
    body = {**HOSPITAL, **overrides}
    response = client.put("/api/v1/organisation", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def new_incident(client: TestClient, title: str = "Ransomware op het EPD", **extra) -> dict:
    response = client.post("/api/v1/incidents", json={"title": title, "summary": "Systemen versleuteld", **extra})
    assert response.status_code == 201, response.text
    return response.json()


def post_event(client: TestClient, incident_id: int, expect: int = 200, **body) -> dict:
    response = client.post(f"/api/v1/incidents/{incident_id}/events", json=body)
    assert response.status_code == expect, response.text
    return response.json()


def deadline(incident: dict, regime: str, stage: str, sequence: int = 0) -> dict:
    return next(
        d for d in incident["deadlines"] if d["regime"] == regime and d["stage"] == stage and d["sequence"] == sequence
    )
