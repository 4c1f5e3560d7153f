"""The single writer: group commit for intake.

Requests hand their alert to the writer and wait. The writer collects what arrives while the previous batch is
being written, hands the whole batch to batch.write_items (one transaction: dedup, correlation, incidents with
their audit records), and only after the commit resolves the waiting requests, so every 202 stands for a
committed row. One writer also means correlation never races: two alerts for one event cannot both open an
incident. Only one batch is in flight at a time.

Where the transaction runs: in a child process (mode "process", the default for `notifier serve`), which gives
the database work its own interpreter and core instead of sharing the GIL with the request handling; or in a
worker thread (mode "thread"). The batching itself runs on the event loop: no extra thread wakes up per alert,
so the request handling keeps the GIL to itself.
"""

import asyncio
import contextlib
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

import structlog
from sqlalchemy import Engine

from notifier import clock
from notifier.intake import checkpoint, heap
from notifier.intake.alert import Alert
from notifier.intake.batch import Item, Outcome, write_items
from notifier.intake.queue import FairQueue, QueueLimits
from notifier.intake.triage import TriageRule

log = structlog.get_logger("notifier.intake")


class WriteFailed(Exception):
    """The alert could not be stored (answered 503: nothing was acknowledged)."""


@dataclass(frozen=True)
class WriterConfig:
    database_url: str
    triage: TriageRule
    window: timedelta
    synchronous: str = "full"  # NOTIFIER_SQLITE_SYNCHRONOUS: the writer's commits are the ones a 202 stands for


def _child(conn: Connection, config: WriterConfig) -> None:
    """The writer process: receive (now, items), write them, send the results back; ends when the pipe closes."""
    # Imported in the child, which multiprocessing spawns afresh: the parent needs neither. Every model, since a
    # flush resolves the foreign keys of the tables it writes (the chain head refers to its organisation).
    import notifier.organisation.models  # noqa: F401
    from notifier.db import make_engine
    from notifier.logging import configure_logging

    configure_logging("WARNING")
    engine = make_engine(config.database_url, synchronous=config.synchronous)
    checkpointer = checkpoint.start_for(engine)  # before the first connection: it configures the engine
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
            heap.freeze_once()  # after the first batch: SQLAlchemy's statement caches are built by then
    finally:
        if checkpointer is not None:
            checkpointer.stop()
        engine.dispose()


class Writer:
    """Used from one event loop (the app's); `submit` and the batching never leave it."""

    def __init__(
        self,
        engine: Engine,
        config: WriterConfig,
        *,
        mode: str = "thread",
        max_batch: int = 500,
        limits: QueueLimits | None = None,
    ):
        self.engine, self.config, self.mode, self.max_batch = engine, config, mode, max_batch
        self.queue = FairQueue(limits or QueueLimits())  # bounded and fair: notifier/intake/queue.py
        self._task: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._sender: ThreadPoolExecutor | None = None
        self._process = None
        self._conn: Connection | None = None

    def submit(self, source: str, alert: Alert, raw: str, organisation_id: int) -> asyncio.Future:
        """Queue the alert for the next batch; raises queue.Overloaded (nothing queued) when the writer is behind."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.queue.put((organisation_id, source), (Item(source, alert, raw, organisation_id), future), len(raw))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        # One turn of the loop lets requests already read join the first batch. (No timed wait: time may be
        # frozen in tests, and a timer would stall the writer.)
        await asyncio.sleep(0)
        while self.queue:
            batch = self.queue.take(self.max_batch)
            items = [item for item, _ in batch]
            started = time.perf_counter()
            try:
                results = await self._write(items, clock.now())
                self.queue.written(len(items), time.perf_counter() - started)
            except Exception as exc:  # the writer itself failed: nothing in this batch is acknowledged
                log.error("intake.writer_failed", exc_info=True)
                results = [f"writer unavailable: {exc}"] * len(batch)
                self._discard_child()
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the client went away; the row is stored regardless
                    continue
                if isinstance(result, Outcome):
                    future.set_result(result)
                else:
                    future.set_exception(WriteFailed(result))

    async def _write(self, items: list[Item], now: datetime) -> list:
        loop = asyncio.get_running_loop()
        if self.mode != "process":
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="intake-writer")
            cfg = self.config
            return await loop.run_in_executor(
                self._executor,
                lambda: write_items(self.engine, items, now=now, triage=cfg.triage, window=cfg.window),
            )
        if self._conn is None:
            self._start_child()
        answer = loop.create_future()

        def readable() -> None:
            loop.remove_reader(self._conn.fileno())
            try:
                answer.set_result(self._conn.recv())
            except Exception as exc:
                answer.set_exception(exc)

        # A batch is often larger than the pipe's buffer, so a plain send blocked the event loop until the child had
        # read it all (a tenth of the API process' time in an alert storm). Pickled here, written by a thread that
        # releases the GIL while it waits; the child answers only after reading everything, so the reader set up
        # afterwards cannot miss the answer.
        payload = ForkingPickler.dumps((now, items))
        if self._sender is None:
            self._sender = ThreadPoolExecutor(1, thread_name_prefix="intake-pipe")
        await loop.run_in_executor(self._sender, self._conn.send_bytes, payload)
        loop.add_reader(self._conn.fileno(), readable)
        return await answer

    def _start_child(self) -> None:
        # spawn, not fork: the parent runs an event loop and threads that a fork would copy half-way.
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_child, args=(child_end, self.config), name="intake-writer", daemon=True)
        self._process.start()
        child_end.close()

    def _discard_child(self) -> None:
        """After a failure the pipe may hold half a message: never reuse it; the next batch starts a new child."""
        if self._conn is None:
            return
        with contextlib.suppress(Exception):
            self._conn.close()
            self._process.kill()
            self._process.join(5)
        self._conn = self._process = None

    def stop(self, timeout: float = 10.0) -> None:
        """End the child and the thread (application shutdown; requests have finished by then)."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(timeout)
            self._conn.close()
            self._conn = self._process = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._sender is not None:
            self._sender.shutdown(wait=True)
            self._sender = None
