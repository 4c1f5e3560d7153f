"""The intake writer's WAL checkpointer: its commits never checkpoint, the background thread does, and it stops."""

import os
import sqlite3
import time

from sqlalchemy import create_engine, text

from notifier.db import make_engine
from notifier.intake import checkpoint


def _fill(engine, rows: int) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT)"))
    for start in range(0, rows, 100):
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO filler (body) VALUES (:body)"),
                [{"body": "x" * 2000} for _ in range(start, min(rows, start + 100))],
            )


def _main_file_pages(path: str) -> int:
    return os.path.getsize(path) // 4096


def test_writer_engine_commits_never_checkpoint_and_the_thread_does(tmp_path):
    path = str(tmp_path / "intake.db")
    engine = make_engine(f"sqlite:///{path}")
    checkpoint.no_autocheckpoint(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    _fill(engine, 2000)  # about 1,000 pages: past SQLite's default autocheckpoint, which is off here
    before = _main_file_pages(path)
    assert os.path.getsize(path + "-wal") > 1000 * 4096  # everything is still in the WAL
    assert before < 100

    checkpointer = checkpoint.Checkpointer(engine, interval=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while _main_file_pages(path) < 900 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _main_file_pages(path) >= 900  # the committed pages reached the database file
    finally:
        checkpointer.stop()
    assert not checkpointer._thread.is_alive()
    # Nothing was lost on the way: a fresh connection of another library reads every row.
    with sqlite3.connect(path) as plain:
        assert plain.execute("SELECT count(*) FROM filler").fetchone()[0] == 2000
    engine.dispose()


def test_checkpointer_keeps_running_while_the_writer_commits(tmp_path):
    path = str(tmp_path / "busy.db")
    engine = make_engine(f"sqlite:///{path}")
    checkpointer = checkpoint.start_for(engine)
    assert checkpointer is not None
    try:
        started = time.monotonic()
        _fill(engine, 1500)  # commits interleave with the checkpoints; none of them waits for long
        assert time.monotonic() - started < 20
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM filler").scalar() == 1500
    finally:
        checkpointer.stop()
    assert not checkpointer._thread.is_alive()
    engine.dispose()


def test_other_databases_get_no_checkpointer():
    # Never connects: the dialect alone decides, PostgreSQL has no WAL file to manage from here.
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert checkpoint.start_for(engine) is None
