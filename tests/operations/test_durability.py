"""What an acknowledged alert and a confirmed filing survive (issue 18 section 2), as the database reports it."""

import json

import pytest
from sqlalchemy import text

from notifier.config import Settings
from notifier.db import durability, make_engine
from notifier.intake.setup import IntakeState
from tests.intake.conftest import INTAKE_TOKEN
from tests.operations.test_serve_first_run import _serve
from tests.web.conftest import free_port


def test_sqlite_commits_are_synced_to_disk_by_default(tmp_path):
    assert Settings().sqlite_synchronous == "full"
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL: synced before COMMIT returns
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert durability(engine) == {
            "database": "sqlite",
            "journal_mode": "wal",
            "synchronous": "full",
            "power_loss_safe": True,
        }
    finally:
        engine.dispose()


def test_normal_is_an_explicit_trade_and_reported_as_such(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}", synchronous="normal")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1
        assert durability(engine)["power_loss_safe"] is False
    finally:
        engine.dispose()
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        Settings(sqlite_synchronous="off")


def test_the_intake_writer_commits_with_the_configured_level(settings, engine):
    # The writer's child process opens its own engine from this config (notifier/intake/writer.py `_child`).
    assert (
        IntakeState(settings.model_copy(update={"sqlite_synchronous": "full"}), engine).writer.config.synchronous
        == "full"
    )
    assert IntakeState(settings, engine).writer.config.synchronous == settings.sqlite_synchronous


def test_serve_states_what_a_commit_survives(tmp_path, db_url):
    port = free_port()
    env = {"NOTIFIER_INTAKE_TOKEN": INTAKE_TOKEN}
    if not db_url.startswith("sqlite"):
        env["NOTIFIER_DATABASE_URL"] = db_url
    server, log = _serve(tmp_path, port, **env)
    server.terminate()
    server.wait(timeout=60)
    lines = [json.loads(line) for line in log.read_text().splitlines() if '"serve.durability"' in line]
    assert len(lines) == 1, log.read_text()[-2000:]
    report = lines[0]
    if db_url.startswith("sqlite"):
        assert (report["synchronous"], report["power_loss_safe"], report["level"]) == ("full", True, "info")
    else:
        # The server's own settings decide (CI's throwaway cluster may run with fsync off): reported either way.
        engine = make_engine(db_url)
        try:
            expected = durability(engine)
        finally:
            engine.dispose()
        assert {k: report[k] for k in expected} == expected
        assert report["level"] == ("info" if expected["power_loss_safe"] else "warning")
