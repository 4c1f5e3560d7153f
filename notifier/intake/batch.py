"""Writing one batch of alerts in one transaction: dedup, correlation, incidents opened, one multi-row INSERT.

Used by the intake writer, in its thread or in its own process. Every instant comes from `now`, which the caller
takes when it forms the batch, so the result does not depend on which process's clock ran the transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, bindparam, insert, select, text
from sqlmodel import Session

from notifier.db import session_scope
from notifier.intake import correlation, opening
from notifier.intake.alert import Alert, clean
from notifier.intake.models import IntakeAlert
from notifier.intake.triage import TriageRule
from notifier.tenancy import DEFAULT_ORGANISATION_ID

log = structlog.get_logger("notifier.intake")
INTAKE_LOCK = 0x6D656C64  # any constant; the same in every process


@dataclass(frozen=True)
class Outcome:
    alert_id: int
    incident_id: int | None
    duplicate: bool


@dataclass(frozen=True)
class Item:
    source: str
    alert: Alert
    raw: str
    # Whose alert it is (the source token's organisation): dedup, correlation and the incident stay inside it.
    organisation_id: int = DEFAULT_ORGANISATION_ID


def write_items(
    engine: Engine, items: list[Item], *, now: datetime, triage: TriageRule, window: timedelta
) -> list[Outcome | str]:
    """One transaction for the batch; if it fails, each item alone, so one bad item cannot sink the others.
    An item that fails alone gets an error text instead of an Outcome (nothing was stored for it)."""
    try:
        return list(_transaction(engine, items, now, triage, window))
    except Exception:
        log.warning("intake.batch_failed", size=len(items), exc_info=True)
    results: list[Outcome | str] = []
    for item in items:
        try:
            results.extend(_transaction(engine, [item], now, triage, window))
        except Exception as exc:
            log.error("intake.alert_failed", source=item.source, exc_info=True)
            results.append(f"{type(exc).__name__}: {exc}")
    return results


def _transaction(engine: Engine, items: list[Item], now, triage, window) -> list[Outcome]:  # noqa: ANN001
    # The batch is a unit of work of its own, like a scheduler job's: the writer answers the waiting requests only
    # after this commit (writer.py), so the intake route itself never commits.
    with session_scope(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            # Several app processes each run a writer; this lock makes their batches take turns, as
            # SQLite's BEGIN IMMEDIATE does, so correlation and dedup never race across processes.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INTAKE_LOCK})
        return write_batch(session, items, now=now, triage=triage, window=window)


_ALERTS = IntakeAlert.__table__
# Built once (see correlation._query): the writer runs these for every batch.
_EXISTING = select(_ALERTS.c.id, _ALERTS.c.external_id, _ALERTS.c.incident_id).where(
    _ALERTS.c.organisation_id == bindparam("organisation_id"),
    _ALERTS.c.source == bindparam("source"),
    _ALERTS.c.external_id.in_(bindparam("ids", expanding=True)),
)
# Unordered RETURNING lets SQLAlchemy send one multi-row INSERT (ordered RETURNING falls back to one statement per
# row on SQLite); (organisation_id, source, external_id) is unique, so it maps the ids back.
_INSERT = insert(_ALERTS).returning(_ALERTS.c.id, _ALERTS.c.organisation_id, _ALERTS.c.source, _ALERTS.c.external_id)


def _existing(session: Session, batch: list[Item]) -> dict[tuple[int, str, str], Outcome]:
    found: dict[tuple[int, str, str], Outcome] = {}
    by_source: dict[tuple[int, str], set[str]] = {}
    for item in batch:
        by_source.setdefault((item.organisation_id, item.source), set()).add(item.alert.external_id)
    conn = session.connection()
    for (organisation_id, source), ids in by_source.items():
        values = {"organisation_id": organisation_id, "source": source, "ids": sorted(ids)}
        for alert_id, external_id, incident_id in conn.execute(_EXISTING, values):
            found[(organisation_id, source, external_id)] = Outcome(alert_id, incident_id, True)
    return found


def write_batch(
    session: Session, batch: list[Item], *, now: datetime, triage: TriageRule, window: timedelta
) -> list[Outcome]:
    """Dedup, correlate and insert a whole batch with a fixed number of statements, whatever its size."""
    existing = _existing(session, batch)
    keys = [correlation.key(item.source, item.alert) for item in batch]
    wanted: dict[int, set[str]] = {}
    for item, key in zip(batch, keys, strict=True):
        wanted.setdefault(item.organisation_id, set()).add(key)
    # (organisation, key) -> the open incident, or "new:<n>" for the n-th incident this batch opens
    known: dict[tuple[int, str], int | str] = {
        (organisation_id, key): incident_id
        for organisation_id, org_keys in wanted.items()
        for key, incident_id in correlation.open_incidents(
            session, org_keys, organisation_id=organisation_id, now=now, window=window
        ).items()
    }
    to_open: list[tuple[str, Alert, int]] = []
    staged: dict[tuple[int, str, str], int] = {}
    new: list[tuple[Item, str]] = []
    plan: list[Outcome | tuple[int, bool]] = []  # an Outcome, or (index into new, duplicate) until ids are known
    for item, key in zip(batch, keys, strict=True):
        dedup = (item.organisation_id, item.source, item.alert.external_id)
        if dedup in existing:
            plan.append(existing[dedup])
        elif dedup in staged:  # a retry that arrived while the first was still queued
            plan.append((staged[dedup], True))
        else:
            scoped = (item.organisation_id, key)
            if scoped not in known and triage.opens_incident(item.source, item.alert.severity):
                known[scoped] = f"new:{len(to_open)}"  # the first alert of a key opens it; later ones join
                to_open.append((item.source, item.alert, item.organisation_id))
            staged[dedup] = len(new)
            plan.append((len(new), False))
            new.append((item, key))
    opened = opening.open_incidents(session, to_open, now=now)

    def incident_of(item: Item, key: str) -> int | None:
        value = known.get((item.organisation_id, key))
        return opened[int(value[4:])] if isinstance(value, str) else value

    rows = [
        {
            "organisation_id": item.organisation_id,
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
            "incident_id": incident_of(item, key),
            "raw": item.raw,
        }
        for item, key in new
    ]
    ids: list[int] = []
    if rows:
        by_key = {
            (organisation_id, source, external_id): alert_id
            for alert_id, organisation_id, source, external_id in session.connection().execute(_INSERT, rows)
        }
        ids = [by_key[(row["organisation_id"], row["source"], row["external_id"])] for row in rows]
    return [p if isinstance(p, Outcome) else Outcome(ids[p[0]], rows[p[0]]["incident_id"], p[1]) for p in plan]
