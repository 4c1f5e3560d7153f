"""The single writer: group commit for intake.

Requests put (alert, future) on a queue and wait. One thread drains the queue, hands everything waiting to
batch.write_items (one transaction: dedup, correlation, incidents with their audit records), and only after the
commit resolves the futures, so every 202 stands for a committed row. One writer also means correlation never
races: two alerts for one event cannot both open an incident.

Where the transaction runs is the sink: in this thread (mode "thread"), or in a child process (mode "process",
the default for `notifier serve`), which gives the database work its own interpreter and core instead of
sharing the GIL with the request handling. Only one batch is in flight at a time either way.
"""

import asyncio
import contextlib
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection

import structlog
from sqlalchemy import Engine

from notifier import clock
from notifier.intake.alert import Alert
from notifier.intake.batch import Item, Outcome, write_items
from notifier.intake.triage import TriageRule

log = structlog.get_logger("notifier.intake")
_STOP = object()


class WriteFailed(Exception):
    """The alert could not be stored (answered as 500: nothing was acknowledged)."""


@dataclass
class Pending:
    item: Item
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


def _resolve(items: list[tuple[asyncio.Future, Outcome | str]]) -> None:
    for future, result in items:
        if future.done():  # the request went away (client disconnected); the row is stored regardless
            continue
        if isinstance(result, Outcome):
            future.set_result(result)
        else:
            future.set_exception(WriteFailed(result))


@dataclass(frozen=True)
class WriterConfig:
    database_url: str
    triage: TriageRule
    window: timedelta


def _child(conn: Connection, config: WriterConfig) -> None:
    """The writer process: receive (now, items), write them, send the results back; ends when the pipe closes."""
    from notifier.db import make_engine
    from notifier.logging import configure_logging

    configure_logging("WARNING")
    engine = make_engine(config.database_url)
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            now, items = message
            conn.send(write_items(engine, items, now=now, triage=config.triage, window=config.window))
    finally:
        engine.dispose()


class Writer:
    def __init__(
        self, engine: Engine, config: WriterConfig, *, mode: str = "thread", max_batch: int = 500, linger: float = 0
    ):
        self.engine, self.config, self.mode, self.max_batch, self.linger = engine, config, mode, max_batch, linger
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._process = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def submit(self, source: str, alert: Alert, raw: str) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._ensure_started()
        self._queue.put(Pending(Item(source, alert, raw), loop, future))
        return future

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            if self.mode == "process":
                self._start_child()
            self._thread = threading.Thread(target=self._run, name="intake-writer", daemon=True)
            self._thread.start()

    def _start_child(self) -> None:
        # spawn, not fork: the parent runs an event loop and threads that a fork would copy half-way.
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_child, args=(child_end, self.config), name="intake-writer", daemon=True)
        self._process.start()
        child_end.close()

    def _restart_child(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()
            self._process.kill()
            self._process.join(5)
        self._start_child()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then end the thread and the child (called on application shutdown)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(timeout)
            self._conn.close()
            self._process = self._conn = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            # Linger a moment for the rest of a burst: fewer, larger transactions cost less CPU per alert.
            until = time.monotonic() + self.linger
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get(timeout=max(0.0, until - time.monotonic()))
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[Pending]) -> None:
        items, now = [p.item for p in batch], clock.now()
        try:
            if self._conn is not None:
                self._conn.send((now, items))
                results = self._conn.recv()
            else:
                results = write_items(self.engine, items, now=now, triage=self.config.triage, window=self.config.window)
        except Exception as exc:  # the child died: nothing in this batch is acknowledged; start a new one
            log.error("intake.writer_failed", exc_info=True)
            results = [f"writer unavailable: {exc}"] * len(batch)
            if self._conn is not None:
                self._restart_child()
        by_loop: dict[asyncio.AbstractEventLoop, list] = {}
        for pending, result in zip(batch, results, strict=True):
            by_loop.setdefault(pending.loop, []).append((pending.future, result))
        for loop, resolved in by_loop.items():
            # RuntimeError: the loop closed while we were writing; the rows are committed anyway.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, resolved)
