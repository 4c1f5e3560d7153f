"""The single writer: group commit for intake.

Requests put (alert, future) on a queue and wait. One thread drains the queue, writes everything waiting in
one transaction (dedup, correlation, incident creation with its audit record), commits, and only then resolves
the futures, so every 202 stands for a committed row. One writer also means correlation never races: two alerts
for one event cannot both open an incident. If a batch fails, its items are retried one by one so a single bad
item cannot take the others down with it.
"""

import asyncio
import contextlib
import queue
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, insert
from sqlmodel import Session, select

from notifier import clock
from notifier.intake import correlation, opening
from notifier.intake.alert import Alert, clean
from notifier.intake.models import IntakeAlert
from notifier.intake.triage import TriageRule

log = structlog.get_logger("notifier.intake")
_STOP = object()


@dataclass(frozen=True)
class Outcome:
    alert_id: int
    incident_id: int | None
    duplicate: bool


@dataclass
class Pending:
    source: str
    alert: Alert
    raw: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


def _resolve(items: list[tuple[asyncio.Future, Outcome | BaseException]]) -> None:
    for future, result in items:
        if future.done():  # the request went away (client disconnected); the row is stored regardless
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


class Writer:
    def __init__(self, engine: Engine, *, triage: TriageRule, window: timedelta, max_batch: int = 500):
        self.engine, self.triage, self.window, self.max_batch = engine, triage, window, max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, source: str, alert: Alert, raw: str) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._ensure_started()
        self._queue.put(Pending(source, alert, raw, loop, future))
        return future

    def _ensure_started(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="intake-writer", daemon=True)
                    self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then end the thread (called on application shutdown)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[Pending]) -> None:
        try:
            results: list[Outcome | BaseException] = list(self._transaction(batch))
        except Exception:
            log.warning("intake.batch_failed", size=len(batch), exc_info=True)
            results = []
            for item in batch:
                try:
                    results.extend(self._transaction([item]))
                except Exception as exc:  # answered as 500 for this one alert: nothing was stored for it
                    log.error("intake.alert_failed", source=item.source, exc_info=True)
                    results.append(exc)
        by_loop: dict[asyncio.AbstractEventLoop, list] = {}
        for item, result in zip(batch, results, strict=True):
            by_loop.setdefault(item.loop, []).append((item.future, result))
        for loop, items in by_loop.items():
            # RuntimeError: the loop closed while we were writing; the rows are committed anyway.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, items)

    def _transaction(self, batch: list[Pending]) -> list[Outcome]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                outcomes = write_batch(session, batch, now=clock.now(), triage=self.triage, window=self.window)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return outcomes


def _existing(session: Session, batch: list[Pending]) -> dict[tuple[str, str], Outcome]:
    found: dict[tuple[str, str], Outcome] = {}
    by_source: dict[str, set[str]] = {}
    for item in batch:
        by_source.setdefault(item.source, set()).add(item.alert.external_id)
    for source, ids in by_source.items():
        rows = session.exec(
            select(IntakeAlert.id, IntakeAlert.external_id, IntakeAlert.incident_id).where(
                IntakeAlert.source == source, IntakeAlert.external_id.in_(sorted(ids))
            )
        ).all()
        for alert_id, external_id, incident_id in rows:
            found[(source, external_id)] = Outcome(alert_id, incident_id, True)
    return found


def write_batch(
    session: Session, batch: list[Pending], *, now: datetime, triage: TriageRule, window: timedelta
) -> list[Outcome]:
    """Dedup, correlate and insert a whole batch with a fixed number of statements, whatever its size."""
    existing = _existing(session, batch)
    keys = [correlation.key(item.source, item.alert) for item in batch]
    known: dict[str, int | str] = dict(correlation.open_incidents(session, set(keys), now=now, window=window))
    to_open: list[tuple[str, Alert]] = []
    staged: dict[tuple[str, str], int] = {}
    new: list[tuple[Pending, str]] = []
    plan: list[Outcome | tuple[int, bool]] = []  # an Outcome, or (index into new, duplicate) until ids are known
    for item, key in zip(batch, keys, strict=True):
        dedup = (item.source, item.alert.external_id)
        if dedup in existing:
            plan.append(existing[dedup])
        elif dedup in staged:  # a retry that arrived while the first was still queued
            plan.append((staged[dedup], True))
        else:
            if key not in known and triage.opens_incident(item.source, item.alert.severity):
                known[key] = f"new:{len(to_open)}"  # the first alert of a key opens it; later ones join
                to_open.append((item.source, item.alert))
            staged[dedup] = len(new)
            plan.append((len(new), False))
            new.append((item, key))
    opened = opening.open_incidents(session, to_open, now=now)

    def incident_of(key: str) -> int | None:
        value = known.get(key)
        return opened[int(value[4:])] if isinstance(value, str) else value

    rows = [
        {
            "source": item.source,
            "external_id": item.alert.external_id,
            "title": clean(item.alert.title),
            "severity": item.alert.severity,
            "severity_original": clean(item.alert.severity_original),
            "observed_at": item.alert.observed_at,
            "received_at": now,
            "asset": clean(item.alert.asset),
            "rule": clean(item.alert.rule),
            "correlation_key": clean(key),
            "incident_id": incident_of(key),
            "raw": item.raw,
        }
        for item, key in new
    ]
    ids: list[int] = []
    if rows:
        table = IntakeAlert.__table__
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        ids = [row[0] for row in result]
    return [p if isinstance(p, Outcome) else Outcome(ids[p[0]], rows[p[0]]["incident_id"], p[1]) for p in plan]
