"""WAL checkpoints off the intake writer's commit path (SQLite only).

SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1000 pages, and that commit then
copies the pages into the database file and syncs it. Under an alert storm that happened every few seconds and
turned one batch's commit into tens of milliseconds, which every request waiting on that batch saw as latency
(the p99). The writer's connections therefore skip the automatic checkpoint and a background thread runs a
PASSIVE checkpoint every interval instead: it never blocks a commit (WAL lets the writer append while pages are
copied) and sqlite3 releases the GIL while it works. Durability is unchanged: a commit is in the WAL
(synchronous=NORMAL) before its 202 is sent either way; a checkpoint only moves committed pages into the main file.
"""

import contextlib
import threading

import structlog
from sqlalchemy import Engine, event

log = structlog.get_logger("notifier.intake")
INTERVAL_SECONDS = 0.5
# A PASSIVE checkpoint copies pages but cannot rewind the WAL while batches keep committing, so in a long storm the
# file would only grow; past this many pages (4 KiB each) one RESTART checkpoint waits for a gap between batches
# and lets the WAL start over. That stalls one batch, once per this many pages, instead of every 1000.
RESTART_PAGES = 16_000


def no_autocheckpoint(engine: Engine) -> None:
    """For the writer's own engine: its commits never run a checkpoint themselves."""

    @event.listens_for(engine, "connect")
    def _no_autocheckpoint(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class Checkpointer:
    """A daemon thread running PRAGMA wal_checkpoint(PASSIVE) on its own connection every interval (RESTART when
    the WAL has grown past RESTART_PAGES)."""

    def __init__(self, engine: Engine, interval: float = INTERVAL_SECONDS):
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="intake-checkpoint", daemon=True)

    def start(self) -> "Checkpointer":
        self._thread.start()
        return self

    def _run(self) -> None:
        conn = self.engine.raw_connection()
        try:
            while not self._stop.wait(self.interval):
                try:
                    _, wal_pages, _ = conn.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if wal_pages > RESTART_PAGES:
                        conn.driver_connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                except Exception:  # a busy or failed checkpoint is retried next time; the WAL stays valid
                    log.warning("intake.checkpoint_failed", exc_info=True)
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def start_for(engine: Engine) -> Checkpointer | None:
    """Configure the writer's engine and start its checkpointer (None for databases other than SQLite)."""
    if engine.dialect.name != "sqlite":
        return None
    no_autocheckpoint(engine)
    return Checkpointer(engine).start()
